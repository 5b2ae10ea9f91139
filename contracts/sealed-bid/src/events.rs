//! Events, one per step, Borsh-encoded. Topics are the constants below.

use alloc::string::String;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::{AbiType, Address};

procura_sdk::events! {
    TENDER_OPENED = "tender_opened": TenderOpened,
    BID_SUBMITTED = "bid_submitted": BidSubmitted,
    BID_WITHDRAWN = "bid_withdrawn": BidderEvent,
    BID_REVEALED = "bid_revealed": BidRevealed,
    TENDER_EVALUATED = "tender_evaluated": TenderEvaluated,
    BIDDER_REJECTED = "bidder_rejected": BidderRejected,
    AWARD_MADE = "award_made": AwardMade,
    AWARD_REVOKED = "award_revoked": BidderEvent,
    COMPLAINT_FILED = "complaint_filed": ComplaintFiled,
    COMPLAINT_RESOLVED = "complaint_resolved": ComplaintResolved,
    AWARD_FINAL = "award_final": AwardMade,
    TENDER_UNSUCCESSFUL = "tender_unsuccessful": TenderClosed,
    TENDER_CANCELLED = "tender_cancelled": TenderClosed,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderOpened {
    pub tender_id: u64,
    pub buyer: Address,
    pub budget: u128,
    pub currency: String,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
}

/// Carries no price: nothing about a bid's value is public before reveal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidSubmitted {
    pub tender_id: u64,
    pub bidder: Address,
    pub seq: u64,
    pub replaced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidderEvent {
    pub tender_id: u64,
    pub bidder: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidRevealed {
    pub tender_id: u64,
    pub bidder: Address,
    pub price: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderEvaluated {
    pub tender_id: u64,
    pub valid_bids: u32,
    pub unrevealed_bids: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidderRejected {
    pub tender_id: u64,
    pub bidder: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AwardMade {
    pub tender_id: u64,
    pub bidder: Address,
    pub price: u128,
    pub standstill_ends: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ComplaintFiled {
    pub tender_id: u64,
    pub complainant: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ComplaintResolved {
    pub tender_id: u64,
    pub upheld: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderClosed {
    pub tender_id: u64,
    pub reason: String,
}
