//! Complaints (Remedies Directive): a bidder in a lot complains about its
//! qualification or, during the standstill, its award. Only that lot is
//! suspended; the other lots proceed. The review body named at opening, or
//! the buyer if none was named, decides.

use crate::evaluation::refresh_candidate;
use crate::events::*;
use crate::store::*;
use crate::types::*;
use alloc::string::String;
use procura_sdk::{emit, env, require, ContractResult};
use procurement_core::check_reason;

pub fn complain(tender_id: u64, lot_id: u32, reason: String) -> ContractResult<u64> {
    let mut tender = load_tender(tender_id)?;
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Qualification, LotStatus::Standstill], "complain")?;
    let complainant = env::caller();
    require!(BIDS.has(&(LotKey(tender_id, lot_id), complainant)), "only a bidder in this lot may complain");
    if let Some(award) = &lot.award {
        require!(env::block_time() < award.standstill_ends, "the standstill period is over");
    }
    check_reason("a complaint", &reason)?;
    let id = tender.next_complaint;
    tender.next_complaint += 1;
    lot.complaint = Some(OpenComplaint { id, complainant, resume: lot.status });
    lot.status = LotStatus::Suspended;
    save_lot(&lot);
    TENDERS.set(&tender_id, &tender);
    emit(COMPLAINT_FILED, &ComplaintFiled { tender_id, lot_id, complaint_id: id, complainant, reason });
    Ok(id)
}

/// Upheld: any award is revoked and the lot returns to qualification.
/// Dismissed: the lot resumes where it was (the standstill clock is not
/// extended).
pub fn resolve(tender_id: u64, lot_id: u32, upheld: bool, note: String) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    let resolver = tender.params.review_body.unwrap_or(tender.buyer);
    require!(env::caller() == resolver, "only the review body of tender {tender_id} may resolve complaints");
    let mut lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Suspended], "resolve a complaint")?;
    let complaint = lot.complaint.take().ok_or("no open complaint")?;
    if upheld {
        if let Some(award) = lot.award.take() {
            emit(AWARD_REVOKED, &BidderEvent { tender_id, lot_id, bidder: award.bidder });
        }
        lot.status = LotStatus::Qualification;
    } else {
        lot.status = complaint.resume;
    }
    emit(COMPLAINT_RESOLVED, &ComplaintResolved { tender_id, lot_id, complaint_id: complaint.id, upheld, note });
    refresh_candidate(&tender, &mut lot)?;
    save_lot(&lot);
    Ok(())
}
