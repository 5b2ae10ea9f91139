//! The contract's data: what the buyer registers, the milestones, the
//! deliveries, payments and amendments recorded against it.

use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::AbiType;
use procura_sdk::Address;

/// The tender this contract was awarded in, as plain data (not verified
/// on-chain): the tender contract's address, the tender and the lot.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderRef {
    pub contract: Address,
    pub tender_id: u64,
    pub lot_id: u64,
}

/// A milestone as agreed: what is delivered, what it is worth, when it is
/// due (unix seconds).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct MilestoneSpec {
    pub title: String,
    pub amount: u128,
    pub due: u64,
}

/// What the buyer registers after the award. Money in minor units of
/// `currency`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ContractParams {
    pub tender: TenderRef,
    pub supplier: Address,
    /// The awarded value.
    pub value: u128,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: String,
    /// The budget line funding the contract (e.g. "2026/UA-KYIV/0451/3110"),
    /// repeated in every money event so that payments can be traced back to
    /// it.
    pub budget_line: String,
    /// sha256 of the signed contract document.
    pub document_hash: [u8; 32],
    /// Their amounts sum to at most `value`.
    pub milestones: Vec<MilestoneSpec>,
    /// How far amendments may raise the value, in basis points of the
    /// original value; `None` means the default, 1000 (10%).
    pub amendment_cap_bps: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum Status {
    /// Being performed: deliveries, payments and amendments are recorded.
    Active,
    /// Every milestone delivered, accepted and paid.
    Completed,
    /// Ended early by either party, with a reason.
    Terminated,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ProcurementContract {
    pub id: u64,
    pub buyer: Address,
    pub supplier: Address,
    pub tender: TenderRef,
    pub currency: String,
    pub budget_line: String,
    pub document_hash: [u8; 32],
    pub original_value: u128,
    /// The current value: the original as raised or lowered by amendments.
    pub value: u128,
    pub amendment_cap_bps: u32,
    /// Total paid so far.
    pub paid: u128,
    pub milestone_count: u32,
    pub payment_count: u32,
    pub amendment_count: u32,
    /// At most one amendment awaits the other party's signature.
    pub pending_amendment: Option<Amendment>,
    pub status: Status,
    pub registered_at: u64,
    pub closing_reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum MilestoneStatus {
    /// Nothing delivered yet.
    Pending,
    /// Delivered, awaiting the buyer's acceptance.
    Delivered,
    /// Accepted: payable up to its amount.
    Accepted,
    /// The delivery was rejected; it may be delivered again.
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Delivery {
    /// sha256 of the delivery document (acceptance certificate, report...).
    pub document_hash: [u8; 32],
    pub by: Address,
    pub at: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Milestone {
    pub index: u32,
    pub title: String,
    pub amount: u128,
    pub due: u64,
    pub status: MilestoneStatus,
    pub delivery: Option<Delivery>,
    pub rejection: Option<String>,
    pub paid: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Payment {
    pub seq: u32,
    pub milestone: u32,
    pub amount: u128,
    pub at: u64,
    /// The treasury or bank reference of the transfer.
    pub reference: String,
    /// The contract's total paid after this payment.
    pub cumulative_paid: u128,
}

/// A change to the value and milestones, proposed by one party and signed by
/// the other.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AmendmentTerms {
    pub new_value: u128,
    /// `(milestone index, new amount)`.
    pub milestone_amounts: Vec<(u32, u128)>,
    pub new_milestones: Vec<MilestoneSpec>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Amendment {
    pub id: u32,
    pub proposer: Address,
    pub terms: AmendmentTerms,
    pub proposed_at: u64,
    /// Set when the other party signs.
    pub accepted_at: Option<u64>,
}

/// The money picture of one contract.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Totals {
    pub original_value: u128,
    pub value: u128,
    /// The highest value amendments may reach.
    pub value_cap: u128,
    pub milestones_total: u128,
    pub accepted_total: u128,
    pub paid: u128,
    /// `value - paid`.
    pub unpaid: u128,
}
