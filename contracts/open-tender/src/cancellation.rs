//! Cancelling one lot, or the whole tender, with a reason, before an award
//! is final.

use crate::events::*;
use crate::store::*;
use crate::types::*;
use alloc::string::String;
use procura_sdk::{emit, require, ContractResult};
use procurement_core::check_reason;

fn close(lot: &mut Lot, reason: &str) {
    lot.status = LotStatus::Cancelled;
    lot.closing_reason = Some(reason.into());
    save_lot(lot);
    emit(LOT_CANCELLED, &LotClosed { tender_id: lot.tender_id, lot_id: lot.id, reason: reason.into() });
}

pub fn cancel_lot(tender_id: u64, lot_id: u32, reason: String) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    require_buyer(&tender)?;
    check_reason("a cancellation", &reason)?;
    let mut lot = load_lot(tender_id, lot_id)?;
    require!(!lot.status.is_closed(), "cannot cancel: lot {lot_id} is already {:?}", lot.status);
    close(&mut lot, &reason);
    Ok(())
}

/// Cancels every open lot. Refused once any lot's award is final.
pub fn cancel_tender(tender_id: u64, reason: String) -> ContractResult<()> {
    let mut tender = load_tender(tender_id)?;
    require_buyer(&tender)?;
    check_reason("a cancellation", &reason)?;
    let lots = lots_of(tender_id);
    require!(
        !lots.iter().any(|l| l.status == LotStatus::Complete),
        "cannot cancel: an award of tender {tender_id} is final; cancel the open lots one by one"
    );
    require!(lots.iter().any(|l| !l.status.is_closed()), "cannot cancel: every lot is already closed");
    for mut lot in lots.into_iter().filter(|l| !l.status.is_closed()) {
        close(&mut lot, &reason);
    }
    tender.cancel_reason = Some(reason.clone());
    TENDERS.set(&tender_id, &tender);
    emit(TENDER_CANCELLED, &TenderCancelled { tender_id, reason });
    Ok(())
}
