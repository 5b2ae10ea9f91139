//! Sealed bids per lot: commit (with the registry's eligibility check),
//! replace, withdraw, reveal.

use crate::events::*;
use crate::store::*;
use crate::types::*;
use crate::MAX_BIDS_PER_LOT;
use procura_sdk::{emit, env, require, Address, ContractResult};
use procurement_core::{commitment, AwardCriterion};

/// Asks the tender's supplier registry, if any, whether `bidder` may bid now.
fn check_eligibility(tender: &Tender, bidder: Address) -> ContractResult<()> {
    if let Some(registry) = &tender.params.registry {
        let eligible: bool = procura_sdk::cross::view(registry, "is_eligible", &(bidder, env::block_time()))?;
        require!(eligible, "{bidder} is not eligible according to the supplier registry");
    }
    Ok(())
}

pub fn submit(tender_id: u64, lot_id: u32, sealed: [u8; 32]) -> ContractResult<()> {
    let mut tender = load_tender(tender_id)?;
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Bidding], "bid")?;
    let bidder = env::caller();
    require!(bidder != tender.buyer, "the buyer cannot bid in its own tender");
    require!(env::block_time() < tender.params.bid_deadline, "the bid deadline has passed");
    let replaced = BIDS.has(&(LotKey(tender_id, lot_id), bidder));
    if !replaced {
        require!(lot.bid_count < MAX_BIDS_PER_LOT, "lot {lot_id} already holds {MAX_BIDS_PER_LOT} bids");
        lot.bid_count += 1;
    }
    check_eligibility(&tender, bidder)?;
    let seq = tender.next_seq;
    tender.next_seq += 1;
    let record = BidRecord {
        bidder,
        commitment: sealed,
        seq,
        epoch: lot.epoch,
        submitted_at: env::block_time(),
        price: None,
        revealed_price: None,
        life_cycle_cost: None,
        rejection: None,
        price_check: PriceCheck::NotFlagged,
    };
    save_bid(&lot, &record);
    save_lot(&lot);
    TENDERS.set(&tender_id, &tender);
    emit(BID_SUBMITTED, &BidSubmitted { tender_id, lot_id, bidder, seq, replaced });
    Ok(())
}

pub fn withdraw(tender_id: u64, lot_id: u32) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Bidding], "withdraw")?;
    require!(env::block_time() < tender.params.bid_deadline, "the bid deadline has passed");
    let bidder = env::caller();
    require!(BIDS.remove(&(LotKey(tender_id, lot_id), bidder)), "no bid from this caller in lot {lot_id}");
    lot.bid_count -= 1;
    save_lot(&lot);
    emit(BID_WITHDRAWN, &BidderEvent { tender_id, lot_id, bidder });
    Ok(())
}

/// Between the deadlines: the bid must match the commitment, belong to the
/// lot's current epoch and be within the lot's budget; otherwise nothing is
/// recorded and the bid stays unrevealed (hence invalid).
pub fn reveal(tender_id: u64, lot_id: u32, bid: Bid, salt: [u8; 32]) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    let lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Bidding], "reveal")?;
    let now = env::block_time();
    require!(now >= tender.params.bid_deadline, "reveals open at the bid deadline");
    require!(now < tender.params.reveal_deadline, "the reveal deadline has passed");
    let bidder = env::caller();
    let mut record = load_bid(&lot, bidder)?;
    require!(record.price.is_none(), "bid already revealed");
    require!(record.epoch == lot.epoch, "this commitment was voided by an amendment; it cannot be revealed");
    require!(
        bid.tender_id == tender_id && bid.lot_id == lot_id && bid.bidder == bidder,
        "the bid names another tender, lot or bidder"
    );
    require!(commitment(&bid, &salt) == record.commitment, "the revealed bid does not match the commitment");
    require!(bid.price > 0, "the price must be positive");
    require!(bid.price <= lot.value, "the price exceeds the lot's budget");
    match tender.params.criterion {
        AwardCriterion::CostOnly => {
            require!(bid.life_cycle_cost <= crate::MAX_AMOUNT, "the life-cycle cost is implausibly large")
        }
        _ => require!(bid.life_cycle_cost == 0, "a life-cycle cost is only declared under CostOnly"),
    }
    record.price = Some(bid.price);
    record.revealed_price = Some(bid.price);
    record.life_cycle_cost = Some(bid.life_cycle_cost);
    save_bid(&lot, &record);
    emit(
        BID_REVEALED,
        &BidRevealed { tender_id, lot_id, bidder, price: bid.price, life_cycle_cost: bid.life_cycle_cost },
    );
    Ok(())
}
