//! Checking a `/v1/state/{key}` answer in the browser: the proof must be for
//! the key asked for and verify against the state root of a block header,
//! with procura-state's own `verify_proof`. The value shown is the one the
//! proof proves, never a separate field of the answer.

use crate::{hexutil, WebError};
use procura_state::{verify_proof, StateProof};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub version: u64,
    /// `None`: the key is proven absent.
    pub value: Option<Vec<u8>>,
}

pub fn verify(state_root_hex: &str, key_hex: &str, proof_hex: &str) -> Result<Verified, WebError> {
    let root = hexutil::array::<32>("state root", state_root_hex)?;
    let key = hexutil::bytes("key", key_hex)?;
    let proof: StateProof = borsh::from_slice(&hexutil::bytes("proof", proof_hex)?).map_err(WebError::ProofEncoding)?;
    if proof.key != key {
        return Err(WebError::ProofKey);
    }
    verify_proof(&root, &proof)
        .map_err(|e| WebError::ProofInvalid { root: hex::encode(root), reason: e.to_string() })?;
    Ok(Verified { version: proof.version, value: proof.value })
}
