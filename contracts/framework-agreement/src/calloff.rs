//! Call-offs: sealed mini-competitions among the framework's suppliers
//! (Art. 33(5)(b)). A call-off holds back its budget from the framework's
//! value while it runs; its final award is charged instead.

use crate::bidding::{self, Counters};
use crate::events::*;
use crate::rules::{call_off_winner, ranking};
use crate::state::*;
use crate::types::*;
use alloc::string::String;
use procura_sdk::{emit, env, require, Address, ContractResult, Map};

/// Index of a framework's call-offs, for the `call_offs` view.
pub const FRAMEWORK_CALL_OFFS: Map<(u64, u64), ()> = Map::new("fw_co");

fn require_stage(co: &CallOff, stage: CallOffStage, action: &str) -> ContractResult<()> {
    require!(co.stage == stage, "cannot {action}: call-off {} is {:?}, not {:?}", co.id, co.stage, stage);
    Ok(())
}

/// The call-off and its framework, the caller being the framework's buyer.
fn load_as_buyer(id: u64) -> ContractResult<(CallOff, Framework)> {
    let co = call_off(id)?;
    let fw = framework(co.framework_id)?;
    require_buyer(&fw)?;
    Ok((co, fw))
}

/// Ends a call-off without award: its budget returns to the framework.
fn close_without_award(co: &mut CallOff, fw: &mut Framework, stage: CallOffStage, topic: &str, reason: &str) {
    fw.reserved_value -= co.params.budget;
    co.stage = stage;
    co.award = None;
    co.close_reason = Some(String::from(reason));
    emit(topic, &Closed { id: co.id, reason: reason.into() });
}

/// Charges the award to the framework and makes it final.
fn make_final(co: &mut CallOff, fw: &mut Framework) {
    let award = co.award.as_ref().expect("a call-off in standstill has an award");
    fw.reserved_value -= co.params.budget;
    fw.awarded_value += award.price;
    co.stage = CallOffStage::Awarded;
    emit(
        CALL_OFF_AWARD_FINAL,
        &CallOffFinal {
            call_off_id: co.id,
            framework_id: fw.id,
            supplier: award.supplier,
            price: award.price,
            framework_awarded: fw.awarded_value,
            framework_remaining: fw.remaining_value(),
        },
    );
}

fn save(co: &CallOff, fw: &Framework) {
    CALL_OFFS.set(&co.id, co);
    FRAMEWORKS.set(&fw.id, fw);
}

pub fn open(framework_id: u64, params: CallOffParams) -> ContractResult<u64> {
    let mut fw = framework(framework_id)?;
    require_buyer(&fw)?;
    require!(fw.stage == Stage::Active, "cannot open a call-off: framework {framework_id} is {:?}", fw.stage);
    let now = env::block_time();
    require!(now < fw.params.term_end, "the framework's term has ended");
    require!(params.budget > 0, "the budget must be positive");
    require!(
        params.budget <= fw.remaining_value(),
        "the budget exceeds the framework's remaining value of {}",
        fw.remaining_value()
    );
    require!(params.bid_deadline > now, "the bid deadline must be in the future");
    require!(params.reveal_deadline > params.bid_deadline, "the reveal deadline must follow the bid deadline");
    require!(params.reveal_deadline <= fw.params.term_end, "the call-off must be decided within the framework's term");
    require!(
        params.standstill_secs <= fw.params.standstill_secs,
        "a call-off's standstill may not exceed the framework's ({} seconds)",
        fw.params.standstill_secs
    );
    let id = next_id(&NEXT_CALL_OFF_ID);
    fw.reserved_value += params.budget;
    fw.call_offs += 1;
    emit(
        CALL_OFF_OPENED,
        &CallOffOpened {
            call_off_id: id,
            framework_id,
            budget: params.budget,
            bid_deadline: params.bid_deadline,
            reveal_deadline: params.reveal_deadline,
            standstill_secs: params.standstill_secs,
            framework_remaining: fw.remaining_value(),
        },
    );
    let co = CallOff {
        id,
        framework_id,
        params,
        stage: CallOffStage::Open,
        opened_at: now,
        next_seq: 0,
        live_bids: 0,
        award: None,
        close_reason: None,
    };
    FRAMEWORK_CALL_OFFS.set(&(framework_id, id), &());
    save(&co, &fw);
    Ok(id)
}

/// Only the framework's suppliers may bid.
pub fn submit_bid(id: u64, commitment: [u8; 32]) -> ContractResult<()> {
    let mut co = call_off(id)?;
    require_stage(&co, CallOffStage::Open, "bid")?;
    let fw = framework(co.framework_id)?;
    let bidder = env::caller();
    require!(fw.supplier(&bidder).is_some(), "only suppliers of framework {} may bid", fw.id);
    bidding::require_before(co.params.bid_deadline, "bid")?;
    let counters = Counters { next_seq: &mut co.next_seq, live_bids: &mut co.live_bids };
    let (seq, replaced) = bidding::submit(&CALL_OFF_BIDS, id, counters, bidder, commitment);
    CALL_OFFS.set(&id, &co);
    emit(CALL_OFF_BID_SUBMITTED, &BidSubmitted { id, bidder, seq, replaced });
    Ok(())
}

pub fn withdraw_bid(id: u64) -> ContractResult<()> {
    let mut co = call_off(id)?;
    require_stage(&co, CallOffStage::Open, "withdraw")?;
    bidding::require_before(co.params.bid_deadline, "withdraw")?;
    let bidder = env::caller();
    bidding::withdraw(&CALL_OFF_BIDS, id, &mut co.live_bids, bidder)?;
    CALL_OFFS.set(&id, &co);
    emit(CALL_OFF_BID_WITHDRAWN, &BidderEvent { id, bidder });
    Ok(())
}

pub fn reveal_bid(id: u64, bid: CallOffBid, salt: [u8; 32]) -> ContractResult<()> {
    let co = call_off(id)?;
    require_stage(&co, CallOffStage::Open, "reveal")?;
    bidding::require_reveal_window(co.params.bid_deadline, co.params.reveal_deadline)?;
    let bidder = env::caller();
    require!(
        bid.call_off_id == id && bid.framework_id == co.framework_id && bid.bidder == bidder,
        "the bid names another call-off, framework or bidder"
    );
    let sealed = procurement_core::commitment(&bid, &salt);
    bidding::reveal(&CALL_OFF_BIDS, id, bidder, sealed, bid.price, co.params.budget)?;
    emit(CALL_OFF_BID_REVEALED, &BidRevealed { id, bidder, price: bid.price });
    Ok(())
}

/// After the reveal deadline: no valid bid makes the call-off unsuccessful.
/// Anyone may call.
pub fn evaluate(id: u64) -> ContractResult<CallOffStage> {
    let mut co = call_off(id)?;
    require_stage(&co, CallOffStage::Open, "evaluate")?;
    require!(env::block_time() >= co.params.reveal_deadline, "reveals are still open");
    let mut fw = framework(co.framework_id)?;
    let valid = ranking(&bids_of(&CALL_OFF_BIDS, id)).len() as u32;
    emit(CALL_OFF_EVALUATED, &Evaluated { id, valid_bids: valid, unrevealed_bids: co.live_bids - valid });
    if valid == 0 {
        close_without_award(&mut co, &mut fw, CallOffStage::Unsuccessful, CALL_OFF_UNSUCCESSFUL, "no valid bid");
    } else {
        co.stage = CallOffStage::Qualification;
    }
    save(&co, &fw);
    Ok(co.stage)
}

/// Rejecting the awardee during the standstill revokes the award; the buyer
/// then awards the next-ranked bid.
pub fn reject_bidder(id: u64, bidder: Address, reason: String) -> ContractResult<()> {
    let (mut co, mut fw) = load_as_buyer(id)?;
    require!(
        matches!(co.stage, CallOffStage::Qualification | CallOffStage::Standstill),
        "cannot reject: call-off {id} is {:?}",
        co.stage
    );
    if let Some(award) = &co.award {
        require!(env::block_time() < award.standstill_ends, "the standstill period is over: the award stands");
    }
    bidding::reject(&CALL_OFF_BIDS, id, bidder, &reason)?;
    emit(CALL_OFF_BIDDER_REJECTED, &BidderRejected { id, bidder, reason });
    if co.award.as_ref().is_some_and(|a| a.supplier == bidder) {
        co.award = None;
        co.stage = CallOffStage::Qualification;
        emit(CALL_OFF_AWARD_REVOKED, &BidderEvent { id, bidder });
    }
    if call_off_winner(&bids_of(&CALL_OFF_BIDS, id)).is_none() {
        close_without_award(&mut co, &mut fw, CallOffStage::Unsuccessful, CALL_OFF_UNSUCCESSFUL, "every bid rejected");
    }
    save(&co, &fw);
    Ok(())
}

/// Awards to the lowest valid price (ties: earlier commitment). With a zero
/// standstill the award is final at once.
pub fn award(id: u64) -> ContractResult<CallOffAward> {
    let (mut co, mut fw) = load_as_buyer(id)?;
    require_stage(&co, CallOffStage::Qualification, "award")?;
    let bids = bids_of(&CALL_OFF_BIDS, id);
    let winner = call_off_winner(&bids).ok_or("no qualified bid remains")?;
    let now = env::block_time();
    let award = CallOffAward {
        supplier: winner.bidder,
        price: winner.price.expect("ranked bids are revealed"),
        awarded_at: now,
        standstill_ends: now + co.params.standstill_secs,
    };
    co.award = Some(award.clone());
    co.stage = CallOffStage::Standstill;
    emit(
        CALL_OFF_AWARD_MADE,
        &CallOffAwarded {
            call_off_id: id,
            framework_id: fw.id,
            supplier: award.supplier,
            price: award.price,
            standstill_ends: award.standstill_ends,
        },
    );
    if co.params.standstill_secs == 0 {
        make_final(&mut co, &mut fw);
    }
    save(&co, &fw);
    Ok(award)
}

/// After the call-off's standstill the award becomes final and is charged to
/// the framework. Anyone may call.
pub fn finalize(id: u64) -> ContractResult<CallOffAward> {
    let mut co = call_off(id)?;
    require_stage(&co, CallOffStage::Standstill, "finalize")?;
    let ends = co.award.as_ref().map_or(0, |a| a.standstill_ends);
    require!(env::block_time() >= ends, "the call-off's standstill period has not ended");
    let mut fw = framework(co.framework_id)?;
    make_final(&mut co, &mut fw);
    save(&co, &fw);
    Ok(co.award.expect("finalized call-offs have an award"))
}

/// The buyer cancels a call-off, with a reason, before its award.
pub fn cancel(id: u64, reason: String) -> ContractResult<()> {
    let (mut co, mut fw) = load_as_buyer(id)?;
    require!(
        matches!(co.stage, CallOffStage::Open | CallOffStage::Qualification),
        "cannot cancel: call-off {id} is {:?}",
        co.stage
    );
    procurement_core::check_reason("a cancellation", &reason)?;
    close_without_award(&mut co, &mut fw, CallOffStage::Cancelled, CALL_OFF_CANCELLED, &reason);
    save(&co, &fw);
    Ok(())
}
