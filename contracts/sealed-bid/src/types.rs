//! The tender's data: what the buyer publishes, what bidders commit and
//! reveal, and the award.

use alloc::string::String;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::{AbiType, Address};

/// What the buyer publishes when opening a tender. Times are unix seconds.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct TenderParams {
    /// sha256 of the tender documents published off-chain.
    pub description_hash: [u8; 32],
    /// Maximum acceptable price, in minor units of `currency`.
    pub budget: u128,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: String,
    /// Commitments are accepted strictly before this time.
    pub bid_deadline: u64,
    /// Reveals are accepted from `bid_deadline` until strictly before this.
    pub reveal_deadline: u64,
    /// Fewer valid revealed bids than this make the tender unsuccessful.
    pub min_bids: u32,
    /// Seconds between the award and its becoming final (10 days under the
    /// EU Remedies Directive: 864000).
    pub standstill_secs: u64,
}

/// Where a tender is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum Stage {
    /// Accepting commitments (before the bid deadline), then reveals.
    Open,
    /// Reveals are over; the buyer qualifies or rejects bidders.
    Qualification,
    /// An award is made; complaints may be filed until the standstill ends.
    Standstill,
    /// A complaint suspends the award until the buyer resolves it.
    Suspended,
    /// The award is final.
    Awarded,
    Unsuccessful,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Award {
    pub bidder: Address,
    pub price: u128,
    pub awarded_at: u64,
    pub standstill_ends: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Tender {
    pub id: u64,
    pub buyer: Address,
    pub params: TenderParams,
    pub stage: Stage,
    /// Sequence number for the next commitment; orders ties.
    pub next_seq: u64,
    pub live_bids: u32,
    pub award: Option<Award>,
    pub open_complaint: Option<Address>,
    pub cancel_reason: Option<String>,
}

/// The bid a bidder commits to. The tender id and bidder are part of it so a
/// commitment cannot be copied by another bidder or replayed in another
/// tender.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Bid {
    pub tender_id: u64,
    pub bidder: Address,
    pub price: u128,
}

/// A bid as stored. `price` stays `None` until the bidder reveals it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidRecord {
    pub bidder: Address,
    pub commitment: [u8; 32],
    pub seq: u64,
    pub submitted_at: u64,
    pub price: Option<u128>,
    pub rejection: Option<String>,
}
