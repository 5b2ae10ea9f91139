//! Sealed bidding shared by stage 1 and the call-offs: one live commitment
//! per bidder, replace or withdraw before the deadline, reveal between the
//! deadlines, rejection with a reason. Callers check roles and stages.

use crate::types::BidRecord;
use alloc::string::String;
use procura_sdk::{env, require, Address, ContractResult, Map};

pub type Bids = Map<(u64, Address), BidRecord>;

/// Sequencing of one competition's commitments.
pub struct Counters<'a> {
    pub next_seq: &'a mut u64,
    pub live_bids: &'a mut u32,
}

pub fn require_before(deadline: u64, what: &str) -> ContractResult<()> {
    require!(env::block_time() < deadline, "cannot {what}: the bid deadline has passed");
    Ok(())
}

pub fn require_reveal_window(bid_deadline: u64, reveal_deadline: u64) -> ContractResult<()> {
    let now = env::block_time();
    require!(now >= bid_deadline, "reveals open at the bid deadline");
    require!(now < reveal_deadline, "the reveal deadline has passed");
    Ok(())
}

/// Stores (or replaces) `bidder`'s commitment; returns its sequence number
/// and whether it replaced an earlier one. A replacement goes to the back of
/// the queue: ties go to the earlier commitment.
pub fn submit(bids: &Bids, id: u64, c: Counters, bidder: Address, commitment: [u8; 32]) -> (u64, bool) {
    let replaced = bids.has(&(id, bidder));
    let seq = *c.next_seq;
    *c.next_seq += 1;
    if !replaced {
        *c.live_bids += 1;
    }
    let record = BidRecord { bidder, commitment, seq, submitted_at: env::block_time(), price: None, rejection: None };
    bids.set(&(id, bidder), &record);
    (seq, replaced)
}

pub fn withdraw(bids: &Bids, id: u64, live_bids: &mut u32, bidder: Address) -> ContractResult<()> {
    require!(bids.remove(&(id, bidder)), "no bid from this caller in competition {id}");
    *live_bids -= 1;
    Ok(())
}

/// Records the revealed price if `sealed` (the recomputed commitment)
/// matches and the price is within `(0, max_price]`.
pub fn reveal(
    bids: &Bids,
    id: u64,
    bidder: Address,
    sealed: [u8; 32],
    price: u128,
    max_price: u128,
) -> ContractResult<()> {
    let mut record = bids.get(&(id, bidder)).ok_or("no bid from this caller")?;
    require!(record.price.is_none(), "bid already revealed");
    require!(sealed == record.commitment, "the revealed bid does not match the commitment");
    require!(price > 0, "the price must be positive");
    require!(price <= max_price, "the price exceeds the maximum of {max_price}");
    record.price = Some(price);
    bids.set(&(id, bidder), &record);
    Ok(())
}

pub fn reject(bids: &Bids, id: u64, bidder: Address, reason: &str) -> ContractResult<()> {
    procurement_core::check_reason("a rejection", reason)?;
    let mut record = bids.get(&(id, bidder)).ok_or("no bid from this bidder")?;
    require!(record.price.is_some(), "the bid was never revealed");
    require!(record.rejection.is_none(), "the bidder is already rejected");
    record.rejection = Some(String::from(reason));
    bids.set(&(id, bidder), &record);
    Ok(())
}
