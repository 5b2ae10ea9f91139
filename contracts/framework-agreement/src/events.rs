//! Events, one per state change, Borsh-encoded. Topics are the constants
//! below: `framework_*` for stage 1, `call_off_*` for mini-competitions.
//! Payloads shared by both stages carry `id`: the framework id under a
//! `framework_*` topic, the call-off id under a `call_off_*` topic.

use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::Address;
use procurement_core::Procedure;

pub const FRAMEWORK_OPENED: &str = "framework_opened";
pub const FRAMEWORK_BID_SUBMITTED: &str = "framework_bid_submitted";
pub const FRAMEWORK_BID_WITHDRAWN: &str = "framework_bid_withdrawn";
pub const FRAMEWORK_BID_REVEALED: &str = "framework_bid_revealed";
pub const FRAMEWORK_EVALUATED: &str = "framework_evaluated";
pub const FRAMEWORK_BIDDER_REJECTED: &str = "framework_bidder_rejected";
pub const AGREEMENT_CONCLUDED: &str = "framework_agreement_concluded";
pub const SELECTION_REVOKED: &str = "framework_selection_revoked";
pub const COMPLAINT_FILED: &str = "framework_complaint_filed";
pub const COMPLAINT_RESOLVED: &str = "framework_complaint_resolved";
pub const AGREEMENT_ACTIVE: &str = "framework_agreement_active";
pub const FRAMEWORK_EXPIRED: &str = "framework_expired";
pub const FRAMEWORK_UNSUCCESSFUL: &str = "framework_unsuccessful";
pub const FRAMEWORK_CANCELLED: &str = "framework_cancelled";

pub const CALL_OFF_OPENED: &str = "call_off_opened";
pub const CALL_OFF_BID_SUBMITTED: &str = "call_off_bid_submitted";
pub const CALL_OFF_BID_WITHDRAWN: &str = "call_off_bid_withdrawn";
pub const CALL_OFF_BID_REVEALED: &str = "call_off_bid_revealed";
pub const CALL_OFF_EVALUATED: &str = "call_off_evaluated";
pub const CALL_OFF_BIDDER_REJECTED: &str = "call_off_bidder_rejected";
pub const CALL_OFF_AWARD_MADE: &str = "call_off_award_made";
pub const CALL_OFF_AWARD_REVOKED: &str = "call_off_award_revoked";
pub const CALL_OFF_AWARD_FINAL: &str = "call_off_award_final";
pub const CALL_OFF_UNSUCCESSFUL: &str = "call_off_unsuccessful";
pub const CALL_OFF_CANCELLED: &str = "call_off_cancelled";

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidSubmitted {
    pub id: u64,
    pub bidder: Address,
    pub seq: u64,
    pub replaced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidderEvent {
    pub id: u64,
    pub bidder: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidRevealed {
    pub id: u64,
    pub bidder: Address,
    pub price: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Evaluated {
    pub id: u64,
    pub valid_bids: u32,
    pub unrevealed_bids: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidderRejected {
    pub id: u64,
    pub bidder: Address,
    pub reason: String,
}

/// The selected suppliers, best first, and when the selection can become
/// final (`agreement_concluded`) or became final (`agreement_active`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Selection {
    pub framework_id: u64,
    pub suppliers: Vec<Address>,
    pub prices: Vec<u128>,
    pub standstill_ends: u64,
    pub term_end: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ComplaintFiled {
    pub framework_id: u64,
    pub complainant: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ComplaintResolved {
    pub framework_id: u64,
    pub upheld: bool,
    pub note: String,
}

/// A closure (expired, unsuccessful, cancelled) of a framework or call-off.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Closed {
    pub id: u64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct CallOffAwarded {
    pub call_off_id: u64,
    pub framework_id: u64,
    pub supplier: Address,
    pub price: u128,
    pub standstill_ends: u64,
}

/// A final call-off award and what it leaves of the framework's value.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct CallOffFinal {
    pub call_off_id: u64,
    pub framework_id: u64,
    pub supplier: Address,
    pub price: u128,
    pub framework_awarded: u128,
    pub framework_remaining: u128,
}
