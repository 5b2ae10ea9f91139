//! Admission: the checks a transaction passes before it may enter a block.
//! They read state but never change it, and each refusal is typed.

use crate::tx::{Action, SignedTransaction};
use procura_primitives::{to_hex, Address, Hash32};
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AdmissionError {
    #[error("transaction is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("transaction bytes do not decode: {0}")]
    Undecodable(String),
    #[error("wrong chain id: this chain is `{expected}`, the transaction names `{found}`")]
    WrongChain { expected: String, found: String },
    #[error("bad signature: the signature does not match the signer's key and the transaction")]
    BadSignature,
    #[error("stale nonce {found}: the account's next nonce is {expected}")]
    StaleNonce { expected: u64, found: u64 },
    #[error("future nonce {found}: the account's next nonce is {expected}")]
    FutureNonce { expected: u64, found: u64 },
    #[error("gas limit {gas} is above the block gas limit {limit}")]
    GasAboveBlockLimit { gas: u64, limit: u64 },
    #[error("gas limit must be positive")]
    ZeroGas,
    #[error("unknown code {0}: upload it first")]
    UnknownCode(String),
    #[error("unknown contract {0}")]
    UnknownContract(String),
}

/// Chain parameters admission enforces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionRules {
    pub chain_id: String,
    pub block_gas_limit: u64,
    pub max_tx_bytes: usize,
}

/// What admission needs to know about current state (including
/// transactions already accepted into the mempool).
pub trait AccountView {
    fn next_nonce(&self, account: &Address) -> u64;
    fn has_code(&self, code_hash: &Hash32) -> bool;
    fn has_contract(&self, contract: &Address) -> bool;
}

/// Decodes and checks a transaction, cheapest checks first.
pub fn admit(
    bytes: &[u8],
    rules: &AdmissionRules,
    state: &dyn AccountView,
) -> Result<SignedTransaction, AdmissionError> {
    if bytes.len() > rules.max_tx_bytes {
        return Err(AdmissionError::TooLarge { size: bytes.len(), limit: rules.max_tx_bytes });
    }
    let signed = SignedTransaction::decode(bytes).map_err(|e| AdmissionError::Undecodable(e.to_string()))?;
    check(&signed, rules, state)?;
    Ok(signed)
}

/// The part of admission that needs neither rules nor state: decoding and
/// the signature check (the costliest step by far). The node's API does it
/// before taking the node lock, so it runs beside block production instead
/// of waiting for it; [`admit_prechecked`] then finishes admission.
pub struct Prechecked {
    size: usize,
    decoded: Result<SignedTransaction, String>,
    signature_ok: bool,
}

impl Prechecked {
    pub fn new(bytes: &[u8]) -> Self {
        let decoded = SignedTransaction::decode(bytes).map_err(|e| e.to_string());
        let signature_ok = decoded.as_ref().is_ok_and(SignedTransaction::verify_signature);
        Prechecked { size: bytes.len(), decoded, signature_ok }
    }
}

/// [`admit`] of a [`Prechecked`] transaction: the same checks in the same
/// order, so the same verdict, with the signature already checked.
pub fn admit_prechecked(
    pre: Prechecked,
    rules: &AdmissionRules,
    state: &dyn AccountView,
) -> Result<SignedTransaction, AdmissionError> {
    if pre.size > rules.max_tx_bytes {
        return Err(AdmissionError::TooLarge { size: pre.size, limit: rules.max_tx_bytes });
    }
    let signed = pre.decoded.map_err(AdmissionError::Undecodable)?;
    check_inner(&signed, rules, state, Signature::Known(pre.signature_ok))?;
    Ok(signed)
}

/// The checks of [`admit`] for a transaction already decoded (a block's),
/// without encoding it again: its size is measured, not re-serialised.
pub fn check(
    signed: &SignedTransaction,
    rules: &AdmissionRules,
    state: &dyn AccountView,
) -> Result<(), AdmissionError> {
    check_inner(signed, rules, state, Signature::Verify)
}

/// The checks of [`check`] except the signature, for a caller that has
/// already verified it (the audit replay checks a block's signatures in
/// parallel before applying it). Anyone else: use [`check`].
pub fn check_presigned(
    signed: &SignedTransaction,
    rules: &AdmissionRules,
    state: &dyn AccountView,
) -> Result<(), AdmissionError> {
    check_inner(signed, rules, state, Signature::Presigned)
}

/// How [`check_inner`] treats the signature.
enum Signature {
    Verify,
    /// The caller verified it and vouches that it is good.
    Presigned,
    /// The caller verified it; this is the verdict.
    Known(bool),
}

fn check_inner(
    signed: &SignedTransaction,
    rules: &AdmissionRules,
    state: &dyn AccountView,
    signature: Signature,
) -> Result<(), AdmissionError> {
    let size = borsh::object_length(signed).map_err(|e| AdmissionError::Undecodable(e.to_string()))?;
    if size > rules.max_tx_bytes {
        return Err(AdmissionError::TooLarge { size, limit: rules.max_tx_bytes });
    }
    let tx = &signed.tx;
    if tx.chain_id != rules.chain_id {
        return Err(AdmissionError::WrongChain { expected: rules.chain_id.clone(), found: tx.chain_id.clone() });
    }
    if tx.gas_limit == 0 {
        return Err(AdmissionError::ZeroGas);
    }
    if tx.gas_limit > rules.block_gas_limit {
        return Err(AdmissionError::GasAboveBlockLimit { gas: tx.gas_limit, limit: rules.block_gas_limit });
    }
    let signature_ok = match signature {
        Signature::Verify => signed.verify_signature(),
        Signature::Presigned => true,
        Signature::Known(ok) => ok,
    };
    if !signature_ok {
        return Err(AdmissionError::BadSignature);
    }
    let expected = state.next_nonce(&tx.sender());
    if tx.nonce < expected {
        return Err(AdmissionError::StaleNonce { expected, found: tx.nonce });
    }
    if tx.nonce > expected {
        return Err(AdmissionError::FutureNonce { expected, found: tx.nonce });
    }
    match &tx.action {
        Action::Instantiate { code_hash, .. } if !state.has_code(code_hash) => {
            Err(AdmissionError::UnknownCode(to_hex(code_hash)))
        }
        Action::Call { contract, .. } if !state.has_contract(contract) => {
            Err(AdmissionError::UnknownContract(contract.to_hex()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tx::{account_address, Transaction};
    use ed25519_dalek::SigningKey;
    use std::collections::BTreeMap;

    struct View {
        nonces: BTreeMap<Address, u64>,
        code: Hash32,
        contract: Address,
    }

    impl AccountView for View {
        fn next_nonce(&self, account: &Address) -> u64 {
            self.nonces.get(account).copied().unwrap_or(0)
        }
        fn has_code(&self, code_hash: &Hash32) -> bool {
            *code_hash == self.code
        }
        fn has_contract(&self, contract: &Address) -> bool {
            *contract == self.contract
        }
    }

    fn rules() -> AdmissionRules {
        AdmissionRules { chain_id: "procura-dev".into(), block_gas_limit: 10_000_000, max_tx_bytes: 4096 }
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[5; 32])
    }

    fn view() -> View {
        let mut nonces = BTreeMap::new();
        nonces.insert(account_address(&key().verifying_key().to_bytes()), 3);
        View { nonces, code: [7; 32], contract: Address([8; 32]) }
    }

    fn tx(edit: impl FnOnce(&mut Transaction)) -> Vec<u8> {
        let mut t = Transaction {
            chain_id: "procura-dev".into(),
            signer: key().verifying_key().to_bytes(),
            nonce: 3,
            gas_limit: 1_000_000,
            action: Action::Call { contract: Address([8; 32]), method: "m".into(), args: vec![] },
        };
        edit(&mut t);
        t.sign(&key()).encode()
    }

    #[test]
    fn a_good_transaction_is_admitted() {
        let admitted = admit(&tx(|_| {}), &rules(), &view()).unwrap();
        assert_eq!(admitted.tx.nonce, 3);
        let prechecked = admit_prechecked(Prechecked::new(&tx(|_| {})), &rules(), &view()).unwrap();
        assert_eq!(prechecked, admitted);
    }

    #[test]
    fn every_refusal_is_typed() {
        let (r, v) = (rules(), view());
        let check = |bytes: Vec<u8>| {
            let refused = admit(&bytes, &r, &v).unwrap_err();
            let prechecked = admit_prechecked(Prechecked::new(&bytes), &r, &v).unwrap_err();
            assert_eq!(prechecked, refused, "prechecked admission gives the same verdict");
            refused
        };
        assert_eq!(check(vec![0; 5000]), AdmissionError::TooLarge { size: 5000, limit: 4096 });
        assert!(matches!(check(vec![1, 2, 3]), AdmissionError::Undecodable(_)));
        assert!(matches!(check(tx(|t| t.chain_id = "other".into())), AdmissionError::WrongChain { .. }));
        assert_eq!(check(tx(|t| t.gas_limit = 0)), AdmissionError::ZeroGas);
        assert!(matches!(check(tx(|t| t.gas_limit = 20_000_000)), AdmissionError::GasAboveBlockLimit { .. }));
        assert_eq!(check(tx(|t| t.nonce = 2)), AdmissionError::StaleNonce { expected: 3, found: 2 });
        assert_eq!(check(tx(|t| t.nonce = 4)), AdmissionError::FutureNonce { expected: 3, found: 4 });
        assert!(matches!(
            check(tx(|t| t.action = Action::Call { contract: Address([9; 32]), method: "m".into(), args: vec![] })),
            AdmissionError::UnknownContract(_)
        ));
        assert!(matches!(
            check(tx(|t| t.action = Action::Instantiate { code_hash: [1; 32], init_args: vec![], salt: 0 })),
            AdmissionError::UnknownCode(_)
        ));
        let mut forged = SignedTransaction::decode(&tx(|_| {})).unwrap();
        forged.tx.gas_limit += 1;
        assert_eq!(check(forged.encode()), AdmissionError::BadSignature);
    }
}
