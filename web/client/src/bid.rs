//! The sealed bid: `sha256(borsh(bid) || salt)`, as procurement-core's
//! `commitment` computes it in the contract. The bid is Borsh-encoded by the
//! contract's own ABI (the `Bid` type it publishes), so the page needs no
//! hand-written layout.

use crate::{hexutil, WebError};
use procura_abi::ContractAbi;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub fn commitment(abi: &ContractAbi, bid_type: &str, bid: &Value, salt_hex: &str) -> Result<[u8; 32], WebError> {
    let salt = hexutil::array::<32>("salt", salt_hex)?;
    let mut bytes = abi.encode(bid_type, bid)?;
    bytes.extend_from_slice(&salt);
    Ok(Sha256::digest(&bytes).into())
}
