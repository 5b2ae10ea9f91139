//! Events, one per state change, Borsh-encoded. Topics are the constants
//! below; the payload types follow.

use crate::types::LotStatus;
use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::AbiType;
use procura_sdk::Address;

procura_sdk::events! {
    TENDER_OPENED = "tender_opened": TenderOpened,
    TENDER_AMENDED = "tender_amended": TenderAmended,
    BIDS_INVALIDATED = "bids_invalidated": BidsInvalidated,
    QUESTION_ASKED = "question_asked": QuestionEvent,
    QUESTION_ANSWERED = "question_answered": QuestionEvent,
    BID_SUBMITTED = "bid_submitted": BidSubmitted,
    BID_WITHDRAWN = "bid_withdrawn": BidderEvent,
    BID_REVEALED = "bid_revealed": BidRevealed,
    LOT_EVALUATED = "lot_evaluated": LotEvaluated,
    BID_SCORED = "bid_scored": BidScored,
    AUCTION_STARTED = "auction_started": AuctionStarted,
    AUCTION_MOVE = "auction_move": AuctionMove,
    AUCTION_FINISHED = "auction_finished": AuctionFinished,
    CANDIDATE_SELECTED = "candidate_selected": CandidateSelected,
    ABNORMALLY_LOW_FLAGGED = "abnormally_low_flagged": AbnormallyLow,
    PRICE_EXPLAINED = "price_explained": PriceExplained,
    EXPLANATION_ACCEPTED = "explanation_accepted": BidderEvent,
    BIDDER_REJECTED = "bidder_rejected": BidderRejected,
    AWARD_MADE = "award_made": AwardMade,
    AWARD_REVOKED = "award_revoked": BidderEvent,
    COMPLAINT_FILED = "complaint_filed": ComplaintFiled,
    COMPLAINT_RESOLVED = "complaint_resolved": ComplaintResolved,
    AWARD_FINAL = "award_final": AwardMade,
    LOT_UNSUCCESSFUL = "lot_unsuccessful": LotClosed,
    LOT_CANCELLED = "lot_cancelled": LotClosed,
    TENDER_CANCELLED = "tender_cancelled": TenderCancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderOpened {
    pub tender_id: u64,
    pub buyer: Address,
    pub lots: u32,
    pub currency: String,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderAmended {
    pub tender_id: u64,
    pub amendment: u32,
    pub documents_hash: [u8; 32],
    pub enquiry_end: u64,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
}

/// Commitments of this lot made before `epoch` are void: bidders re-submit.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidsInvalidated {
    pub tender_id: u64,
    pub lot_id: u32,
    pub epoch: u32,
    pub value: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct QuestionEvent {
    pub tender_id: u64,
    pub question_id: u64,
    pub author: Address,
    pub text: String,
}

/// Carries no value: nothing about a bid's price is public before reveal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidSubmitted {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub seq: u64,
    pub replaced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidderEvent {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidRevealed {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    pub life_cycle_cost: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct LotEvaluated {
    pub tender_id: u64,
    pub lot_id: u32,
    pub valid_bids: u32,
    pub invalid_bids: u32,
    pub next: LotStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidScored {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub evaluator: Address,
    pub scores: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AuctionStarted {
    pub tender_id: u64,
    pub lot_id: u32,
    pub rounds: u32,
    pub min_step: u128,
    pub first: Address,
    pub turn_deadline: u64,
}

/// A move: `new_price` is `None` for a pass; `skipped` when the turn timed out.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AuctionMove {
    pub tender_id: u64,
    pub lot_id: u32,
    pub round: u32,
    pub bidder: Address,
    pub new_price: Option<u128>,
    pub skipped: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AuctionFinished {
    pub tender_id: u64,
    pub lot_id: u32,
    /// Final prices, in bidder order.
    pub prices: Vec<(Address, u128)>,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CandidateSelected {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    pub score: Option<u128>,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AbnormallyLow {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    /// Mean price of the other valid bids (floor).
    pub others_mean: u128,
    pub next_price: u128,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct PriceExplained {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub document_hash: [u8; 32],
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidderRejected {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AwardMade {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    pub score: Option<u128>,
    pub standstill_ends: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ComplaintFiled {
    pub tender_id: u64,
    pub lot_id: u32,
    pub complaint_id: u64,
    pub complainant: Address,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ComplaintResolved {
    pub tender_id: u64,
    pub lot_id: u32,
    pub complaint_id: u64,
    pub upheld: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct LotClosed {
    pub tender_id: u64,
    pub lot_id: u32,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderCancelled {
    pub tender_id: u64,
    pub reason: String,
}
