//! Storage layout and the loading/permission helpers every step shares.

use crate::auction::AuctionState;
use crate::events::{LotClosed, LOT_UNSUCCESSFUL};
use crate::types::*;
use alloc::format;
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, Address, ContractResult, Item, Map};

pub const NEXT_TENDER_ID: Item<u64> = Item::new("next_tender");
/// The governance contract whose procuring-entity registry decides who may
/// open tenders; unset (no `init`) means anyone may (development, tests).
pub const GOVERNANCE: Item<Address> = Item::new("governance");
pub const TENDERS: Map<u64, Tender> = Map::new("tender");
pub const LOTS: Map<(u64, u32), Lot> = Map::new("lot");
pub const BIDS: Map<(LotKey, Address), BidRecord> = Map::new("bid");
/// Key: lot, then (bidder, evaluator); value: one score per criterion.
pub const SCORES: Map<(LotKey, (Address, Address)), Vec<u8>> = Map::new("score");
pub const AUCTIONS: Map<LotKey, AuctionState> = Map::new("auction");
pub const QUESTIONS: Map<(u64, u64), Question> = Map::new("question");

pub fn load_tender(tender_id: u64) -> ContractResult<Tender> {
    TENDERS.get(&tender_id).ok_or_else(|| format!("tender {tender_id} does not exist").into())
}

pub fn load_lot(tender_id: u64, lot_id: u32) -> ContractResult<Lot> {
    LOTS.get(&(tender_id, lot_id)).ok_or_else(|| format!("lot {lot_id} of tender {tender_id} does not exist").into())
}

pub fn save_lot(lot: &Lot) {
    LOTS.set(&(lot.tender_id, lot.id), lot);
}

pub fn lots_of(tender_id: u64) -> Vec<Lot> {
    LOTS.prefix(&tender_id).map(|(_, l)| l).collect()
}

pub fn bids_of(lot: &Lot) -> Vec<BidRecord> {
    BIDS.prefix(&LotKey(lot.tender_id, lot.id)).map(|(_, b)| b).collect()
}

pub fn load_bid(lot: &Lot, bidder: Address) -> ContractResult<BidRecord> {
    BIDS.get(&(LotKey(lot.tender_id, lot.id), bidder))
        .ok_or_else(|| format!("no bid from {bidder} in lot {} of tender {}", lot.id, lot.tender_id).into())
}

pub fn save_bid(lot: &Lot, bid: &BidRecord) {
    BIDS.set(&(LotKey(lot.tender_id, lot.id), bid.bidder), bid);
}

pub fn require_buyer(tender: &Tender) -> ContractResult<()> {
    require!(env::caller() == tender.buyer, "only the buyer of tender {} may do this", tender.id);
    Ok(())
}

pub fn require_status(lot: &Lot, allowed: &[LotStatus], action: &str) -> ContractResult<()> {
    require!(
        allowed.contains(&lot.status),
        "cannot {action}: lot {} of tender {} is {:?}",
        lot.id,
        lot.tender_id,
        lot.status
    );
    Ok(())
}

/// Closes a lot as unsuccessful (too few bids, every bid rejected).
pub fn close_unsuccessful(lot: &mut Lot, reason: &str) {
    lot.status = LotStatus::Unsuccessful;
    lot.candidate = None;
    lot.award = None;
    lot.closing_reason = Some(reason.into());
    emit(LOT_UNSUCCESSFUL, &LotClosed { tender_id: lot.tender_id, lot_id: lot.id, reason: reason.into() });
}

/// The tender's status derived from its lots (Prozorro's rule): active while
/// any lot is open; otherwise complete if any lot was awarded, cancelled if
/// every lot was cancelled, else unsuccessful.
pub fn tender_status(lots: &[Lot]) -> TenderStatus {
    if lots.iter().any(|l| !l.status.is_closed()) {
        TenderStatus::Active
    } else if lots.iter().any(|l| l.status == LotStatus::Complete) {
        TenderStatus::Complete
    } else if lots.iter().all(|l| l.status == LotStatus::Cancelled) {
        TenderStatus::Cancelled
    } else {
        TenderStatus::Unsuccessful
    }
}
