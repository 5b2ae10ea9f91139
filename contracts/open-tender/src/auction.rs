//! Reverse e-auction (Prozorro style), optional per tender and fixed at
//! opening. After the reveal, a lot with at least two valid bids runs
//! `rounds` rounds; in each round the bidders move in turn, from the highest
//! current price to the lowest (ties: the later commitment first). A move
//! lowers the bidder's price by at least the minimal step, or passes. Each
//! turn has a deadline; after it anyone may `skip_turn` (a pass), so a silent
//! bidder cannot stall the lot. After the last round the lot goes to
//! qualification with the final prices.

use crate::events::*;
use crate::store::*;
use crate::types::*;
use crate::{evaluation, MAX_AMOUNT};
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use core::cmp::Reverse;
use procura_sdk::AbiType;
use procura_sdk::{emit, env, require, Address, ContractResult};

pub const DEFAULT_ROUNDS: u32 = 3;
pub const MAX_ROUNDS: u32 = 10;

/// The minimal price decrease of a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub enum MinStep {
    /// Basis points of the lot's budget (its starting price), rounded down,
    /// at least 1.
    Bps(u32),
    /// A fixed amount in minor units.
    Absolute(u128),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AuctionConfig {
    /// Number of rounds; `None`: 3.
    pub rounds: Option<u32>,
    pub min_step: MinStep,
    /// Seconds each bidder has for its move.
    pub turn_secs: u64,
}

impl AuctionConfig {
    pub fn rounds(&self) -> u32 {
        self.rounds.unwrap_or(DEFAULT_ROUNDS)
    }

    pub fn check(&self) -> ContractResult<()> {
        require!((1..=MAX_ROUNDS).contains(&self.rounds()), "an auction has 1 to {MAX_ROUNDS} rounds");
        match self.min_step {
            MinStep::Bps(b) => require!((1..=5_000).contains(&b), "the minimal step must be 1 to 5000 bps"),
            MinStep::Absolute(a) => require!(a > 0 && a <= MAX_AMOUNT, "the minimal step must be positive"),
        }
        require!((60..=7 * 86_400).contains(&self.turn_secs), "a turn lasts between a minute and a week");
        Ok(())
    }

    /// The step in minor units for a lot with this budget.
    pub fn step_for(&self, lot_value: u128) -> u128 {
        match self.min_step {
            MinStep::Bps(b) => (lot_value * b as u128 / 10_000).max(1),
            MinStep::Absolute(a) => a,
        }
    }
}

/// A lot's auction, as stored (kept after it finishes, for the record).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct AuctionState {
    /// 1-based current round.
    pub round: u32,
    pub rounds: u32,
    pub min_step: u128,
    pub turn_secs: u64,
    /// This round's bidders in moving order.
    pub order: Vec<Address>,
    /// Index into `order` of the bidder to move.
    pub turn: u32,
    pub turn_deadline: u64,
    pub finished: bool,
}

impl AuctionState {
    pub fn current(&self) -> Option<Address> {
        if self.finished {
            None
        } else {
            self.order.get(self.turn as usize).copied()
        }
    }
}

/// Highest current price first; equal prices: the later commitment first.
fn moving_order(bids: &[&BidRecord]) -> Vec<Address> {
    let mut v: Vec<&&BidRecord> = bids.iter().collect();
    v.sort_by_key(|b| (Reverse(b.price), Reverse(b.seq)));
    v.into_iter().map(|b| b.bidder).collect()
}

pub fn start(lot: &Lot, config: &AuctionConfig, valid: &[&BidRecord]) {
    let state = AuctionState {
        round: 1,
        rounds: config.rounds(),
        min_step: config.step_for(lot.value),
        turn_secs: config.turn_secs,
        order: moving_order(valid),
        turn: 0,
        turn_deadline: env::block_time() + config.turn_secs,
        finished: false,
    };
    emit(
        AUCTION_STARTED,
        &AuctionStarted {
            tender_id: lot.tender_id,
            lot_id: lot.id,
            rounds: state.rounds,
            min_step: state.min_step,
            first: state.order[0],
            turn_deadline: state.turn_deadline,
        },
    );
    AUCTIONS.set(&LotKey(lot.tender_id, lot.id), &state);
}

fn load_running(tender_id: u64, lot_id: u32) -> ContractResult<(Lot, AuctionState)> {
    let lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Auction], "move in the auction")?;
    let state = AUCTIONS.get(&LotKey(tender_id, lot_id)).ok_or("the lot has no auction")?;
    Ok((lot, state))
}

/// The bidder whose turn it is lowers its price (`Some`) or passes (`None`).
pub fn bid(tender_id: u64, lot_id: u32, new_price: Option<u128>) -> ContractResult<()> {
    let (mut lot, mut state) = load_running(tender_id, lot_id)?;
    let bidder = env::caller();
    require!(state.current() == Some(bidder), "not your turn in the auction");
    require!(env::block_time() < state.turn_deadline, "the turn timed out");
    if let Some(price) = new_price {
        let mut record = load_bid(&lot, bidder)?;
        let current = record.price.unwrap_or_default();
        require!(price > 0, "the price must be positive");
        require!(
            price.saturating_add(state.min_step) <= current,
            "a move must lower the price by at least the minimal step {} (current {current})",
            state.min_step
        );
        record.price = Some(price);
        save_bid(&lot, &record);
    }
    emit(AUCTION_MOVE, &AuctionMove { tender_id, lot_id, round: state.round, bidder, new_price, skipped: false });
    advance(&mut lot, &mut state)
}

/// After a turn's deadline anyone may skip it; it counts as a pass.
pub fn skip_turn(tender_id: u64, lot_id: u32) -> ContractResult<()> {
    let (mut lot, mut state) = load_running(tender_id, lot_id)?;
    require!(env::block_time() >= state.turn_deadline, "the turn has not timed out yet");
    let bidder = state.current().ok_or("the auction is over")?;
    emit(AUCTION_MOVE, &AuctionMove { tender_id, lot_id, round: state.round, bidder, new_price: None, skipped: true });
    advance(&mut lot, &mut state)
}

/// Next turn; after the last turn of a round the next round, re-ordered by
/// the current prices; after the last round, qualification.
fn advance(lot: &mut Lot, state: &mut AuctionState) -> ContractResult<()> {
    state.turn += 1;
    state.turn_deadline = env::block_time() + state.turn_secs;
    let bids = bids_of(lot);
    if state.turn as usize >= state.order.len() {
        state.round += 1;
        state.turn = 0;
        if state.round > state.rounds {
            state.round = state.rounds;
            state.finished = true;
        } else {
            let valid: Vec<&BidRecord> = bids.iter().filter(|b| b.is_valid(lot)).collect();
            state.order = moving_order(&valid);
        }
    }
    AUCTIONS.set(&LotKey(lot.tender_id, lot.id), state);
    if state.finished {
        let prices = bids.iter().filter(|b| b.is_valid(lot)).map(|b| (b.bidder, b.price.unwrap_or_default())).collect();
        emit(AUCTION_FINISHED, &AuctionFinished { tender_id: lot.tender_id, lot_id: lot.id, prices });
        lot.status = LotStatus::Qualification;
        let tender = load_tender(lot.tender_id)?;
        evaluation::refresh_candidate(&tender, lot)?;
        save_lot(lot);
    }
    Ok(())
}
