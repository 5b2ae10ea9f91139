//! `#[contract]`: turns a contract's impl block into Wasm entry points and an
//! ABI. See the `procura-sdk` crate docs for the programming model.

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use syn::{parse_macro_input, DeriveInput, FnArg, ImplItem, ItemImpl, Pat, ReturnType, Type, Visibility};

mod abi_type;

/// Describes a type's Borsh layout in the contract's ABI (section
/// `procura_types`), so auditors' tools decode arguments and events.
#[proc_macro_derive(AbiType)]
pub fn derive_abi_type(item: TokenStream) -> TokenStream {
    let input = parse_macro_input!(item as DeriveInput);
    abi_type::derive(input).unwrap_or_else(|e| e.to_compile_error()).into()
}

/// Marks the constructor, run once when the contract is instantiated.
#[proc_macro_attribute]
pub fn init(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Marks a read-only method: the host refuses any write it attempts.
#[proc_macro_attribute]
pub fn view(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

struct Method {
    name: syn::Ident,
    kind: &'static str,
    args: Vec<(syn::Ident, Type)>,
    /// The `T` of `Result<T, E>` (or the plain return type).
    ok_type: Type,
    returns_result: bool,
}

fn type_string(ty: &Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

/// `Result<T, E>` → `Some(T)`.
fn result_ok_type(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if !last.ident.to_string().ends_with("Result") {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn strip_marker(attrs: &mut Vec<syn::Attribute>, name: &str) -> bool {
    let before = attrs.len();
    attrs.retain(|a| !a.path().is_ident(name) && !a.path().segments.last().is_some_and(|s| s.ident == name));
    attrs.len() != before
}

#[proc_macro_attribute]
pub fn contract(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut block = parse_macro_input!(item as ItemImpl);
    let self_ty = block.self_ty.clone();
    let contract_name = type_string(&self_ty);
    let mut methods = Vec::new();
    let mut errors = Vec::new();

    for item in block.items.iter_mut() {
        let ImplItem::Fn(f) = item else { continue };
        let is_init = strip_marker(&mut f.attrs, "init");
        let is_view = strip_marker(&mut f.attrs, "view");
        if !matches!(f.vis, Visibility::Public(_)) {
            continue;
        }
        let mut args = Vec::new();
        for input in &f.sig.inputs {
            match input {
                FnArg::Receiver(r) => errors.push(syn::Error::new_spanned(
                    r,
                    "contract methods take no `self`: keep state in `Item`/`Map` storage",
                )),
                FnArg::Typed(pt) => match &*pt.pat {
                    Pat::Ident(id) => args.push((id.ident.clone(), (*pt.ty).clone())),
                    other => errors.push(syn::Error::new_spanned(other, "arguments must be plain identifiers")),
                },
            }
        }
        let (ok_type, returns_result) = match &f.sig.output {
            ReturnType::Default => (syn::parse_quote!(()), false),
            ReturnType::Type(_, ty) => match result_ok_type(ty) {
                Some(t) => (t, true),
                None => ((**ty).clone(), false),
            },
        };
        let kind = match (is_init, is_view) {
            (true, true) => {
                errors.push(syn::Error::new_spanned(&f.sig.ident, "a method cannot be both #[init] and #[view]"));
                "call"
            }
            (true, false) => "init",
            (false, true) => "view",
            (false, false) => "call",
        };
        methods.push(Method { name: f.sig.ident.clone(), kind, args, ok_type, returns_result });
    }
    if let Some(e) = errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        return e.to_compile_error().into();
    }

    let abi = serde_json::json!({
        "contract": contract_name,
        "abi_version": 1,
        "methods": methods.iter().map(|m| serde_json::json!({
            "name": m.name.to_string(),
            "kind": m.kind,
            "args": m.args.iter().map(|(n, t)| serde_json::json!({"name": n.to_string(), "type": type_string(t)})).collect::<Vec<_>>(),
            "returns": type_string(&m.ok_type),
        })).collect::<Vec<_>>(),
    });
    let abi_json = abi.to_string();
    let abi_bytes = syn::LitByteStr::new(abi_json.as_bytes(), proc_macro2::Span::call_site());
    let abi_len = abi_json.len();

    let exports = methods.iter().map(|m| {
        let name = &m.name;
        let name_str = name.to_string();
        let arg_names: Vec<_> = m.args.iter().map(|(n, _)| n).collect();
        let arg_types: Vec<_> = m.args.iter().map(|(_, t)| t).collect();
        let call = quote!(<#self_ty>::#name(#(#arg_names),*));
        let finish = if m.returns_result {
            quote!(::procura_sdk::__private::finish(#call))
        } else {
            quote!(::procura_sdk::__private::finish(::core::result::Result::<_, ::procura_sdk::ContractError>::Ok(#call)))
        };
        quote! {
            #[no_mangle]
            pub extern "C" fn #name() {
                let input = ::procura_sdk::host::input();
                let (#(#arg_names,)*): (#(#arg_types,)*) = ::procura_sdk::__private::decode_args(#name_str, &input);
                #finish;
            }
        }
    });
    let module = format_ident!(
        "__procura_exports_{}",
        contract_name.to_lowercase().replace(|c: char| !c.is_alphanumeric(), "_")
    );

    quote! {
        #block

        impl #self_ty {
            /// The contract's ABI (JSON), also embedded in the Wasm module's
            /// `procura_abi` custom section.
            pub const ABI_JSON: &'static str = #abi_json;
        }

        #[cfg(target_arch = "wasm32")]
        #[doc(hidden)]
        #[allow(non_snake_case)]
        pub mod #module {
            use super::*;
            #(#exports)*

            #[link_section = "procura_abi"]
            #[used]
            static PROCURA_ABI: [u8; #abi_len] = *#abi_bytes;
        }
    }
    .into()
}
