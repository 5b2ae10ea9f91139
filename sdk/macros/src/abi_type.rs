//! `#[derive(AbiType)]`: describes a struct's or enum's Borsh layout as JSON
//! so that tools can decode call arguments, results and events without the
//! contract's Rust source. The description goes into the module's
//! `procura_types` custom section, one JSON document per line.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

fn type_string(ty: &syn::Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

fn fields_json(fields: &Fields) -> serde_json::Value {
    match fields {
        Fields::Named(named) => named
            .named
            .iter()
            .map(|f| serde_json::json!([f.ident.as_ref().expect("named").to_string(), type_string(&f.ty)]))
            .collect(),
        Fields::Unnamed(unnamed) => unnamed
            .unnamed
            .iter()
            .enumerate()
            .map(|(i, f)| serde_json::json!([i.to_string(), type_string(&f.ty)]))
            .collect(),
        Fields::Unit => serde_json::json!([]),
    }
}

pub fn derive(input: DeriveInput) -> syn::Result<TokenStream> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(&input.generics, "AbiType does not support generic types"));
    }
    let name = &input.ident;
    let json = match &input.data {
        Data::Struct(s) => serde_json::json!({"name": name.to_string(), "struct": fields_json(&s.fields)}),
        Data::Enum(e) => {
            if let Some(v) = e.variants.iter().find(|v| v.discriminant.is_some()) {
                return Err(syn::Error::new_spanned(v, "AbiType enums cannot set explicit discriminants"));
            }
            let variants: Vec<_> =
                e.variants.iter().map(|v| serde_json::json!([v.ident.to_string(), fields_json(&v.fields)])).collect();
            serde_json::json!({"name": name.to_string(), "enum": variants})
        }
        Data::Union(_) => return Err(syn::Error::new_spanned(name, "AbiType does not support unions")),
    };
    let line = format!("{json}\n");
    let bytes = syn::LitByteStr::new(line.as_bytes(), proc_macro2::Span::call_site());
    let len = line.len();
    let json_str = json.to_string();
    Ok(quote! {
        impl ::procura_sdk::abi::AbiType for #name {
            const ABI_TYPE_JSON: &'static str = #json_str;
        }
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            #[link_section = "procura_types"]
            #[used]
            static TYPE: [u8; #len] = *#bytes;
        };
    })
}
