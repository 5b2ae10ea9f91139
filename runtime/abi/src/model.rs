//! The ABI model and how it is read from a module's custom sections.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AbiError {
    #[error("the module is not valid Wasm: {0}")]
    Wasm(String),
    #[error("the module has no `procura_abi` section: it was not built with the Procura SDK")]
    NoAbi,
    #[error("the `{section}` section is not valid: {message}")]
    BadSection { section: &'static str, message: String },
    #[error("the contract has no method `{0}`")]
    UnknownMethod(String),
    #[error("the contract declares no payload type for event topic `{0}`")]
    UnknownTopic(String),
    #[error("type `{0}` is not described in the contract's ABI (derive AbiType on it)")]
    UnknownType(String),
    #[error("cannot parse type `{0}`")]
    BadType(String),
    #[error("cannot decode `{ty}`: {message}")]
    Decode { ty: String, message: String },
    #[error("cannot encode `{ty}`: {message}")]
    Encode { ty: String, message: String },
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Arg {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    /// `call`, `view` or `init`.
    pub kind: String,
    pub args: Vec<Arg>,
    pub returns: String,
}

/// A struct's fields, or an enum's variants (each with its fields), in
/// declaration order: Borsh's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeDef {
    Struct(Vec<(String, String)>),
    Enum(Vec<(String, Vec<(String, String)>)>),
}

#[derive(Deserialize)]
struct MethodsSection {
    contract: String,
    methods: Vec<Method>,
}

#[derive(Deserialize)]
struct TypeLine {
    name: String,
    #[serde(rename = "struct")]
    fields: Option<Vec<(String, String)>>,
    #[serde(rename = "enum")]
    variants: Option<Vec<(String, Vec<(String, String)>)>>,
}

#[derive(Deserialize)]
struct EventLine {
    topic: String,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContractAbi {
    pub contract: String,
    pub methods: Vec<Method>,
    pub types: BTreeMap<String, TypeDef>,
    /// Event topic → payload type.
    pub events: BTreeMap<String, String>,
}

fn lines<T: serde::de::DeserializeOwned>(section: &'static str, bytes: &[u8]) -> Result<Vec<T>, AbiError> {
    let text = std::str::from_utf8(bytes).map_err(|e| AbiError::BadSection { section, message: e.to_string() })?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| AbiError::BadSection { section, message: e.to_string() }))
        .collect()
}

impl ContractAbi {
    /// Reads the ABI from a module's custom sections.
    pub fn from_wasm(code: &[u8]) -> Result<Self, AbiError> {
        let mut abi = None;
        let mut types = Vec::new();
        let mut events = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(code) {
            let payload = payload.map_err(|e| AbiError::Wasm(e.to_string()))?;
            if let wasmparser::Payload::CustomSection(section) = payload {
                match section.name() {
                    "procura_abi" => abi = Some(section.data().to_vec()),
                    "procura_types" => types.extend_from_slice(section.data()),
                    "procura_events" => events.extend_from_slice(section.data()),
                    _ => {}
                }
            }
        }
        let abi = abi.ok_or(AbiError::NoAbi)?;
        Self::from_sections(&abi, &types, &events)
    }

    /// Builds the ABI from the three sections' bytes.
    pub fn from_sections(abi: &[u8], types: &[u8], events: &[u8]) -> Result<Self, AbiError> {
        let methods: MethodsSection = serde_json::from_slice(abi)
            .map_err(|e| AbiError::BadSection { section: "procura_abi", message: e.to_string() })?;
        let mut out = ContractAbi { contract: methods.contract, methods: methods.methods, ..Default::default() };
        for line in lines::<TypeLine>("procura_types", types)? {
            let def = match (line.fields, line.variants) {
                (Some(fields), None) => TypeDef::Struct(fields),
                (None, Some(variants)) => TypeDef::Enum(variants),
                _ => {
                    return Err(AbiError::BadSection {
                        section: "procura_types",
                        message: format!("type {} must be a struct or an enum", line.name),
                    })
                }
            };
            out.types.insert(line.name, def);
        }
        for line in lines::<EventLine>("procura_events", events)? {
            out.events.insert(line.topic, line.ty);
        }
        Ok(out)
    }

    /// Names used by methods, events or other types but not described in
    /// `procura_types` (a type missing `#[derive(AbiType)]`), sorted.
    pub fn undescribed_types(&self) -> Vec<String> {
        let mut roots: Vec<&str> = Vec::new();
        for m in &self.methods {
            roots.extend(m.args.iter().map(|a| a.ty.as_str()));
            roots.push(&m.returns);
        }
        roots.extend(self.events.values().map(String::as_str));
        for def in self.types.values() {
            match def {
                TypeDef::Struct(fields) => roots.extend(fields.iter().map(|(_, t)| t.as_str())),
                TypeDef::Enum(variants) => {
                    roots.extend(variants.iter().flat_map(|(_, fields)| fields.iter().map(|(_, t)| t.as_str())))
                }
            }
        }
        let mut missing = std::collections::BTreeSet::new();
        for root in roots {
            match crate::TypeExpr::parse(root) {
                Ok(expr) => expr.named(&mut |name| {
                    if !self.types.contains_key(name) {
                        missing.insert(name.to_string());
                    }
                }),
                Err(_) => {
                    missing.insert(root.to_string());
                }
            }
        }
        missing.into_iter().collect()
    }

    pub fn method(&self, name: &str) -> Result<&Method, AbiError> {
        self.methods.iter().find(|m| m.name == name).ok_or_else(|| AbiError::UnknownMethod(name.into()))
    }

    /// A call's Borsh input as a JSON object keyed by argument name.
    pub fn decode_args(&self, method: &str, input: &[u8]) -> Result<serde_json::Value, AbiError> {
        let m = self.method(method)?;
        let tuple = format!("({})", m.args.iter().map(|a| a.ty.as_str()).collect::<Vec<_>>().join(","));
        // No arguments is the unit type `()`, which decodes to null (the
        // abi_codec fuzz target found this was an `unreachable!` panic).
        let values = match self.decode(&tuple, input)? {
            serde_json::Value::Array(values) => values,
            _ => Vec::new(),
        };
        Ok(m.args.iter().map(|a| a.name.clone()).zip(values).collect::<serde_json::Map<_, _>>().into())
    }

    /// A JSON object keyed by argument name, as the method's Borsh input.
    pub fn encode_args(&self, method: &str, args: &serde_json::Value) -> Result<Vec<u8>, AbiError> {
        let m = self.method(method)?;
        let mut out = Vec::new();
        for a in &m.args {
            let value = args.get(&a.name).ok_or_else(|| AbiError::Encode {
                ty: a.ty.clone(),
                message: format!("argument `{}` of `{method}` is missing", a.name),
            })?;
            out.extend(self.encode(&a.ty, value)?);
        }
        Ok(out)
    }

    pub fn decode_return(&self, method: &str, data: &[u8]) -> Result<serde_json::Value, AbiError> {
        let returns = self.method(method)?.returns.clone();
        self.decode(&returns, data)
    }

    pub fn decode_event(&self, topic: &str, payload: &[u8]) -> Result<serde_json::Value, AbiError> {
        let ty = self.events.get(topic).ok_or_else(|| AbiError::UnknownTopic(topic.into()))?;
        self.decode(ty, payload)
    }
}
