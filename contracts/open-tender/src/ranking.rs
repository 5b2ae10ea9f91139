//! The award rule, as pure functions over revealed bids (no storage), so the
//! formula is in one place and easy to audit.
//!
//! - PriceOnly: lowest price first.
//! - CostOnly: lowest price + life-cycle cost first.
//! - RatedCriteria: highest score first, where
//!   `score = price_weight * (lowest_price * 100 / price) + sum(weight_i * mean_i)`
//!   with weights in basis points, `price_weight = 10000 - sum(weight_i)`,
//!   `lowest_price` the lowest price among the valid bids, `mean_i` the
//!   integer mean (rounded down) of the evaluators' scores (0..=100) for
//!   criterion i, and every division rounded down. The maximum is 1_000_000.
//!
//! Ties always go to the earlier commitment (lower sequence number).

use crate::types::RankedBid;
use alloc::vec::Vec;
use core::cmp::Reverse;
use procura_sdk::Address;
use procurement_core::AwardCriterion;

/// A valid bid as the award rule sees it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub bidder: Address,
    pub seq: u64,
    pub price: u128,
    pub life_cycle_cost: u128,
    /// Per-criterion mean scores (RatedCriteria); `None` if nobody scored it.
    pub means: Option<Vec<u32>>,
}

/// Integer mean per criterion of several evaluators' score sheets.
pub fn mean_scores(sheets: &[&[u8]], criteria: usize) -> Option<Vec<u32>> {
    if sheets.is_empty() {
        return None;
    }
    let n = sheets.len() as u32;
    Some((0..criteria).map(|i| sheets.iter().map(|s| s[i] as u32).sum::<u32>() / n).collect())
}

/// The RatedCriteria score of one bid.
pub fn rated_score(price_weight: u32, weights: &[u32], lowest_price: u128, price: u128, means: &[u32]) -> u128 {
    let price_points = lowest_price * 100 / price;
    let quality: u128 = weights.iter().zip(means).map(|(w, m)| *w as u128 * *m as u128).sum();
    price_weight as u128 * price_points + quality
}

/// Ranks valid bids, best first. Under RatedCriteria a bid nobody scored
/// yet stops the ranking: `Err` names its bidder.
pub fn rank(criterion: AwardCriterion, weights: &[u32], entries: Vec<Entry>) -> Result<Vec<RankedBid>, Address> {
    let lowest = entries.iter().map(|e| e.price).min().unwrap_or(1);
    let price_weight = 10_000u32.saturating_sub(weights.iter().sum());
    let mut ranked = Vec::with_capacity(entries.len());
    for e in entries {
        let score = match criterion {
            AwardCriterion::RatedCriteria => {
                let means = e.means.as_ref().ok_or(e.bidder)?;
                Some(rated_score(price_weight, weights, lowest, e.price, means))
            }
            _ => None,
        };
        ranked.push(RankedBid {
            bidder: e.bidder,
            seq: e.seq,
            price: e.price,
            life_cycle_cost: e.life_cycle_cost,
            score,
        });
    }
    match criterion {
        AwardCriterion::PriceOnly => ranked.sort_by_key(|r| (r.price, r.seq)),
        AwardCriterion::CostOnly => ranked.sort_by_key(|r| (r.price + r.life_cycle_cost, r.seq)),
        AwardCriterion::RatedCriteria => ranked.sort_by_key(|r| (Reverse(r.score), r.seq)),
    }
    Ok(ranked)
}
