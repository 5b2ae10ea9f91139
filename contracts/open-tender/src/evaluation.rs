//! After the reveal deadline: counting valid bids per lot, recording the
//! evaluators' scores, and keeping the lot's candidate (its best-ranked
//! valid bid) up to date.

use crate::events::*;
use crate::ranking::{mean_scores, rank, Entry};
use crate::store::*;
use crate::types::*;
use crate::{alt, auction};
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, Address, ContractResult};
use procurement_core::AwardCriterion;

/// Counts the lot's valid bids: too few → unsuccessful; an auction if the
/// tender has one and two bids compete; otherwise qualification.
pub fn evaluate(tender_id: u64, lot_id: u32) -> ContractResult<LotStatus> {
    let tender = load_tender(tender_id)?;
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Bidding], "evaluate")?;
    require!(env::block_time() >= tender.params.reveal_deadline, "reveals are still open");
    let bids = bids_of(&lot);
    let valid: Vec<&BidRecord> = bids.iter().filter(|b| b.is_valid(&lot)).collect();
    lot.valid_bids = valid.len() as u32;
    let auction = tender.params.auction.as_ref().filter(|_| valid.len() >= 2);
    let next = if lot.valid_bids < tender.params.min_bids {
        LotStatus::Unsuccessful
    } else if auction.is_some() {
        LotStatus::Auction
    } else {
        LotStatus::Qualification
    };
    emit(
        LOT_EVALUATED,
        &LotEvaluated {
            tender_id,
            lot_id,
            valid_bids: lot.valid_bids,
            invalid_bids: bids.len() as u32 - lot.valid_bids,
            next,
        },
    );
    match (next, auction) {
        (LotStatus::Unsuccessful, _) => close_unsuccessful(&mut lot, "too few valid bids"),
        (LotStatus::Auction, Some(config)) => {
            lot.status = LotStatus::Auction;
            auction::start(&lot, config, &valid);
        }
        _ => lot.status = LotStatus::Qualification,
    }
    refresh_candidate(&tender, &mut lot)?;
    save_lot(&lot);
    Ok(lot.status)
}

/// The valid bids ranked by the tender's award rule; `Err(bidder)` names a
/// bid still missing scores (RatedCriteria).
pub fn ranked(tender: &Tender, lot: &Lot) -> Result<Vec<RankedBid>, Address> {
    let criterion = tender.params.criterion;
    let mut sheets: BTreeMap<Address, Vec<Vec<u8>>> = BTreeMap::new();
    if criterion == AwardCriterion::RatedCriteria {
        for ((_, (bidder, _)), scores) in SCORES.prefix(&LotKey(lot.tender_id, lot.id)) {
            sheets.entry(bidder).or_default().push(scores);
        }
    }
    let n = tender.params.criteria.len();
    let entries = bids_of(lot)
        .into_iter()
        .filter(|b| b.is_valid(lot))
        .map(|b| {
            let own: Vec<&[u8]> =
                sheets.get(&b.bidder).map(|s| s.iter().map(|v| v.as_slice()).collect()).unwrap_or_default();
            Entry {
                bidder: b.bidder,
                seq: b.seq,
                price: b.price.unwrap_or_default(),
                life_cycle_cost: b.life_cycle_cost.unwrap_or_default(),
                means: mean_scores(&own, n),
            }
        })
        .collect();
    let weights: Vec<u32> = tender.params.criteria.iter().map(|c| c.weight_bps).collect();
    rank(criterion, &weights, entries)
}

/// During qualification: re-ranks the lot; closes it if no valid bid is
/// left; otherwise names the candidate (event when it changes) and runs the
/// abnormally-low check on it. Does nothing while scores are missing.
pub fn refresh_candidate(tender: &Tender, lot: &mut Lot) -> ContractResult<()> {
    if lot.status != LotStatus::Qualification {
        return Ok(());
    }
    let Ok(ranking) = ranked(tender, lot) else {
        lot.candidate = None;
        return Ok(());
    };
    let Some(leader) = ranking.first() else {
        close_unsuccessful(lot, "every valid bid was rejected");
        return Ok(());
    };
    if lot.candidate != Some(leader.bidder) {
        lot.candidate = Some(leader.bidder);
        emit(
            CANDIDATE_SELECTED,
            &CandidateSelected {
                tender_id: lot.tender_id,
                lot_id: lot.id,
                bidder: leader.bidder,
                price: leader.price,
                score: leader.score,
            },
        );
    }
    alt::check_leader(lot, &ranking)
}

/// An evaluator (named at opening) or the buyer records its scores for one
/// bid, one per non-price criterion, each 0..=100. A new sheet from the same
/// evaluator replaces its earlier one.
pub fn score(tender_id: u64, lot_id: u32, bidder: Address, scores: Vec<u8>) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    require!(tender.params.criterion == AwardCriterion::RatedCriteria, "this tender is not scored (not RatedCriteria)");
    let evaluator = env::caller();
    require!(
        evaluator == tender.buyer || tender.params.evaluators.contains(&evaluator),
        "only the buyer or an evaluator of tender {tender_id} may score"
    );
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Auction, LotStatus::Qualification], "score")?;
    let record = load_bid(&lot, bidder)?;
    require!(record.is_valid(&lot), "only valid (revealed, not rejected) bids are scored");
    require!(
        scores.len() == tender.params.criteria.len(),
        "one score per non-price criterion is needed ({})",
        tender.params.criteria.len()
    );
    require!(scores.iter().all(|s| *s <= 100), "scores range from 0 to 100");
    SCORES.set(&(LotKey(tender_id, lot_id), (bidder, evaluator)), &scores);
    emit(BID_SCORED, &BidScored { tender_id, lot_id, bidder, evaluator, scores });
    refresh_candidate(&tender, &mut lot)?;
    save_lot(&lot);
    Ok(())
}

/// Every score sheet of a lot.
pub fn sheets(lot: &Lot) -> Vec<ScoreSheet> {
    SCORES
        .prefix(&LotKey(lot.tender_id, lot.id))
        .map(|((_, (bidder, evaluator)), scores)| ScoreSheet { bidder, evaluator, scores })
        .collect()
}
