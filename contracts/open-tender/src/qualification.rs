//! Qualification and award of a lot: the rejection cascade, the award to
//! the candidate, and the award becoming final after the standstill.

use crate::evaluation::{ranked, refresh_candidate};
use crate::events::*;
use crate::store::*;
use crate::types::*;
use alloc::string::String;
use procura_sdk::{emit, env, require, Address, ContractResult};
use procurement_core::check_reason;

/// The buyer rejects a valid bid, with a reason. Rejecting the awarded
/// bidder during standstill revokes the award; the next-ranked bid becomes
/// the candidate (the cascade). No valid bid left: the lot is unsuccessful.
pub fn reject(tender_id: u64, lot_id: u32, bidder: Address, reason: String) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    require_buyer(&tender)?;
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Qualification, LotStatus::Standstill], "reject")?;
    check_reason("a rejection", &reason)?;
    if let Some(award) = &lot.award {
        require!(env::block_time() < award.standstill_ends, "the standstill period is over: the award stands");
    }
    let mut record = load_bid(&lot, bidder)?;
    require!(record.price.is_some(), "the bid was never revealed");
    require!(record.rejection.is_none(), "the bidder is already rejected");
    record.rejection = Some(reason.clone());
    save_bid(&lot, &record);
    emit(BIDDER_REJECTED, &BidderRejected { tender_id, lot_id, bidder, reason });
    if lot.award.as_ref().is_some_and(|a| a.bidder == bidder) {
        lot.award = None;
        lot.status = LotStatus::Qualification;
        emit(AWARD_REVOKED, &BidderEvent { tender_id, lot_id, bidder });
    }
    refresh_candidate(&tender, &mut lot)?;
    save_lot(&lot);
    Ok(())
}

/// The buyer awards the lot to its best-ranked valid bid and the standstill
/// starts. Refused while scores are missing or while the leading price is
/// flagged abnormally low and not accepted.
pub fn award(tender_id: u64, lot_id: u32) -> ContractResult<Award> {
    let tender = load_tender(tender_id)?;
    require_buyer(&tender)?;
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Qualification], "award")?;
    let ranking = ranked(&tender, &lot).map_err(|b| alloc::format!("the bid of {b} has no scores yet"))?;
    let leader = ranking.first().ok_or("no valid bid remains")?;
    let record = load_bid(&lot, leader.bidder)?;
    require!(
        matches!(record.price_check, PriceCheck::NotFlagged | PriceCheck::Accepted),
        "the price of {} is abnormally low: it must be explained and accepted, or the bid rejected",
        leader.bidder
    );
    let now = env::block_time();
    let award = Award {
        bidder: leader.bidder,
        price: leader.price,
        life_cycle_cost: leader.life_cycle_cost,
        score: leader.score,
        awarded_at: now,
        standstill_ends: now + tender.params.standstill_secs,
    };
    lot.award = Some(award.clone());
    lot.status = LotStatus::Standstill;
    save_lot(&lot);
    emit(
        AWARD_MADE,
        &AwardMade {
            tender_id,
            lot_id,
            bidder: award.bidder,
            price: award.price,
            score: award.score,
            standstill_ends: award.standstill_ends,
        },
    );
    Ok(award)
}

/// After the standstill with no open complaint the award is final. Anyone.
pub fn finalize(tender_id: u64, lot_id: u32) -> ContractResult<Award> {
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Standstill], "finalize")?;
    let award = lot.award.clone().ok_or("no award to finalize")?;
    require!(env::block_time() >= award.standstill_ends, "the standstill period has not ended");
    lot.status = LotStatus::Complete;
    save_lot(&lot);
    emit(
        AWARD_FINAL,
        &AwardMade {
            tender_id,
            lot_id,
            bidder: award.bidder,
            price: award.price,
            score: award.score,
            standstill_ends: award.standstill_ends,
        },
    );
    Ok(award)
}
