//! Amendments before the bid deadline. Every commitment made earlier in an
//! affected lot becomes void (the lot's epoch moves on; bidders re-submit).
//! If less than the procedure's `min_period_after_amendment` would remain
//! before the bid deadline, the deadline is moved automatically to exactly
//! that far from now; the enquiry end and the reveal deadline move by the
//! same amount, so no period gets shorter.

use crate::events::*;
use crate::store::*;
use crate::types::*;
use crate::MAX_AMOUNT;
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, ContractResult};

pub fn amend(tender_id: u64, amendment: Amendment) -> ContractResult<()> {
    let mut tender = load_tender(tender_id)?;
    require_buyer(&tender)?;
    let now = env::block_time();
    let old_deadline = tender.params.bid_deadline;
    require!(now < old_deadline, "amendments close at the bid deadline");
    let lots = lots_of(tender_id);
    let affected: Vec<u32> = if amendment.lots.is_empty() {
        lots.iter().filter(|l| l.status == LotStatus::Bidding).map(|l| l.id).collect()
    } else {
        amendment.lots.clone()
    };
    require!(!affected.is_empty(), "no open lot to amend");
    for (i, id) in affected.iter().enumerate() {
        require!(!affected[..i].contains(id), "lot {id} is listed twice");
        let lot = lots.iter().find(|l| l.id == *id).ok_or_else(|| alloc::format!("lot {id} does not exist"))?;
        require_status(lot, &[LotStatus::Bidding], "amend")?;
    }
    for (id, value) in &amendment.new_values {
        require!(affected.contains(id), "the budget of lot {id} changes, so the lot must be among the affected lots");
        require!(*value > 0 && *value <= MAX_AMOUNT, "lot {id}: the value must be between 1 and {MAX_AMOUNT}");
    }
    let requested = amendment.bid_deadline.unwrap_or(old_deadline);
    require!(requested >= old_deadline, "an amendment may not bring the bid deadline forward");
    let floor = now + tender.params.procedure.preset().min_period_after_amendment;
    let new_deadline = requested.max(floor);
    let shift = new_deadline - old_deadline;
    let p = &mut tender.params;
    p.bid_deadline = new_deadline;
    p.reveal_deadline += shift;
    p.enquiry_end += shift;
    p.documents_hash = amendment.documents_hash;
    tender.amendments += 1;
    for mut lot in lots.into_iter().filter(|l| affected.contains(&l.id)) {
        lot.epoch += 1;
        if let Some((_, v)) = amendment.new_values.iter().find(|(id, _)| *id == lot.id) {
            lot.value = *v;
        }
        save_lot(&lot);
        emit(BIDS_INVALIDATED, &BidsInvalidated { tender_id, lot_id: lot.id, epoch: lot.epoch, value: lot.value });
    }
    emit(
        TENDER_AMENDED,
        &TenderAmended {
            tender_id,
            amendment: tender.amendments,
            documents_hash: tender.params.documents_hash,
            enquiry_end: tender.params.enquiry_end,
            bid_deadline: tender.params.bid_deadline,
            reveal_deadline: tender.params.reveal_deadline,
        },
    );
    TENDERS.set(&tender_id, &tender);
    Ok(())
}
