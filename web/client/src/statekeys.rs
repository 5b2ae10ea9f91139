//! Plain state keys the auditor view asks proofs for: procura-state's
//! layout (`k‖address` contract records, `c‖hash` code, `s‖address‖key`
//! storage) and the SDK's map keys (length-prefixed namespace, then the
//! key's big-endian parts), so `TENDERS[id]` is `s‖contract‖6‖"tender"‖id`.

use crate::{hexutil, WebError};
use procura_primitives::Address;
use procura_state::StateKey;

fn address(hex: &str) -> Result<Address, WebError> {
    Ok(Address(hexutil::array::<32>("address", hex)?))
}

pub fn contract_record(contract_hex: &str) -> Result<Vec<u8>, WebError> {
    Ok(StateKey::contract(&address(contract_hex)?))
}

pub fn code(code_hash_hex: &str) -> Result<Vec<u8>, WebError> {
    Ok(StateKey::code(&hexutil::array::<32>("code hash", code_hash_hex)?))
}

/// A contract storage entry: `namespace` is the SDK map's name, `key_hex`
/// the map key's bytes (`MapKey::to_key`).
pub fn storage(contract_hex: &str, namespace: &str, key_hex: &str) -> Result<Vec<u8>, WebError> {
    let mut k = vec![namespace.len() as u8];
    k.extend_from_slice(namespace.as_bytes());
    k.extend(hexutil::bytes("map key", key_hex)?);
    Ok(StateKey::storage(&address(contract_hex)?, &k))
}
