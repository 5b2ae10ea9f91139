//! Opening a tender: the configuration checks (procedure preset floors,
//! criteria weights, auction rules) and the creation of its lots.

use crate::events::{TenderOpened, TENDER_OPENED};
use crate::store::*;
use crate::types::*;
use crate::{MAX_AMOUNT, MAX_CRITERIA, MAX_EVALUATORS, MAX_LOTS};
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, Address, ContractResult};
use procurement_core::presets::Schedule;
use procurement_core::{check_currency, AwardCriterion};

/// Price weight in basis points: what the non-price criteria leave.
pub fn price_weight_bps(criteria: &[Criterion]) -> u32 {
    10_000u32.saturating_sub(criteria.iter().map(|c| c.weight_bps).sum())
}

fn check_criteria(params: &TenderParams) -> ContractResult<()> {
    if params.criterion != AwardCriterion::RatedCriteria {
        require!(params.criteria.is_empty(), "non-price criteria need the RatedCriteria award criterion");
        return Ok(());
    }
    require!(!params.criteria.is_empty(), "RatedCriteria needs at least one non-price criterion");
    require!(params.criteria.len() <= MAX_CRITERIA, "at most {MAX_CRITERIA} non-price criteria");
    let mut sum: u32 = 0;
    for c in &params.criteria {
        require!(!c.name.trim().is_empty() && c.name.len() <= 128, "a criterion needs a name of at most 128 bytes");
        require!(c.weight_bps > 0, "criterion {:?} needs a positive weight", c.name);
        sum = sum.saturating_add(c.weight_bps);
    }
    require!(sum < 10_000, "the non-price weights sum to {sum} bps: the price weight (10000 - sum) must stay positive");
    Ok(())
}

/// Checks the whole configuration, including the procedure's preset floors.
pub fn check_params(params: &TenderParams, lots: &[LotParams], now: u64) -> ContractResult<()> {
    let preset = params.procedure.preset();
    require!(params.bid_deadline > now, "the bid deadline must be in the future");
    preset.check(
        params.procedure,
        &Schedule {
            opened_at: now,
            bid_deadline: params.bid_deadline,
            reveal_deadline: params.reveal_deadline,
            min_bids: params.min_bids,
            standstill: params.standstill_secs,
            criterion: params.criterion,
        },
    )?;
    require!(params.enquiry_end > now, "the enquiry period must end in the future");
    require!(
        params.enquiry_end.saturating_add(preset.enquiry_cutoff) <= params.bid_deadline,
        "{:?}: enquiries must close at least {} seconds before the bid deadline",
        params.procedure,
        preset.enquiry_cutoff
    );
    check_currency(&params.currency)?;
    check_criteria(params)?;
    require!(params.evaluators.len() <= MAX_EVALUATORS, "at most {MAX_EVALUATORS} evaluators");
    if let Some(auction) = &params.auction {
        auction.check()?;
    }
    require!(!lots.is_empty(), "a tender needs at least one lot");
    require!(lots.len() <= MAX_LOTS, "at most {MAX_LOTS} lots");
    for (i, lot) in lots.iter().enumerate() {
        require!(lot.value > 0 && lot.value <= MAX_AMOUNT, "lot {i}: the value must be between 1 and {MAX_AMOUNT}");
    }
    Ok(())
}

pub fn set_governance(governance: Address) -> ContractResult<()> {
    require!(!GOVERNANCE.exists(), "the governance contract is set once, at instantiation");
    GOVERNANCE.save(&governance);
    Ok(())
}

/// Only the governance registry's procuring entities open tenders.
fn check_procuring_entity() -> ContractResult<()> {
    if let Some(governance) = GOVERNANCE.load() {
        let buyer = env::caller();
        let registered: bool = procura_sdk::cross::view(&governance, "is_procuring_entity", &(buyer,))?;
        require!(
            registered,
            "{buyer} is not a registered procuring entity: governance must approve AddProcuringEntity for it first"
        );
    }
    Ok(())
}

pub fn open(params: TenderParams, lots: Vec<LotParams>) -> ContractResult<u64> {
    check_procuring_entity()?;
    let now = env::block_time();
    check_params(&params, &lots, now)?;
    let id = NEXT_TENDER_ID.load().unwrap_or(0);
    NEXT_TENDER_ID.save(&(id + 1));
    for (i, p) in lots.iter().enumerate() {
        save_lot(&Lot {
            tender_id: id,
            id: i as u32,
            value: p.value,
            description_hash: p.description_hash,
            status: LotStatus::Bidding,
            epoch: 0,
            bid_count: 0,
            valid_bids: 0,
            candidate: None,
            award: None,
            complaint: None,
            closing_reason: None,
        });
    }
    let tender = Tender {
        id,
        buyer: env::caller(),
        params,
        opened_at: now,
        lot_count: lots.len() as u32,
        amendments: 0,
        next_seq: 0,
        next_question: 0,
        next_complaint: 0,
        cancel_reason: None,
    };
    emit(
        TENDER_OPENED,
        &TenderOpened {
            tender_id: id,
            buyer: tender.buyer,
            lots: tender.lot_count,
            currency: tender.params.currency.clone(),
            bid_deadline: tender.params.bid_deadline,
            reveal_deadline: tender.params.reveal_deadline,
        },
    );
    TENDERS.set(&id, &tender);
    Ok(id)
}
