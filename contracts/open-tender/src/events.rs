//! Events, one per state change, Borsh-encoded. Topics are the constants
//! below; the payload types follow.

use crate::types::LotStatus;
use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::Address;

pub const TENDER_OPENED: &str = "tender_opened";
pub const TENDER_AMENDED: &str = "tender_amended";
pub const BIDS_INVALIDATED: &str = "bids_invalidated";
pub const QUESTION_ASKED: &str = "question_asked";
pub const QUESTION_ANSWERED: &str = "question_answered";
pub const BID_SUBMITTED: &str = "bid_submitted";
pub const BID_WITHDRAWN: &str = "bid_withdrawn";
pub const BID_REVEALED: &str = "bid_revealed";
pub const LOT_EVALUATED: &str = "lot_evaluated";
pub const BID_SCORED: &str = "bid_scored";
pub const AUCTION_STARTED: &str = "auction_started";
pub const AUCTION_MOVE: &str = "auction_move";
pub const AUCTION_FINISHED: &str = "auction_finished";
pub const CANDIDATE_SELECTED: &str = "candidate_selected";
pub const ABNORMALLY_LOW_FLAGGED: &str = "abnormally_low_flagged";
pub const PRICE_EXPLAINED: &str = "price_explained";
pub const EXPLANATION_ACCEPTED: &str = "explanation_accepted";
pub const BIDDER_REJECTED: &str = "bidder_rejected";
pub const AWARD_MADE: &str = "award_made";
pub const AWARD_REVOKED: &str = "award_revoked";
pub const COMPLAINT_FILED: &str = "complaint_filed";
pub const COMPLAINT_RESOLVED: &str = "complaint_resolved";
pub const AWARD_FINAL: &str = "award_final";
pub const LOT_UNSUCCESSFUL: &str = "lot_unsuccessful";
pub const LOT_CANCELLED: &str = "lot_cancelled";
pub const TENDER_CANCELLED: &str = "tender_cancelled";

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TenderOpened {
    pub tender_id: u64,
    pub buyer: Address,
    pub lots: u32,
    pub currency: String,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TenderAmended {
    pub tender_id: u64,
    pub amendment: u32,
    pub documents_hash: [u8; 32],
    pub enquiry_end: u64,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
}

/// Commitments of this lot made before `epoch` are void: bidders re-submit.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidsInvalidated {
    pub tender_id: u64,
    pub lot_id: u32,
    pub epoch: u32,
    pub value: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct QuestionEvent {
    pub tender_id: u64,
    pub question_id: u64,
    pub author: Address,
    pub text: String,
}

/// Carries no value: nothing about a bid's price is public before reveal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidSubmitted {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub seq: u64,
    pub replaced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidderEvent {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidRevealed {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    pub life_cycle_cost: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct LotEvaluated {
    pub tender_id: u64,
    pub lot_id: u32,
    pub valid_bids: u32,
    pub invalid_bids: u32,
    pub next: LotStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidScored {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub evaluator: Address,
    pub scores: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AuctionStarted {
    pub tender_id: u64,
    pub lot_id: u32,
    pub rounds: u32,
    pub min_step: u128,
    pub first: Address,
    pub turn_deadline: u64,
}

/// A move: `new_price` is `None` for a pass; `skipped` when the turn timed out.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AuctionMove {
    pub tender_id: u64,
    pub lot_id: u32,
    pub round: u32,
    pub bidder: Address,
    pub new_price: Option<u128>,
    pub skipped: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AuctionFinished {
    pub tender_id: u64,
    pub lot_id: u32,
    /// Final prices, in bidder order.
    pub prices: Vec<(Address, u128)>,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct CandidateSelected {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    pub score: Option<u128>,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AbnormallyLow {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    /// Mean price of the other valid bids (floor).
    pub others_mean: u128,
    pub next_price: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct PriceExplained {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub document_hash: [u8; 32],
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BidderRejected {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AwardMade {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    pub score: Option<u128>,
    pub standstill_ends: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ComplaintFiled {
    pub tender_id: u64,
    pub lot_id: u32,
    pub complaint_id: u64,
    pub complainant: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ComplaintResolved {
    pub tender_id: u64,
    pub lot_id: u32,
    pub complaint_id: u64,
    pub upheld: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct LotClosed {
    pub tender_id: u64,
    pub lot_id: u32,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TenderCancelled {
    pub tender_id: u64,
    pub reason: String,
}
