//! Sealed-bid open tender: commit-reveal bids, award by lowest price, the
//! rejection cascade, standstill and complaints. See README.md beside this
//! crate for the procedure in words.
#![no_std]
extern crate alloc;

pub mod events;
pub mod types;

use alloc::string::String;
use alloc::vec::Vec;
use events::*;
use procura_sdk::{contract, emit, env, require, Address, ContractResult, Item, Map};
pub use types::*;

/// A year: longer standstills are configuration mistakes.
pub const MAX_STANDSTILL_SECS: u64 = 365 * 86_400;

const NEXT_TENDER_ID: Item<u64> = Item::new("next_tender");
const TENDERS: Map<u64, Tender> = Map::new("tender");
const BIDS: Map<(u64, Address), BidRecord> = Map::new("bid");

/// `sha256(borsh(bid) || salt)`: what a bidder submits before the deadline.
pub fn commitment(bid: &Bid, salt: &[u8; 32]) -> [u8; 32] {
    let mut bytes = borsh::to_vec(bid).expect("bid encodes");
    bytes.extend_from_slice(salt);
    procura_sdk::host::sha256(&bytes)
}

fn load(tender_id: u64) -> ContractResult<Tender> {
    TENDERS.get(&tender_id).ok_or_else(|| alloc::format!("tender {tender_id} does not exist").into())
}

fn require_buyer(tender: &Tender) -> ContractResult<()> {
    require!(env::caller() == tender.buyer, "only the buyer of tender {} may do this", tender.id);
    Ok(())
}

fn require_stage(tender: &Tender, stage: Stage, action: &str) -> ContractResult<()> {
    require!(tender.stage == stage, "cannot {action}: tender {} is {:?}, not {:?}", tender.id, tender.stage, stage);
    Ok(())
}

/// Valid bids (revealed, not rejected), best first: lowest price, then the
/// earlier commitment.
pub fn ranking(bids: &[BidRecord]) -> Vec<&BidRecord> {
    let mut valid: Vec<&BidRecord> = bids.iter().filter(|b| b.price.is_some() && b.rejection.is_none()).collect();
    valid.sort_by_key(|b| (b.price, b.seq));
    valid
}

fn bids_of(tender_id: u64) -> Vec<BidRecord> {
    BIDS.prefix(&tender_id).map(|(_, b)| b).collect()
}

fn close_unsuccessful(tender: &mut Tender, reason: &str) {
    tender.stage = Stage::Unsuccessful;
    tender.award = None;
    emit(TENDER_UNSUCCESSFUL, &TenderClosed { tender_id: tender.id, reason: reason.into() });
}

pub struct SealedBid;

#[contract]
impl SealedBid {
    /// Opens a tender; the caller becomes its buyer. Returns the tender id.
    pub fn open_tender(params: TenderParams) -> ContractResult<u64> {
        let now = env::block_time();
        require!(params.bid_deadline > now, "the bid deadline must be in the future");
        require!(params.reveal_deadline > params.bid_deadline, "the reveal deadline must follow the bid deadline");
        require!(params.budget > 0, "the budget must be positive");
        require!(params.min_bids >= 1, "at least one bid must be required");
        require!(
            params.standstill_secs <= MAX_STANDSTILL_SECS,
            "the standstill period may not exceed {MAX_STANDSTILL_SECS} seconds"
        );
        require!(
            params.currency.len() == 3 && params.currency.bytes().all(|c| c.is_ascii_uppercase()),
            "currency must be an ISO 4217 code such as EUR"
        );
        let id = NEXT_TENDER_ID.load().unwrap_or(0);
        NEXT_TENDER_ID.save(&(id + 1));
        let tender = Tender {
            id,
            buyer: env::caller(),
            params,
            stage: Stage::Open,
            next_seq: 0,
            live_bids: 0,
            award: None,
            open_complaint: None,
            cancel_reason: None,
        };
        emit(
            TENDER_OPENED,
            &TenderOpened {
                tender_id: id,
                buyer: tender.buyer,
                budget: tender.params.budget,
                currency: tender.params.currency.clone(),
                bid_deadline: tender.params.bid_deadline,
                reveal_deadline: tender.params.reveal_deadline,
            },
        );
        TENDERS.set(&id, &tender);
        Ok(id)
    }

    /// Submits (or replaces) the caller's sealed bid before the deadline.
    pub fn submit_bid(tender_id: u64, commitment: [u8; 32]) -> ContractResult<()> {
        let mut tender = load(tender_id)?;
        require_stage(&tender, Stage::Open, "bid")?;
        let bidder = env::caller();
        require!(bidder != tender.buyer, "the buyer cannot bid in its own tender");
        require!(env::block_time() < tender.params.bid_deadline, "the bid deadline has passed");
        let replaced = BIDS.has(&(tender_id, bidder));
        let seq = tender.next_seq;
        tender.next_seq += 1;
        if !replaced {
            tender.live_bids += 1;
        }
        let record =
            BidRecord { bidder, commitment, seq, submitted_at: env::block_time(), price: None, rejection: None };
        BIDS.set(&(tender_id, bidder), &record);
        TENDERS.set(&tender_id, &tender);
        emit(BID_SUBMITTED, &BidSubmitted { tender_id, bidder, seq, replaced });
        Ok(())
    }

    /// Withdraws the caller's bid before the deadline.
    pub fn withdraw_bid(tender_id: u64) -> ContractResult<()> {
        let mut tender = load(tender_id)?;
        require_stage(&tender, Stage::Open, "withdraw")?;
        require!(env::block_time() < tender.params.bid_deadline, "the bid deadline has passed");
        let bidder = env::caller();
        require!(BIDS.remove(&(tender_id, bidder)), "no bid from this caller in tender {tender_id}");
        tender.live_bids -= 1;
        TENDERS.set(&tender_id, &tender);
        emit(BID_WITHDRAWN, &BidderEvent { tender_id, bidder });
        Ok(())
    }

    /// Reveals the caller's bid between the deadlines. The bid must match the
    /// commitment and be within budget, otherwise nothing is recorded and the
    /// bid stays unrevealed (hence invalid).
    pub fn reveal_bid(tender_id: u64, bid: Bid, salt: [u8; 32]) -> ContractResult<()> {
        let tender = load(tender_id)?;
        require_stage(&tender, Stage::Open, "reveal")?;
        let now = env::block_time();
        require!(now >= tender.params.bid_deadline, "reveals open at the bid deadline");
        require!(now < tender.params.reveal_deadline, "the reveal deadline has passed");
        let bidder = env::caller();
        let mut record = BIDS.get(&(tender_id, bidder)).ok_or("no bid from this caller")?;
        require!(record.price.is_none(), "bid already revealed");
        require!(bid.tender_id == tender_id && bid.bidder == bidder, "the bid names another tender or bidder");
        require!(commitment(&bid, &salt) == record.commitment, "the revealed bid does not match the commitment");
        require!(bid.price > 0, "the price must be positive");
        require!(bid.price <= tender.params.budget, "the price exceeds the budget");
        record.price = Some(bid.price);
        BIDS.set(&(tender_id, bidder), &record);
        emit(BID_REVEALED, &BidRevealed { tender_id, bidder, price: bid.price });
        Ok(())
    }

    /// After the reveal deadline: counts valid bids and either moves to
    /// qualification or declares the tender unsuccessful. Anyone may call.
    pub fn evaluate(tender_id: u64) -> ContractResult<Stage> {
        let mut tender = load(tender_id)?;
        require_stage(&tender, Stage::Open, "evaluate")?;
        require!(env::block_time() >= tender.params.reveal_deadline, "reveals are still open");
        let bids = bids_of(tender_id);
        let valid = ranking(&bids).len() as u32;
        emit(
            TENDER_EVALUATED,
            &TenderEvaluated { tender_id, valid_bids: valid, unrevealed_bids: bids.len() as u32 - valid },
        );
        if valid < tender.params.min_bids {
            close_unsuccessful(&mut tender, "too few valid bids");
        } else {
            tender.stage = Stage::Qualification;
        }
        TENDERS.set(&tender_id, &tender);
        Ok(tender.stage)
    }

    /// Rejects a bidder at qualification, with a reason. Rejecting the
    /// awarded bidder during standstill revokes the award (the cascade: the
    /// buyer then awards the next-ranked bid).
    pub fn reject_bidder(tender_id: u64, bidder: Address, reason: String) -> ContractResult<()> {
        let mut tender = load(tender_id)?;
        require_buyer(&tender)?;
        require!(
            matches!(tender.stage, Stage::Qualification | Stage::Standstill),
            "cannot reject: tender {tender_id} is {:?}",
            tender.stage
        );
        require!(!reason.trim().is_empty(), "a rejection needs a reason");
        if let Some(award) = &tender.award {
            require!(env::block_time() < award.standstill_ends, "the standstill period is over: the award stands");
        }
        let mut record = BIDS.get(&(tender_id, bidder)).ok_or("no bid from this bidder")?;
        require!(record.price.is_some(), "the bid was never revealed");
        require!(record.rejection.is_none(), "the bidder is already rejected");
        record.rejection = Some(reason.clone());
        BIDS.set(&(tender_id, bidder), &record);
        emit(BIDDER_REJECTED, &BidderRejected { tender_id, bidder, reason });
        if tender.award.as_ref().is_some_and(|a| a.bidder == bidder) {
            tender.award = None;
            tender.stage = Stage::Qualification;
            emit(AWARD_REVOKED, &BidderEvent { tender_id, bidder });
        }
        if ranking(&bids_of(tender_id)).is_empty() {
            close_unsuccessful(&mut tender, "every valid bid was rejected");
        }
        TENDERS.set(&tender_id, &tender);
        Ok(())
    }

    /// Awards the tender to the best-ranked qualified bid and starts the
    /// standstill period.
    pub fn award(tender_id: u64) -> ContractResult<Award> {
        let mut tender = load(tender_id)?;
        require_buyer(&tender)?;
        require_stage(&tender, Stage::Qualification, "award")?;
        let bids = bids_of(tender_id);
        let winner = *ranking(&bids).first().ok_or("no qualified bid remains")?;
        let now = env::block_time();
        let award = Award {
            bidder: winner.bidder,
            price: winner.price.expect("ranked bids are revealed"),
            awarded_at: now,
            standstill_ends: now + tender.params.standstill_secs,
        };
        tender.award = Some(award.clone());
        tender.stage = Stage::Standstill;
        TENDERS.set(&tender_id, &tender);
        emit(
            AWARD_MADE,
            &AwardMade { tender_id, bidder: award.bidder, price: award.price, standstill_ends: award.standstill_ends },
        );
        Ok(award)
    }

    /// A bidder in the tender complains during standstill; the award is
    /// suspended until the buyer resolves the complaint.
    pub fn complain(tender_id: u64, reason: String) -> ContractResult<()> {
        let mut tender = load(tender_id)?;
        require_stage(&tender, Stage::Standstill, "complain")?;
        let complainant = env::caller();
        require!(BIDS.has(&(tender_id, complainant)), "only a bidder in this tender may complain");
        let ends = tender.award.as_ref().map_or(0, |a| a.standstill_ends);
        require!(env::block_time() < ends, "the standstill period is over");
        require!(!reason.trim().is_empty(), "a complaint needs a reason");
        tender.stage = Stage::Suspended;
        tender.open_complaint = Some(complainant);
        TENDERS.set(&tender_id, &tender);
        emit(COMPLAINT_FILED, &ComplaintFiled { tender_id, complainant, reason });
        Ok(())
    }

    /// The buyer resolves the open complaint. Upheld: the award is revoked
    /// and qualification resumes. Dismissed: the standstill resumes.
    pub fn resolve_complaint(tender_id: u64, upheld: bool, note: String) -> ContractResult<()> {
        let mut tender = load(tender_id)?;
        require_buyer(&tender)?;
        require_stage(&tender, Stage::Suspended, "resolve a complaint")?;
        tender.open_complaint = None;
        if upheld {
            let revoked = tender.award.take().map(|a| a.bidder);
            tender.stage = Stage::Qualification;
            if let Some(bidder) = revoked {
                emit(AWARD_REVOKED, &BidderEvent { tender_id, bidder });
            }
        } else {
            tender.stage = Stage::Standstill;
        }
        TENDERS.set(&tender_id, &tender);
        emit(COMPLAINT_RESOLVED, &ComplaintResolved { tender_id, upheld, note });
        Ok(())
    }

    /// After the standstill with no open complaint, the award becomes final.
    /// Anyone may call.
    pub fn finalize(tender_id: u64) -> ContractResult<Award> {
        let mut tender = load(tender_id)?;
        require_stage(&tender, Stage::Standstill, "finalize")?;
        let award = tender.award.clone().ok_or("no award to finalize")?;
        require!(env::block_time() >= award.standstill_ends, "the standstill period has not ended");
        tender.stage = Stage::Awarded;
        TENDERS.set(&tender_id, &tender);
        emit(
            AWARD_FINAL,
            &AwardMade { tender_id, bidder: award.bidder, price: award.price, standstill_ends: award.standstill_ends },
        );
        Ok(award)
    }

    /// The buyer cancels the tender, with a reason, any time before an award.
    pub fn cancel(tender_id: u64, reason: String) -> ContractResult<()> {
        let mut tender = load(tender_id)?;
        require_buyer(&tender)?;
        require!(
            matches!(tender.stage, Stage::Open | Stage::Qualification),
            "cannot cancel: tender {tender_id} is {:?}",
            tender.stage
        );
        require!(!reason.trim().is_empty(), "a cancellation needs a reason");
        tender.stage = Stage::Cancelled;
        tender.cancel_reason = Some(reason.clone());
        TENDERS.set(&tender_id, &tender);
        emit(TENDER_CANCELLED, &TenderClosed { tender_id, reason });
        Ok(())
    }

    #[view]
    pub fn tender(tender_id: u64) -> ContractResult<Tender> {
        load(tender_id)
    }

    /// Every bid of a tender, in bidder order; prices appear only once
    /// revealed.
    #[view]
    pub fn bids(tender_id: u64) -> ContractResult<Vec<BidRecord>> {
        load(tender_id)?;
        Ok(bids_of(tender_id))
    }

    #[view]
    pub fn tender_count() -> ContractResult<u64> {
        Ok(NEXT_TENDER_ID.load().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests;
