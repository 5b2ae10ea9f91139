//! Open tender with lots, the successor of `sealed-bid`: sealed bids per lot,
//! award by price, cost or rated criteria, abnormally low tenders,
//! amendments, enquiries, complaints, cancellation and an optional reverse
//! e-auction. See README.md beside this crate for the procedure in words.
//!
//! The entry points below only route; each rule lives in its own module.
#![no_std]
extern crate alloc;

pub mod alt;
pub mod amendments;
pub mod auction;
pub mod bidding;
pub mod cancellation;
pub mod complaints;
pub mod enquiries;
pub mod evaluation;
pub mod events;
pub mod opening;
pub mod qualification;
pub mod ranking;
pub mod store;
pub mod types;

use alloc::string::String;
use alloc::vec::Vec;
pub use auction::{AuctionConfig, AuctionState, MinStep};
use procura_sdk::{contract, Address, ContractResult};
pub use procurement_core::commitment;
use store::*;
pub use types::*;

/// Amounts (budgets, prices, costs) are capped so every integer formula fits
/// in u128 with room to spare: 10^30 minor units.
pub const MAX_AMOUNT: u128 = 1_000_000_000_000_000_000_000_000_000_000;
pub const MAX_LOTS: usize = 100;
pub const MAX_BIDS_PER_LOT: u32 = 200;
pub const MAX_CRITERIA: usize = 10;
pub const MAX_EVALUATORS: usize = 16;

pub struct OpenTender;

#[contract]
impl OpenTender {
    /// Names the governance contract: from then on only its registered
    /// procuring entities may open tenders. Set once, at instantiation.
    #[init]
    pub fn init(governance: Address) -> ContractResult<()> {
        opening::set_governance(governance)
    }

    /// Opens a tender with its lots; the caller (a registered procuring
    /// entity, when a governance contract is set) becomes the buyer.
    pub fn open_tender(params: TenderParams, lots: Vec<LotParams>) -> ContractResult<u64> {
        opening::open(params, lots)
    }

    /// The governance contract consulted at `open_tender`, if any.
    #[view]
    pub fn governance() -> ContractResult<Option<Address>> {
        Ok(GOVERNANCE.load())
    }

    /// The buyer amends the tender before the bid deadline (see amendments.rs).
    pub fn amend(tender_id: u64, amendment: Amendment) -> ContractResult<()> {
        amendments::amend(tender_id, amendment)
    }

    pub fn ask_question(tender_id: u64, lot_id: Option<u32>, text: String) -> ContractResult<u64> {
        enquiries::ask(tender_id, lot_id, text)
    }

    pub fn answer_question(tender_id: u64, question_id: u64, answer: String) -> ContractResult<()> {
        enquiries::answer(tender_id, question_id, answer)
    }

    /// Submits or replaces the caller's sealed bid in a lot.
    pub fn submit_bid(tender_id: u64, lot_id: u32, commitment: [u8; 32]) -> ContractResult<()> {
        bidding::submit(tender_id, lot_id, commitment)
    }

    pub fn withdraw_bid(tender_id: u64, lot_id: u32) -> ContractResult<()> {
        bidding::withdraw(tender_id, lot_id)
    }

    pub fn reveal_bid(tender_id: u64, lot_id: u32, bid: Bid, salt: [u8; 32]) -> ContractResult<()> {
        bidding::reveal(tender_id, lot_id, bid, salt)
    }

    /// After the reveal deadline (anyone): unsuccessful, auction or qualification.
    pub fn evaluate_lot(tender_id: u64, lot_id: u32) -> ContractResult<LotStatus> {
        evaluation::evaluate(tender_id, lot_id)
    }

    /// An evaluator's (or the buyer's) scores for one bid (RatedCriteria).
    pub fn score_bid(tender_id: u64, lot_id: u32, bidder: Address, scores: Vec<u8>) -> ContractResult<()> {
        evaluation::score(tender_id, lot_id, bidder, scores)
    }

    /// The bidder whose turn it is lowers its price in the auction.
    pub fn auction_bid(tender_id: u64, lot_id: u32, new_price: u128) -> ContractResult<()> {
        auction::bid(tender_id, lot_id, Some(new_price))
    }

    /// The bidder whose turn it is keeps its price.
    pub fn auction_pass(tender_id: u64, lot_id: u32) -> ContractResult<()> {
        auction::bid(tender_id, lot_id, None)
    }

    /// After a turn's deadline, anyone moves the auction on (a pass).
    pub fn skip_turn(tender_id: u64, lot_id: u32) -> ContractResult<()> {
        auction::skip_turn(tender_id, lot_id)
    }

    /// The bidder explains a price flagged abnormally low.
    pub fn explain_price(tender_id: u64, lot_id: u32, document_hash: [u8; 32]) -> ContractResult<()> {
        alt::explain(tender_id, lot_id, document_hash)
    }

    pub fn accept_explanation(tender_id: u64, lot_id: u32, bidder: Address) -> ContractResult<()> {
        alt::accept(tender_id, lot_id, bidder)
    }

    pub fn reject_bidder(tender_id: u64, lot_id: u32, bidder: Address, reason: String) -> ContractResult<()> {
        qualification::reject(tender_id, lot_id, bidder, reason)
    }

    pub fn award(tender_id: u64, lot_id: u32) -> ContractResult<Award> {
        qualification::award(tender_id, lot_id)
    }

    pub fn complain(tender_id: u64, lot_id: u32, reason: String) -> ContractResult<u64> {
        complaints::complain(tender_id, lot_id, reason)
    }

    pub fn resolve_complaint(tender_id: u64, lot_id: u32, upheld: bool, note: String) -> ContractResult<()> {
        complaints::resolve(tender_id, lot_id, upheld, note)
    }

    /// After the standstill (anyone): the lot's award is final.
    pub fn finalize(tender_id: u64, lot_id: u32) -> ContractResult<Award> {
        qualification::finalize(tender_id, lot_id)
    }

    pub fn cancel_lot(tender_id: u64, lot_id: u32, reason: String) -> ContractResult<()> {
        cancellation::cancel_lot(tender_id, lot_id, reason)
    }

    pub fn cancel_tender(tender_id: u64, reason: String) -> ContractResult<()> {
        cancellation::cancel_tender(tender_id, reason)
    }

    #[view]
    pub fn tender(tender_id: u64) -> ContractResult<Tender> {
        load_tender(tender_id)
    }

    #[view]
    pub fn tender_status(tender_id: u64) -> ContractResult<TenderStatus> {
        load_tender(tender_id)?;
        Ok(store::tender_status(&lots_of(tender_id)))
    }

    #[view]
    pub fn lot(tender_id: u64, lot_id: u32) -> ContractResult<Lot> {
        load_lot(tender_id, lot_id)
    }

    #[view]
    pub fn lots(tender_id: u64) -> ContractResult<Vec<Lot>> {
        load_tender(tender_id)?;
        Ok(lots_of(tender_id))
    }

    /// Every bid of a lot in bidder order; values appear only once revealed.
    #[view]
    pub fn bids(tender_id: u64, lot_id: u32) -> ContractResult<Vec<BidRecord>> {
        Ok(bids_of(&load_lot(tender_id, lot_id)?))
    }

    #[view]
    pub fn scores(tender_id: u64, lot_id: u32) -> ContractResult<Vec<ScoreSheet>> {
        Ok(evaluation::sheets(&load_lot(tender_id, lot_id)?))
    }

    /// The valid bids of a lot in award order (fails while scores are missing).
    #[view]
    pub fn ranking(tender_id: u64, lot_id: u32) -> ContractResult<Vec<RankedBid>> {
        let tender = load_tender(tender_id)?;
        let lot = load_lot(tender_id, lot_id)?;
        if lot.status == LotStatus::Bidding {
            return Ok(Vec::new());
        }
        evaluation::ranked(&tender, &lot).map_err(|b| alloc::format!("the bid of {b} has no scores yet").into())
    }

    #[view]
    pub fn auction(tender_id: u64, lot_id: u32) -> ContractResult<Option<AuctionState>> {
        load_lot(tender_id, lot_id)?;
        Ok(AUCTIONS.get(&LotKey(tender_id, lot_id)))
    }

    #[view]
    pub fn questions(tender_id: u64) -> ContractResult<Vec<Question>> {
        load_tender(tender_id)?;
        Ok(enquiries::questions(tender_id))
    }

    #[view]
    pub fn tender_count() -> ContractResult<u64> {
        Ok(NEXT_TENDER_ID.load().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests;
