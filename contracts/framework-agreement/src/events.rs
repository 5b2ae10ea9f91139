//! Events, one per state change, Borsh-encoded. Topics are the constants
//! below: `framework_*` for stage 1, `call_off_*` for mini-competitions.
//! Payloads shared by both stages carry `id`: the framework id under a
//! `framework_*` topic, the call-off id under a `call_off_*` topic.

use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::AbiType;
use procura_sdk::Address;
use procurement_core::Procedure;

procura_sdk::events! {
    FRAMEWORK_OPENED = "framework_opened": FrameworkOpened,
    FRAMEWORK_BID_SUBMITTED = "framework_bid_submitted": BidSubmitted,
    FRAMEWORK_BID_WITHDRAWN = "framework_bid_withdrawn": BidderEvent,
    FRAMEWORK_BID_REVEALED = "framework_bid_revealed": BidRevealed,
    FRAMEWORK_EVALUATED = "framework_evaluated": Evaluated,
    FRAMEWORK_BIDDER_REJECTED = "framework_bidder_rejected": BidderRejected,
    AGREEMENT_CONCLUDED = "framework_agreement_concluded": Selection,
    SELECTION_REVOKED = "framework_selection_revoked": BidderEvent,
    COMPLAINT_FILED = "framework_complaint_filed": ComplaintFiled,
    COMPLAINT_RESOLVED = "framework_complaint_resolved": ComplaintResolved,
    AGREEMENT_ACTIVE = "framework_agreement_active": Selection,
    FRAMEWORK_EXPIRED = "framework_expired": Closed,
    FRAMEWORK_UNSUCCESSFUL = "framework_unsuccessful": Closed,
    FRAMEWORK_CANCELLED = "framework_cancelled": Closed,
    CALL_OFF_OPENED = "call_off_opened": CallOffOpened,
    CALL_OFF_BID_SUBMITTED = "call_off_bid_submitted": BidSubmitted,
    CALL_OFF_BID_WITHDRAWN = "call_off_bid_withdrawn": BidderEvent,
    CALL_OFF_BID_REVEALED = "call_off_bid_revealed": BidRevealed,
    CALL_OFF_EVALUATED = "call_off_evaluated": Evaluated,
    CALL_OFF_BIDDER_REJECTED = "call_off_bidder_rejected": BidderRejected,
    CALL_OFF_AWARD_MADE = "call_off_award_made": CallOffAwarded,
    CALL_OFF_AWARD_REVOKED = "call_off_award_revoked": BidderEvent,
    CALL_OFF_AWARD_FINAL = "call_off_award_final": CallOffFinal,
    CALL_OFF_UNSUCCESSFUL = "call_off_unsuccessful": Closed,
    CALL_OFF_CANCELLED = "call_off_cancelled": Closed,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct FrameworkOpened {
    pub framework_id: u64,
    pub buyer: Address,
    pub procedure: Procedure,
    pub max_value: u128,
    pub currency: String,
    pub max_suppliers: u32,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
    pub term_end: u64,
}

/// Carries no price: nothing about a bid's value is public before reveal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidSubmitted {
    pub id: u64,
    pub bidder: Address,
    pub seq: u64,
    pub replaced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidderEvent {
    pub id: u64,
    pub bidder: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidRevealed {
    pub id: u64,
    pub bidder: Address,
    pub price: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Evaluated {
    pub id: u64,
    pub valid_bids: u32,
    pub unrevealed_bids: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidderRejected {
    pub id: u64,
    pub bidder: Address,
    pub reason: String,
}

/// The selected suppliers, best first, and when the selection can become
/// final (`agreement_concluded`) or became final (`agreement_active`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Selection {
    pub framework_id: u64,
    pub suppliers: Vec<Address>,
    pub prices: Vec<u128>,
    pub standstill_ends: u64,
    pub term_end: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ComplaintFiled {
    pub framework_id: u64,
    pub complainant: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ComplaintResolved {
    pub framework_id: u64,
    pub upheld: bool,
    pub note: String,
}

/// A closure (expired, unsuccessful, cancelled) of a framework or call-off.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Closed {
    pub id: u64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CallOffOpened {
    pub call_off_id: u64,
    pub framework_id: u64,
    pub budget: u128,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
    pub standstill_secs: u64,
    /// The framework's value left for further call-offs after this one's
    /// budget is held back.
    pub framework_remaining: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CallOffAwarded {
    pub call_off_id: u64,
    pub framework_id: u64,
    pub supplier: Address,
    pub price: u128,
    pub standstill_ends: u64,
}

/// A final call-off award and what it leaves of the framework's value.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CallOffFinal {
    pub call_off_id: u64,
    pub framework_id: u64,
    pub supplier: Address,
    pub price: u128,
    pub framework_awarded: u128,
    pub framework_remaining: u128,
}
