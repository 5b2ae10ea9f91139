//! What governance stores: its configuration and the proposals.

use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::{AbiType, Address};

/// The genesis configuration (the `init` argument). The node builds it from
/// the genesis file's `governance` section and `validators`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct GovernanceConfig {
    /// Accounts that propose and approve changes.
    pub governors: Vec<Address>,
    /// Approvals a proposal needs before it can be executed.
    pub threshold: u32,
    /// Accounts allowed to open tenders.
    pub procuring_entities: Vec<Address>,
    /// Validators' ed25519 public keys; the node reads them from here.
    pub validators: Vec<[u8; 32]>,
}

/// A change governance can make; nothing else changes these sets.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum Change {
    AddProcuringEntity(Address),
    RemoveProcuringEntity(Address),
    /// An ed25519 public key.
    AddValidator([u8; 32]),
    RemoveValidator([u8; 32]),
    /// New governors and threshold; pending proposals lapse.
    SetGovernors(Vec<Address>, u32),
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum ProposalStatus {
    Pending,
    Executed,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Proposal {
    pub id: u64,
    pub change: Change,
    pub proposer: Address,
    /// Governors who approved, the proposer first.
    pub approvals: Vec<Address>,
    /// The governor set it was proposed under; a later `SetGovernors` makes
    /// it lapse, so old approvals never count for new governors.
    pub epoch: u64,
    pub status: ProposalStatus,
}
