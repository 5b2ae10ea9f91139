//! The tender's data: what the buyer publishes, what bidders commit and
//! reveal, the lots' states and the awards. Times are unix seconds; amounts
//! are minor units of the tender's currency.

use crate::auction::AuctionConfig;
use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::storage::FixedKey;
use procura_sdk::AbiType;
use procura_sdk::{Address, MapKey};
pub use procurement_core::{AwardCriterion, Procedure};

/// A non-price award criterion (quality, delivery time...) and its weight
/// in basis points of the total score.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Criterion {
    pub name: String,
    pub weight_bps: u32,
}

/// What the buyer publishes when opening a tender (the lots come beside it).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderParams {
    /// Fixes the floors (periods, minimum bids, standstill) via its preset.
    pub procedure: Procedure,
    pub criterion: AwardCriterion,
    /// Non-price criteria; only (and required) for `RatedCriteria`.
    pub criteria: Vec<Criterion>,
    /// Who may score bids under `RatedCriteria` (the buyer always may).
    pub evaluators: Vec<Address>,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: String,
    /// sha256 of the tender documents published off-chain.
    pub documents_hash: [u8; 32],
    /// Questions are accepted strictly before this time.
    pub enquiry_end: u64,
    /// Commitments are accepted strictly before this time.
    pub bid_deadline: u64,
    /// Reveals are accepted from `bid_deadline` until strictly before this.
    pub reveal_deadline: u64,
    pub standstill_secs: u64,
    /// Per lot: fewer valid bids than this make the lot unsuccessful.
    pub min_bids: u32,
    /// Supplier registry contract asked `is_eligible(bidder, now)` on every bid.
    pub registry: Option<Address>,
    /// Who decides complaints; the buyer when `None`.
    pub review_body: Option<Address>,
    /// A reverse e-auction for every lot with at least two valid bids.
    pub auction: Option<AuctionConfig>,
}

/// One lot as published: its budget (expected value) and description.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct LotParams {
    pub value: u128,
    pub description_hash: [u8; 32],
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Tender {
    pub id: u64,
    pub buyer: Address,
    pub params: TenderParams,
    pub opened_at: u64,
    pub lot_count: u32,
    /// How many amendments were published.
    pub amendments: u32,
    /// Sequence number of the next commitment (tender-wide); orders ties.
    pub next_seq: u64,
    pub next_question: u64,
    pub next_complaint: u64,
    pub cancel_reason: Option<String>,
}

/// Where a lot is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum LotStatus {
    /// Commitments before the bid deadline, then reveals.
    Bidding,
    /// The reverse e-auction runs.
    Auction,
    /// Scores, rejections, abnormally-low checks, then the award.
    Qualification,
    /// Awarded; complaints are possible until the standstill ends.
    Standstill,
    /// A complaint is open.
    Suspended,
    /// The award is final.
    Complete,
    Unsuccessful,
    Cancelled,
}

impl LotStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, LotStatus::Complete | LotStatus::Unsuccessful | LotStatus::Cancelled)
    }
}

/// The tender's status, derived from its lots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum TenderStatus {
    /// At least one lot is still open.
    Active,
    /// Every lot is closed and at least one was awarded.
    Complete,
    /// Every lot is closed, none awarded, not all cancelled.
    Unsuccessful,
    /// Every lot was cancelled.
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Award {
    pub bidder: Address,
    pub price: u128,
    /// Declared life-cycle cost (CostOnly), else 0.
    pub life_cycle_cost: u128,
    /// The published score (RatedCriteria).
    pub score: Option<u128>,
    pub awarded_at: u64,
    pub standstill_ends: u64,
}

/// The complaint suspending a lot, and the state to return to if dismissed.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct OpenComplaint {
    pub id: u64,
    pub complainant: Address,
    pub resume: LotStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Lot {
    pub tender_id: u64,
    pub id: u32,
    /// Budget: no bid above it is valid.
    pub value: u128,
    pub description_hash: [u8; 32],
    pub status: LotStatus,
    /// Bumped by each amendment touching the lot; older commitments are void.
    pub epoch: u32,
    /// Live commitments (any epoch).
    pub bid_count: u32,
    /// Valid bids counted at evaluation.
    pub valid_bids: u32,
    /// The best-ranked valid bid during qualification.
    pub candidate: Option<Address>,
    pub award: Option<Award>,
    pub complaint: Option<OpenComplaint>,
    /// Why the lot was cancelled or is unsuccessful.
    pub closing_reason: Option<String>,
}

/// The bid a bidder commits to. It names the tender, the lot and the bidder,
/// so a commitment cannot be copied or replayed elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Bid {
    pub tender_id: u64,
    pub lot_id: u32,
    pub bidder: Address,
    pub price: u128,
    /// Life-cycle cost (operation, maintenance, disposal) under `CostOnly`;
    /// must be 0 under the other criteria.
    pub life_cycle_cost: u128,
}

/// The abnormally-low-tender (Art. 69) state of a bid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum PriceCheck {
    NotFlagged,
    /// Flagged: no award until explained and accepted.
    Flagged,
    /// The bidder sent an explanation (document hash).
    Explained([u8; 32]),
    /// The buyer accepted the explanation.
    Accepted,
}

/// A bid as stored. Values stay `None` until the bidder reveals them.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidRecord {
    pub bidder: Address,
    pub commitment: [u8; 32],
    pub seq: u64,
    /// The lot's epoch when committed; an older epoch means void (amended).
    pub epoch: u32,
    pub submitted_at: u64,
    /// Current price: the revealed price, lowered by the auction.
    pub price: Option<u128>,
    pub revealed_price: Option<u128>,
    pub life_cycle_cost: Option<u128>,
    pub rejection: Option<String>,
    pub price_check: PriceCheck,
}

impl BidRecord {
    /// Revealed, in the lot's current epoch, and not rejected.
    pub fn is_valid(&self, lot: &Lot) -> bool {
        self.price.is_some() && self.epoch == lot.epoch && self.rejection.is_none()
    }
}

/// One evaluator's scores (0..=100, one per non-price criterion) for a bid.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct ScoreSheet {
    pub bidder: Address,
    pub evaluator: Address,
    pub scores: Vec<u8>,
}

/// A valid bid in rank order, with what it was ranked on.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct RankedBid {
    pub bidder: Address,
    pub seq: u64,
    pub price: u128,
    pub life_cycle_cost: u128,
    /// RatedCriteria only.
    pub score: Option<u128>,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Question {
    pub id: u64,
    pub author: Address,
    pub lot_id: Option<u32>,
    /// The question, or the hex of a document's hash.
    pub text: String,
    pub asked_at: u64,
    pub answer: Option<String>,
}

/// A change to the published tender before the bid deadline.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Amendment {
    /// The amended documents.
    pub documents_hash: [u8; 32],
    /// Lots whose earlier commitments become void; empty: every lot.
    pub lots: Vec<u32>,
    /// New budgets `(lot id, value)`; each lot must be among the affected.
    pub new_values: Vec<(u32, u128)>,
    /// A later bid deadline, if the buyer wants one.
    pub bid_deadline: Option<u64>,
}

/// Storage key of a lot: tender id then lot id, fixed width so it can lead a
/// composite key (bids and scores of one lot are one prefix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LotKey(pub u64, pub u32);

impl MapKey for LotKey {
    fn to_key(&self) -> Vec<u8> {
        let mut k = self.0.to_be_bytes().to_vec();
        k.extend_from_slice(&self.1.to_be_bytes());
        k
    }
    fn from_key(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 12 {
            return None;
        }
        Some(LotKey(u64::from_be_bytes(bytes[..8].try_into().ok()?), u32::from_be_bytes(bytes[8..].try_into().ok()?)))
    }
}

impl FixedKey for LotKey {
    const WIDTH: usize = 12;
}
