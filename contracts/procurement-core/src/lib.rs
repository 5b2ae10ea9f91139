//! Rules every procurement contract shares, so that a commitment, a
//! procedure preset or a currency check means the same thing in the open
//! tender, the framework agreement and the call-offs.
#![no_std]
extern crate alloc;

pub mod presets;

use alloc::string::String;
use borsh::BorshSerialize;
pub use presets::{AwardCriterion, Preset, Procedure, DAY};
use procura_sdk::{require, ContractResult};

/// `sha256(borsh(bid) || salt)`: the sealed form of a bid. The bid type
/// should name the tender (and lot) and the bidder, so a commitment cannot be
/// copied by another bidder or replayed elsewhere.
pub fn commitment<B: BorshSerialize>(bid: &B, salt: &[u8; 32]) -> [u8; 32] {
    let mut bytes = borsh::to_vec(bid).expect("a bid always encodes");
    bytes.extend_from_slice(salt);
    procura_sdk::host::sha256(&bytes)
}

/// ISO 4217 codes are three upper-case letters (e.g. "EUR", "UAH").
pub fn check_currency(currency: &str) -> ContractResult<()> {
    require!(
        currency.len() == 3 && currency.bytes().all(|c| c.is_ascii_uppercase()),
        "currency must be an ISO 4217 code such as EUR, not {currency:?}"
    );
    Ok(())
}

/// A reason (for a rejection, cancellation, debarment...) must say something.
pub fn check_reason(what: &str, reason: &str) -> ContractResult<()> {
    require!(!reason.trim().is_empty(), "{what} needs a reason");
    require!(
        reason.len() <= 4096,
        "{what}: the reason is longer than 4096 bytes; publish it off-chain and give its hash"
    );
    Ok(())
}

/// Trims and bounds a free-text field stored on-chain.
pub fn bounded_text(what: &str, text: String, max: usize) -> ContractResult<String> {
    require!(text.len() <= max, "{what} is longer than {max} bytes");
    Ok(text)
}
