//! The contract ABI the `#[contract]` macro embeds in the `procura_abi`
//! custom section: method names, their kind and their argument and result
//! types (as Rust type names). The host uses the kinds to enforce that views
//! never write and that `init` runs only at instantiation; tools use the rest
//! to decode calls.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodKind {
    /// Runs once, when the contract is instantiated.
    Init,
    /// May change state and emit events.
    Call,
    /// Read-only; the host refuses writes.
    View,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arg {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodAbi {
    pub name: String,
    pub kind: MethodKind,
    pub args: Vec<Arg>,
    pub returns: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractAbi {
    pub contract: String,
    pub abi_version: u32,
    pub methods: Vec<MethodAbi>,
}

impl ContractAbi {
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    pub fn method(&self, name: &str) -> Option<&MethodAbi> {
        self.methods.iter().find(|m| m.name == name)
    }
}

pub fn to_json(abi: &ContractAbi) -> String {
    serde_json::to_string(abi).expect("ABI serialises")
}
