//! The framework's data: what the buyer publishes, the sealed bids of both
//! stages, the selected suppliers and the call-offs.

use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::AbiType;
use procura_sdk::Address;
use procurement_core::Procedure;

/// What the buyer publishes when opening a framework. Times are unix seconds,
/// money in minor units of `currency`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct FrameworkParams {
    /// The procurement method whose floors (periods, minimum bids,
    /// standstill) apply to stage 1.
    pub procedure: Procedure,
    /// sha256 of the framework documents published off-chain.
    pub description_hash: [u8; 32],
    /// ISO 4217 code, e.g. "EUR".
    pub currency: String,
    /// Estimated maximum value of all call-offs together; also the highest
    /// acceptable stage-1 price.
    pub max_value: u128,
    /// How many suppliers the agreement admits: 1, or 3 and more (see
    /// `MIN_MULTI_SUPPLIERS`).
    pub max_suppliers: u32,
    /// Fewer qualified bids than this make the framework unsuccessful.
    pub min_bids: u32,
    /// Commitments are accepted strictly before this time.
    pub bid_deadline: u64,
    /// Reveals are accepted from `bid_deadline` until strictly before this.
    pub reveal_deadline: u64,
    /// Seconds between concluding the agreement and its becoming active.
    pub standstill_secs: u64,
    /// The agreement's term: no call-off opens at or after this time (at
    /// most 4 years after opening, Art. 33(1)).
    pub term_end: u64,
}

/// Where a framework is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum Stage {
    /// Accepting commitments (before the bid deadline), then reveals.
    Open,
    /// Reveals are over; the buyer qualifies or rejects bidders.
    Qualification,
    /// Suppliers are selected; complaints may be filed until it ends.
    Standstill,
    /// A complaint suspends the selection until the buyer resolves it.
    Suspended,
    /// The agreement is in force: call-offs may be opened until the term end.
    Active,
    /// The term has ended (or the buyer closed it early); no more call-offs.
    Expired,
    Unsuccessful,
    Cancelled,
}

/// A supplier admitted to the agreement, with its stage-1 price and rank.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Supplier {
    pub address: Address,
    pub price: u128,
    /// 1 for the best stage-1 bid.
    pub rank: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Framework {
    pub id: u64,
    pub buyer: Address,
    pub params: FrameworkParams,
    pub stage: Stage,
    pub opened_at: u64,
    /// Sequence number for the next commitment; orders ties.
    pub next_seq: u64,
    pub live_bids: u32,
    /// Filled when the buyer concludes the agreement, best first.
    pub suppliers: Vec<Supplier>,
    pub standstill_ends: Option<u64>,
    pub open_complaint: Option<Address>,
    /// Sum of final call-off awards.
    pub awarded_value: u128,
    /// Sum of the budgets of call-offs still running: held back so that
    /// concurrent call-offs can never together exceed the maximum value.
    pub reserved_value: u128,
    pub call_offs: u32,
    pub close_reason: Option<String>,
}

impl Framework {
    /// What new call-offs may still spend.
    pub fn remaining_value(&self) -> u128 {
        self.params.max_value - self.awarded_value - self.reserved_value
    }

    pub fn supplier(&self, who: &Address) -> Option<&Supplier> {
        self.suppliers.iter().find(|s| s.address == *who)
    }
}

/// The stage-1 bid a supplier commits to. The framework id and bidder are
/// part of it so a commitment cannot be copied or replayed.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct FrameworkBid {
    pub framework_id: u64,
    pub bidder: Address,
    pub price: u128,
}

/// A call-off bid. It names the framework as well as the call-off, so its
/// encoding can never equal a `FrameworkBid`'s.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CallOffBid {
    pub framework_id: u64,
    pub call_off_id: u64,
    pub bidder: Address,
    pub price: u128,
}

/// A bid as stored, in either stage. `price` stays `None` until revealed.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct BidRecord {
    pub bidder: Address,
    pub commitment: [u8; 32],
    pub seq: u64,
    pub submitted_at: u64,
    pub price: Option<u128>,
    pub rejection: Option<String>,
}

/// What the buyer publishes when opening a call-off (mini-competition).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CallOffParams {
    /// sha256 of the call-off's specification.
    pub description_hash: [u8; 32],
    /// At most the framework's remaining value; also the highest acceptable
    /// price.
    pub budget: u128,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
    /// At most the framework's standstill; 0 makes the award final at once.
    pub standstill_secs: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum CallOffStage {
    Open,
    Qualification,
    Standstill,
    Awarded,
    Unsuccessful,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CallOffAward {
    pub supplier: Address,
    pub price: u128,
    pub awarded_at: u64,
    pub standstill_ends: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct CallOff {
    pub id: u64,
    pub framework_id: u64,
    pub params: CallOffParams,
    pub stage: CallOffStage,
    pub opened_at: u64,
    pub next_seq: u64,
    pub live_bids: u32,
    pub award: Option<CallOffAward>,
    pub close_reason: Option<String>,
}
