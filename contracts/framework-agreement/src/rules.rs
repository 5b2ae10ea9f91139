//! The award rules, pure functions over stored bids: who ranks where, which
//! suppliers a framework admits, who wins a call-off.

use crate::types::{BidRecord, Supplier};
use alloc::vec::Vec;

/// Valid bids (revealed, not rejected), best first: lowest price, then the
/// earlier commitment.
pub fn ranking(bids: &[BidRecord]) -> Vec<&BidRecord> {
    let mut valid: Vec<&BidRecord> = bids.iter().filter(|b| b.price.is_some() && b.rejection.is_none()).collect();
    valid.sort_by_key(|b| (b.price, b.seq));
    valid
}

/// The suppliers a framework admits: the `max_suppliers` best valid bids.
pub fn select_suppliers(bids: &[BidRecord], max_suppliers: u32) -> Vec<Supplier> {
    ranking(bids)
        .into_iter()
        .take(max_suppliers as usize)
        .enumerate()
        .map(|(i, b)| Supplier {
            address: b.bidder,
            price: b.price.expect("ranked bids are revealed"),
            rank: i as u32 + 1,
        })
        .collect()
}

/// A call-off's winner: the best valid bid, if any.
pub fn call_off_winner(bids: &[BidRecord]) -> Option<&BidRecord> {
    ranking(bids).into_iter().next()
}
