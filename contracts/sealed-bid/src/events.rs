//! Events, one per step, Borsh-encoded. Topics are the constants below.

use alloc::string::String;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::Address;

pub const TENDER_OPENED: &str = "tender_opened";
pub const BID_SUBMITTED: &str = "bid_submitted";
pub const BID_WITHDRAWN: &str = "bid_withdrawn";
pub const BID_REVEALED: &str = "bid_revealed";
pub const TENDER_EVALUATED: &str = "tender_evaluated";
pub const BIDDER_REJECTED: &str = "bidder_rejected";
pub const AWARD_MADE: &str = "award_made";
pub const AWARD_REVOKED: &str = "award_revoked";
pub const COMPLAINT_FILED: &str = "complaint_filed";
pub const COMPLAINT_RESOLVED: &str = "complaint_resolved";
pub const AWARD_FINAL: &str = "award_final";
pub const TENDER_UNSUCCESSFUL: &str = "tender_unsuccessful";
pub const TENDER_CANCELLED: &str = "tender_cancelled";

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TenderOpened {
    pub tender_id: u64,
    pub buyer: Address,
    pub budget: u128,
    pub currency: String,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
}

/// Carries no price: nothing about a bid's value is public before reveal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidSubmitted {
    pub tender_id: u64,
    pub bidder: Address,
    pub seq: u64,
    pub replaced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidderEvent {
    pub tender_id: u64,
    pub bidder: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidRevealed {
    pub tender_id: u64,
    pub bidder: Address,
    pub price: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TenderEvaluated {
    pub tender_id: u64,
    pub valid_bids: u32,
    pub unrevealed_bids: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidderRejected {
    pub tender_id: u64,
    pub bidder: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AwardMade {
    pub tender_id: u64,
    pub bidder: Address,
    pub price: u128,
    pub standstill_ends: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ComplaintFiled {
    pub tender_id: u64,
    pub complainant: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ComplaintResolved {
    pub tender_id: u64,
    pub upheld: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TenderClosed {
    pub tender_id: u64,
    pub reason: String,
}
