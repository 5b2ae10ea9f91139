//! Events, Borsh-encoded; topics are the constants below.

use alloc::string::String;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::{AbiType, Address};

procura_sdk::events! {
    REGISTRY_OPENED = "registry_opened": OperatorChanged,
    SUPPLIER_REGISTERED = "supplier_registered": SupplierRegistered,
    DOCUMENT_ADDED = "document_added": DocumentAdded,
    SUPPLIER_DEBARRED = "supplier_debarred": SupplierDebarred,
    DEBARMENT_LIFTED = "debarment_lifted": DebarmentLifted,
    OPERATOR_CHANGED = "operator_changed": OperatorChanged,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct OperatorChanged {
    pub operator: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct SupplierRegistered {
    pub supplier: Address,
    pub identifier: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct DocumentAdded {
    pub supplier: Address,
    pub kind: String,
    pub sha256: [u8; 32],
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct SupplierDebarred {
    pub supplier: Address,
    pub from: u64,
    pub until: u64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct DebarmentLifted {
    pub supplier: Address,
    pub reason: String,
}
