//! Stage 1: the competition that concludes the framework agreement, from
//! opening to the agreement in force, and its closure.

use crate::bidding::{self, Counters};
use crate::events::*;
use crate::rules::{ranking, select_suppliers};
use crate::state::*;
use crate::types::*;
use alloc::string::String;
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, Address, ContractResult};
use procurement_core::presets::Schedule;
use procurement_core::{check_currency, check_reason, AwardCriterion, DAY};

/// Art. 33(1): a framework lasts at most four years.
pub const MAX_TERM_SECS: u64 = 4 * 365 * DAY;
/// With several suppliers, at least three (Directive 2004/18 Art. 32(4),
/// Prozorro `closeFrameworkAgreementUA`); 1 means a single-supplier framework.
pub const MIN_MULTI_SUPPLIERS: u32 = 3;
/// Keeps the supplier list (stored in the framework) small.
pub const MAX_SUPPLIERS: u32 = 100;

fn require_stage(fw: &Framework, stage: Stage, action: &str) -> ContractResult<()> {
    require!(fw.stage == stage, "cannot {action}: framework {} is {:?}, not {:?}", fw.id, fw.stage, stage);
    Ok(())
}

fn check_params(p: &FrameworkParams, now: u64) -> ContractResult<()> {
    check_currency(&p.currency)?;
    require!(p.max_value > 0, "the maximum value must be positive");
    require!(
        p.max_suppliers == 1 || (MIN_MULTI_SUPPLIERS..=MAX_SUPPLIERS).contains(&p.max_suppliers),
        "a framework admits 1 supplier or between {MIN_MULTI_SUPPLIERS} and {MAX_SUPPLIERS}"
    );
    require!(p.bid_deadline > now, "the bid deadline must be in the future");
    require!(p.reveal_deadline > p.bid_deadline, "the reveal deadline must follow the bid deadline");
    let schedule = Schedule {
        opened_at: now,
        bid_deadline: p.bid_deadline,
        reveal_deadline: p.reveal_deadline,
        min_bids: p.min_bids,
        standstill: p.standstill_secs,
        criterion: AwardCriterion::PriceOnly,
    };
    p.procedure.preset().check(p.procedure, &schedule)?;
    require!(
        p.term_end > p.reveal_deadline.saturating_add(p.standstill_secs),
        "the term must end after the reveal deadline and the standstill"
    );
    require!(p.term_end <= now.saturating_add(MAX_TERM_SECS), "a framework may last at most four years (Art. 33(1))");
    Ok(())
}

fn close(fw: &mut Framework, stage: Stage, topic: &str, reason: &str) {
    fw.stage = stage;
    fw.close_reason = Some(String::from(reason));
    emit(topic, &Closed { id: fw.id, reason: reason.into() });
}

fn selection(fw: &Framework) -> Selection {
    Selection {
        framework_id: fw.id,
        suppliers: fw.suppliers.iter().map(|s| s.address).collect(),
        prices: fw.suppliers.iter().map(|s| s.price).collect(),
        standstill_ends: fw.standstill_ends.unwrap_or(0),
        term_end: fw.params.term_end,
    }
}

/// Withdraws the selection (a selected supplier rejected, or a complaint
/// upheld): the buyer concludes again from the remaining bids.
fn revoke_selection(fw: &mut Framework, cause: Address) {
    fw.suppliers.clear();
    fw.standstill_ends = None;
    fw.stage = Stage::Qualification;
    emit(SELECTION_REVOKED, &BidderEvent { id: fw.id, bidder: cause });
}

fn valid_bids(fw: &Framework) -> u32 {
    ranking(&bids_of(&FRAMEWORK_BIDS, fw.id)).len() as u32
}

pub fn open(params: FrameworkParams) -> ContractResult<u64> {
    let now = env::block_time();
    check_params(&params, now)?;
    let id = next_id(&NEXT_FRAMEWORK_ID);
    let fw = Framework {
        id,
        buyer: env::caller(),
        params,
        stage: Stage::Open,
        opened_at: now,
        next_seq: 0,
        live_bids: 0,
        suppliers: Vec::new(),
        standstill_ends: None,
        open_complaint: None,
        awarded_value: 0,
        reserved_value: 0,
        call_offs: 0,
        close_reason: None,
    };
    let p = &fw.params;
    emit(
        FRAMEWORK_OPENED,
        &FrameworkOpened {
            framework_id: id,
            buyer: fw.buyer,
            procedure: p.procedure,
            max_value: p.max_value,
            currency: p.currency.clone(),
            max_suppliers: p.max_suppliers,
            bid_deadline: p.bid_deadline,
            reveal_deadline: p.reveal_deadline,
            term_end: p.term_end,
        },
    );
    FRAMEWORKS.set(&id, &fw);
    Ok(id)
}

pub fn submit_bid(id: u64, commitment: [u8; 32]) -> ContractResult<()> {
    let mut fw = framework(id)?;
    require_stage(&fw, Stage::Open, "bid")?;
    let bidder = env::caller();
    require!(bidder != fw.buyer, "the buyer cannot bid in its own framework");
    bidding::require_before(fw.params.bid_deadline, "bid")?;
    let counters = Counters { next_seq: &mut fw.next_seq, live_bids: &mut fw.live_bids };
    let (seq, replaced) = bidding::submit(&FRAMEWORK_BIDS, id, counters, bidder, commitment);
    FRAMEWORKS.set(&id, &fw);
    emit(FRAMEWORK_BID_SUBMITTED, &BidSubmitted { id, bidder, seq, replaced });
    Ok(())
}

pub fn withdraw_bid(id: u64) -> ContractResult<()> {
    let mut fw = framework(id)?;
    require_stage(&fw, Stage::Open, "withdraw")?;
    bidding::require_before(fw.params.bid_deadline, "withdraw")?;
    let bidder = env::caller();
    bidding::withdraw(&FRAMEWORK_BIDS, id, &mut fw.live_bids, bidder)?;
    FRAMEWORKS.set(&id, &fw);
    emit(FRAMEWORK_BID_WITHDRAWN, &BidderEvent { id, bidder });
    Ok(())
}

pub fn reveal_bid(id: u64, bid: FrameworkBid, salt: [u8; 32]) -> ContractResult<()> {
    let fw = framework(id)?;
    require_stage(&fw, Stage::Open, "reveal")?;
    bidding::require_reveal_window(fw.params.bid_deadline, fw.params.reveal_deadline)?;
    let bidder = env::caller();
    require!(bid.framework_id == id && bid.bidder == bidder, "the bid names another framework or bidder");
    let sealed = procurement_core::commitment(&bid, &salt);
    bidding::reveal(&FRAMEWORK_BIDS, id, bidder, sealed, bid.price, fw.params.max_value)?;
    emit(FRAMEWORK_BID_REVEALED, &BidRevealed { id, bidder, price: bid.price });
    Ok(())
}

pub fn evaluate(id: u64) -> ContractResult<Stage> {
    let mut fw = framework(id)?;
    require_stage(&fw, Stage::Open, "evaluate")?;
    require!(env::block_time() >= fw.params.reveal_deadline, "reveals are still open");
    let valid = valid_bids(&fw);
    let unrevealed = fw.live_bids - valid;
    emit(FRAMEWORK_EVALUATED, &Evaluated { id, valid_bids: valid, unrevealed_bids: unrevealed });
    if valid < fw.params.min_bids {
        close(&mut fw, Stage::Unsuccessful, FRAMEWORK_UNSUCCESSFUL, "too few valid bids");
    } else {
        fw.stage = Stage::Qualification;
    }
    FRAMEWORKS.set(&id, &fw);
    Ok(fw.stage)
}

/// Rejecting a selected supplier during the standstill withdraws the whole
/// selection (the cascade): the buyer concludes again and the next-ranked
/// bid moves up.
pub fn reject_bidder(id: u64, bidder: Address, reason: String) -> ContractResult<()> {
    let mut fw = framework(id)?;
    require_buyer(&fw)?;
    require!(
        matches!(fw.stage, Stage::Qualification | Stage::Standstill),
        "cannot reject: framework {id} is {:?}",
        fw.stage
    );
    if let Some(ends) = fw.standstill_ends {
        require!(env::block_time() < ends, "the standstill period is over: the selection stands");
    }
    bidding::reject(&FRAMEWORK_BIDS, id, bidder, &reason)?;
    emit(FRAMEWORK_BIDDER_REJECTED, &BidderRejected { id, bidder, reason });
    if fw.supplier(&bidder).is_some() {
        revoke_selection(&mut fw, bidder);
    }
    if valid_bids(&fw) < fw.params.min_bids {
        fw.suppliers.clear();
        close(&mut fw, Stage::Unsuccessful, FRAMEWORK_UNSUCCESSFUL, "too few qualified bids remain");
    }
    FRAMEWORKS.set(&id, &fw);
    Ok(())
}

/// Selects up to `max_suppliers` best qualified bids and starts the
/// standstill.
pub fn conclude(id: u64) -> ContractResult<Vec<Supplier>> {
    let mut fw = framework(id)?;
    require_buyer(&fw)?;
    require_stage(&fw, Stage::Qualification, "conclude the agreement")?;
    let suppliers = select_suppliers(&bids_of(&FRAMEWORK_BIDS, id), fw.params.max_suppliers);
    require!(!suppliers.is_empty(), "no qualified bid remains");
    fw.suppliers = suppliers.clone();
    fw.standstill_ends = Some(env::block_time() + fw.params.standstill_secs);
    fw.stage = Stage::Standstill;
    emit(AGREEMENT_CONCLUDED, &selection(&fw));
    FRAMEWORKS.set(&id, &fw);
    Ok(suppliers)
}

pub fn complain(id: u64, reason: String) -> ContractResult<()> {
    let mut fw = framework(id)?;
    require_stage(&fw, Stage::Standstill, "complain")?;
    let complainant = env::caller();
    require!(FRAMEWORK_BIDS.has(&(id, complainant)), "only a bidder in this framework may complain");
    require!(env::block_time() < fw.standstill_ends.unwrap_or(0), "the standstill period is over");
    check_reason("a complaint", &reason)?;
    fw.stage = Stage::Suspended;
    fw.open_complaint = Some(complainant);
    FRAMEWORKS.set(&id, &fw);
    emit(COMPLAINT_FILED, &ComplaintFiled { framework_id: id, complainant, reason });
    Ok(())
}

/// Upheld: the selection is withdrawn and qualification resumes.
/// Dismissed: the standstill resumes.
pub fn resolve_complaint(id: u64, upheld: bool, note: String) -> ContractResult<()> {
    let mut fw = framework(id)?;
    require_buyer(&fw)?;
    require_stage(&fw, Stage::Suspended, "resolve a complaint")?;
    let complainant = fw.open_complaint.take().expect("a suspended framework has a complaint");
    emit(COMPLAINT_RESOLVED, &ComplaintResolved { framework_id: id, upheld, note });
    if upheld {
        revoke_selection(&mut fw, complainant);
    } else {
        fw.stage = Stage::Standstill;
    }
    FRAMEWORKS.set(&id, &fw);
    Ok(())
}

/// After the standstill, with no open complaint, the agreement comes into
/// force. Anyone may call.
pub fn finalize(id: u64) -> ContractResult<Vec<Supplier>> {
    let mut fw = framework(id)?;
    require_stage(&fw, Stage::Standstill, "finalize")?;
    require!(env::block_time() >= fw.standstill_ends.unwrap_or(0), "the standstill period has not ended");
    fw.stage = Stage::Active;
    emit(AGREEMENT_ACTIVE, &selection(&fw));
    FRAMEWORKS.set(&id, &fw);
    Ok(fw.suppliers)
}

/// After the term end no call-off may open. Anyone may call. Call-offs
/// already running finish normally.
pub fn expire(id: u64) -> ContractResult<()> {
    let mut fw = framework(id)?;
    require_stage(&fw, Stage::Active, "expire")?;
    require!(env::block_time() >= fw.params.term_end, "the framework's term has not ended");
    close(&mut fw, Stage::Expired, FRAMEWORK_EXPIRED, "term ended");
    FRAMEWORKS.set(&id, &fw);
    Ok(())
}

/// The buyer cancels, with a reason, before the selection or, once active,
/// while no call-off is running (early termination).
pub fn cancel(id: u64, reason: String) -> ContractResult<()> {
    let mut fw = framework(id)?;
    require_buyer(&fw)?;
    require!(
        matches!(fw.stage, Stage::Open | Stage::Qualification | Stage::Active),
        "cannot cancel: framework {id} is {:?}",
        fw.stage
    );
    require!(fw.reserved_value == 0, "cannot cancel: call-offs are running; cancel or finish them first");
    check_reason("a cancellation", &reason)?;
    close(&mut fw, Stage::Cancelled, FRAMEWORK_CANCELLED, &reason);
    FRAMEWORKS.set(&id, &fw);
    Ok(())
}
