//! Events, Borsh-encoded; topics are the constants below.

use crate::types::Change;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::{AbiType, Address};

procura_sdk::events! {
    PROPOSED = "proposed": Proposed,
    APPROVED = "approved": Approved,
    EXECUTED = "executed": Executed,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Proposed {
    pub id: u64,
    pub proposer: Address,
    pub change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Approved {
    pub id: u64,
    pub governor: Address,
    pub approvals: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Executed {
    pub id: u64,
    pub change: Change,
}
