//! Abnormally low tenders (Directive 2014/24/EU Art. 69): a leading price far
//! below the others is flagged, and the lot cannot be awarded to it until the
//! bidder explains the price and the buyer accepts the explanation (or the
//! buyer rejects the bid, which moves the lot to the next-ranked bid).

use crate::events::*;
use crate::store::*;
use crate::types::*;
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, Address, ContractResult};

/// Flag when the price is at least 40% below the (floor) mean of the other
/// valid bids, or at least 30% below the next-ranked bid:
/// `price * 10 <= mean * 6` or `price * 10 <= next * 7`. Needs another bid.
pub fn is_abnormally_low(price: u128, others: &[u128], next_price: u128) -> bool {
    if others.is_empty() {
        return false;
    }
    let mean = others.iter().sum::<u128>() / others.len() as u128;
    price * 10 <= mean * 6 || price * 10 <= next_price * 7
}

/// Checks the lot's leading bid (`ranked[0]`); flags it (event) if it is
/// abnormally low and was never flagged. Returns the updated record.
pub fn check_leader(lot: &Lot, ranked: &[RankedBid]) -> ContractResult<()> {
    let Some(leader) = ranked.first() else { return Ok(()) };
    let mut record = load_bid(lot, leader.bidder)?;
    if record.price_check != PriceCheck::NotFlagged || ranked.len() < 2 {
        return Ok(());
    }
    let others: Vec<u128> = ranked[1..].iter().map(|r| r.price).collect();
    if is_abnormally_low(leader.price, &others, ranked[1].price) {
        record.price_check = PriceCheck::Flagged;
        save_bid(lot, &record);
        emit(
            ABNORMALLY_LOW_FLAGGED,
            &AbnormallyLow {
                tender_id: lot.tender_id,
                lot_id: lot.id,
                bidder: leader.bidder,
                price: leader.price,
                others_mean: others.iter().sum::<u128>() / others.len() as u128,
                next_price: ranked[1].price,
            },
        );
    }
    Ok(())
}

/// The flagged bidder explains its price (hash of the explanation document).
pub fn explain(tender_id: u64, lot_id: u32, document_hash: [u8; 32]) -> ContractResult<()> {
    let lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Qualification], "explain a price")?;
    let bidder = env::caller();
    let mut record = load_bid(&lot, bidder)?;
    require!(record.rejection.is_none(), "the bid was rejected");
    require!(
        matches!(record.price_check, PriceCheck::Flagged | PriceCheck::Explained(_)),
        "the price of this bid was not flagged as abnormally low"
    );
    record.price_check = PriceCheck::Explained(document_hash);
    save_bid(&lot, &record);
    emit(PRICE_EXPLAINED, &PriceExplained { tender_id, lot_id, bidder, document_hash });
    Ok(())
}

/// The buyer accepts the explanation: the bid may be awarded.
pub fn accept(tender_id: u64, lot_id: u32, bidder: Address) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    require_buyer(&tender)?;
    let lot = load_lot(tender_id, lot_id)?;
    require_status(&lot, &[LotStatus::Qualification], "accept an explanation")?;
    let mut record = load_bid(&lot, bidder)?;
    require!(matches!(record.price_check, PriceCheck::Explained(_)), "the bidder has not explained its price");
    record.price_check = PriceCheck::Accepted;
    save_bid(&lot, &record);
    emit(EXPLANATION_ACCEPTED, &BidderEvent { tender_id, lot_id, bidder });
    Ok(())
}
