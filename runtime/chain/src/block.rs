//! Blocks: a header signed by its proposer, hash-linked to its parent, and
//! committing to its transactions, its receipts and the state after it.

use crate::merkle::merkle_root;
use crate::receipt::Receipt;
use crate::tx::SignedTransaction;
use borsh::{BorshDeserialize, BorshSerialize};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use procura_primitives::Hash32;
use sha2::{Digest, Sha256};
use thiserror::Error;

const HEADER_DOMAIN: &[u8] = b"procura/header/v1";

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BlockHeader {
    pub height: u64,
    pub prev_hash: Hash32,
    /// Unix seconds, chosen by the proposer; never earlier than the parent's.
    pub timestamp: u64,
    /// The proposer's ed25519 public key.
    pub proposer: [u8; 32],
    pub tx_root: Hash32,
    pub state_root: Hash32,
    pub receipts_root: Hash32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SignedHeader {
    pub header: BlockHeader,
    pub signature: [u8; 64],
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Block {
    pub header: SignedHeader,
    pub txs: Vec<SignedTransaction>,
}

/// Why a block does not fit on its parent or does not match its contents.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BlockError {
    #[error("block {height}: expected height {expected}")]
    Height { height: u64, expected: u64 },
    #[error("block {height}: its parent is at the last possible height")]
    NoSuccessor { height: u64 },
    #[error("block {height}: previous hash does not match the parent")]
    PrevHash { height: u64 },
    #[error("block {height}: timestamp {found} is earlier than the parent's {parent}")]
    Timestamp { height: u64, found: u64, parent: u64 },
    #[error("block {height}: bad proposer signature")]
    Signature { height: u64 },
    #[error("block {height}: tx root does not match its transactions")]
    TxRoot { height: u64 },
}

impl BlockHeader {
    pub fn hash(&self) -> Hash32 {
        Sha256::digest(borsh::to_vec(self).expect("encodes")).into()
    }

    fn signing_bytes(&self) -> Vec<u8> {
        let mut bytes = HEADER_DOMAIN.to_vec();
        bytes.extend_from_slice(&self.hash());
        bytes
    }

    pub fn sign(self, key: &SigningKey) -> SignedHeader {
        let signature = key.sign(&self.signing_bytes()).to_bytes();
        SignedHeader { header: self, signature }
    }
}

impl SignedHeader {
    pub fn hash(&self) -> Hash32 {
        self.header.hash()
    }

    pub fn verify_signature(&self) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.header.proposer) else { return false };
        key.verify_strict(&self.header.signing_bytes(), &ed25519_dalek::Signature::from_bytes(&self.signature)).is_ok()
    }
}

pub fn tx_root(txs: &[SignedTransaction]) -> Hash32 {
    merkle_root(txs.iter().map(|t| t.hash()))
}

pub fn receipts_root(receipts: &[Receipt]) -> Hash32 {
    merkle_root(receipts.iter().map(|r| Sha256::digest(borsh::to_vec(r).expect("encodes")).into()))
}

impl Block {
    pub fn height(&self) -> u64 {
        self.header.header.height
    }

    /// Checks what can be checked without executing: linkage to the parent,
    /// monotonic time, the proposer's signature and the tx root. Roots of
    /// state and receipts are checked by re-execution.
    pub fn check_against_parent(&self, parent: &BlockHeader) -> Result<(), BlockError> {
        let h = &self.header.header;
        // A header from elsewhere may claim any height, u64::MAX included
        // (found by the block_check fuzz target: the `+ 1` overflowed).
        let expected = parent.height.checked_add(1).ok_or(BlockError::NoSuccessor { height: h.height })?;
        if h.height != expected {
            return Err(BlockError::Height { height: h.height, expected });
        }
        if h.prev_hash != parent.hash() {
            return Err(BlockError::PrevHash { height: h.height });
        }
        if h.timestamp < parent.timestamp {
            return Err(BlockError::Timestamp { height: h.height, found: h.timestamp, parent: parent.timestamp });
        }
        if !self.header.verify_signature() {
            return Err(BlockError::Signature { height: h.height });
        }
        if tx_root(&self.txs) != h.tx_root {
            return Err(BlockError::TxRoot { height: h.height });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tx::{Action, Transaction};
    use procura_primitives::Address;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn genesis() -> BlockHeader {
        BlockHeader {
            height: 0,
            prev_hash: [0; 32],
            timestamp: 100,
            proposer: key(1).verifying_key().to_bytes(),
            tx_root: merkle_root(std::iter::empty()),
            state_root: [0; 32],
            receipts_root: merkle_root(std::iter::empty()),
        }
    }

    fn child(parent: &BlockHeader, txs: Vec<SignedTransaction>) -> Block {
        let header = BlockHeader {
            height: parent.height + 1,
            prev_hash: parent.hash(),
            timestamp: parent.timestamp + 1,
            proposer: key(1).verifying_key().to_bytes(),
            tx_root: tx_root(&txs),
            state_root: [1; 32],
            receipts_root: [2; 32],
        };
        Block { header: header.sign(&key(1)), txs }
    }

    fn a_tx(nonce: u64) -> SignedTransaction {
        let k = key(3);
        Transaction {
            chain_id: "c".into(),
            signer: k.verifying_key().to_bytes(),
            nonce,
            gas_limit: 1,
            action: Action::Call { contract: Address([1; 32]), method: "m".into(), args: vec![] },
        }
        .sign(&k)
    }

    #[test]
    fn a_well_formed_child_fits_its_parent() {
        let g = genesis();
        let b = child(&g, vec![a_tx(0), a_tx(1)]);
        assert_eq!(b.check_against_parent(&g), Ok(()));
        let round_trip: Block = borsh::from_slice(&borsh::to_vec(&b).unwrap()).unwrap();
        assert_eq!(round_trip, b);
    }

    #[test]
    fn each_inconsistency_is_named() {
        let g = genesis();
        let good = child(&g, vec![a_tx(0)]);
        let resign = |mut b: Block, f: fn(&mut BlockHeader)| {
            f(&mut b.header.header);
            b.header = b.header.header.clone().sign(&key(1));
            b.check_against_parent(&g).unwrap_err()
        };
        assert_eq!(resign(good.clone(), |h| h.height = 5), BlockError::Height { height: 5, expected: 1 });
        assert_eq!(resign(good.clone(), |h| h.prev_hash = [9; 32]), BlockError::PrevHash { height: 1 });
        assert!(matches!(resign(good.clone(), |h| h.timestamp = 99), BlockError::Timestamp { .. }));
        let mut unsigned = good.clone();
        unsigned.header.header.state_root = [7; 32];
        assert_eq!(unsigned.check_against_parent(&g), Err(BlockError::Signature { height: 1 }));
        let mut last = g.clone();
        last.height = u64::MAX;
        assert_eq!(good.check_against_parent(&last), Err(BlockError::NoSuccessor { height: 1 }));
        let mut extra_tx = good;
        extra_tx.txs.push(a_tx(1));
        assert_eq!(extra_tx.check_against_parent(&g), Err(BlockError::TxRoot { height: 1 }));
    }
}
