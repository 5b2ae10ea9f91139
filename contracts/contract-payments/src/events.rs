//! Events, one per state change, Borsh-encoded. Every event that moves or
//! commits money names the budget line, the contract, the supplier and the
//! currency, so a reader can follow the money budget → contract → supplier
//! from events alone.

use crate::types::TenderRef;
use alloc::string::String;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::AbiType;
use procura_sdk::Address;

procura_sdk::events! {
    CONTRACT_REGISTERED = "contract_registered": ContractRegistered,
    DELIVERY_RECORDED = "delivery_recorded": DeliveryRecorded,
    DELIVERY_ACCEPTED = "delivery_accepted": DeliveryDecision,
    DELIVERY_REJECTED = "delivery_rejected": DeliveryDecision,
    PAYMENT_RECORDED = "payment_recorded": PaymentRecorded,
    AMENDMENT_PROPOSED = "amendment_proposed": AmendmentProposed,
    AMENDMENT_ACCEPTED = "amendment_accepted": AmendmentAccepted,
    AMENDMENT_WITHDRAWN = "amendment_withdrawn": AmendmentWithdrawn,
    CONTRACT_COMPLETED = "contract_completed": ContractClosed,
    CONTRACT_TERMINATED = "contract_terminated": ContractClosed,
}

/// Funds committed from a budget line to a supplier.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ContractRegistered {
    pub contract_id: u64,
    pub budget_line: String,
    pub buyer: Address,
    pub supplier: Address,
    pub tender: TenderRef,
    pub value: u128,
    pub currency: String,
    pub milestones: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct DeliveryRecorded {
    pub contract_id: u64,
    pub milestone: u32,
    pub by: Address,
    pub document_hash: [u8; 32],
    /// Delivered after the milestone's due time.
    pub late: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct DeliveryDecision {
    pub contract_id: u64,
    pub milestone: u32,
    /// Empty on acceptance.
    pub reason: String,
}

/// A fund movement: budget line → contract → supplier.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct PaymentRecorded {
    pub budget_line: String,
    pub contract_id: u64,
    pub milestone: u32,
    pub supplier: Address,
    pub amount: u128,
    pub currency: String,
    /// The contract's total paid after this payment.
    pub cumulative_paid: u128,
    /// The milestone's total paid after this payment.
    pub milestone_paid: u128,
    pub payment_seq: u32,
    pub reference: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AmendmentProposed {
    pub contract_id: u64,
    pub amendment_id: u32,
    pub proposer: Address,
    pub old_value: u128,
    pub new_value: u128,
    pub reason: String,
}

/// A change of the committed value (and milestones), signed by both parties.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AmendmentAccepted {
    pub budget_line: String,
    pub contract_id: u64,
    pub amendment_id: u32,
    pub supplier: Address,
    pub original_value: u128,
    pub old_value: u128,
    pub new_value: u128,
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AmendmentWithdrawn {
    pub contract_id: u64,
    pub amendment_id: u32,
    pub by: Address,
    pub reason: String,
}

/// The end of a contract, with what was paid against what was committed.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ContractClosed {
    pub budget_line: String,
    pub contract_id: u64,
    pub supplier: Address,
    pub value: u128,
    pub paid: u128,
    pub currency: String,
    pub by: Address,
    pub reason: String,
}
