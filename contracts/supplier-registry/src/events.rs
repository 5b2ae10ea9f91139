//! Events, Borsh-encoded; topics are the constants below.

use alloc::string::String;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::Address;

pub const REGISTRY_OPENED: &str = "registry_opened";
pub const SUPPLIER_REGISTERED: &str = "supplier_registered";
pub const DOCUMENT_ADDED: &str = "document_added";
pub const SUPPLIER_DEBARRED: &str = "supplier_debarred";
pub const DEBARMENT_LIFTED: &str = "debarment_lifted";
pub const OPERATOR_CHANGED: &str = "operator_changed";

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct OperatorChanged {
    pub operator: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SupplierRegistered {
    pub supplier: Address,
    pub identifier: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct DocumentAdded {
    pub supplier: Address,
    pub kind: String,
    pub sha256: [u8; 32],
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SupplierDebarred {
    pub supplier: Address,
    pub from: u64,
    pub until: u64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct DebarmentLifted {
    pub supplier: Address,
    pub reason: String,
}
