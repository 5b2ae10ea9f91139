//! Inclusion and non-inclusion proofs a client verifies offline against a
//! block's state root.

use crate::store::key_hash;
use crate::Version;
use borsh::{BorshDeserialize, BorshSerialize};
use jmt::proof::SparseMerkleProof;
use jmt::storage::TreeReader;
use jmt::{RootHash, Sha256Jmt};
use procura_primitives::Hash32;
use sha2::Sha256;

/// A plain key's value (or its absence) at a version, with the proof.
#[derive(BorshSerialize, BorshDeserialize)]
pub struct StateProof {
    pub key: Vec<u8>,
    pub version: Version,
    pub value: Option<Vec<u8>>,
    pub proof: SparseMerkleProof<Sha256>,
}

impl StateProof {
    pub fn read(store: &impl TreeReader, key: &[u8], version: Version) -> anyhow::Result<Self> {
        let (value, proof) = Sha256Jmt::new(store).get_with_proof(key_hash(key), version)?;
        Ok(StateProof { key: key.to_vec(), version, value, proof })
    }

    pub fn encode(&self) -> Vec<u8> {
        borsh::to_vec(self).expect("encodes")
    }
}

/// Checks that `proof` shows its key holding its value (or nothing) under
/// `state_root`. Needs nothing but the root: this is what a client runs.
pub fn verify_proof(state_root: &Hash32, proof: &StateProof) -> anyhow::Result<()> {
    proof.proof.verify(RootHash(*state_root), key_hash(&proof.key), proof.value.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{compute_update, MemStateStore, StateStore};
    use std::collections::BTreeMap;

    fn changes(pairs: &[(&str, Option<&str>)]) -> BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        pairs.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))).collect()
    }

    fn commit(store: &mut MemStateStore, version: u64, pairs: &[(&str, Option<&str>)]) -> Hash32 {
        let update = compute_update(&*store, version, changes(pairs)).unwrap();
        store.apply(&update);
        update.root
    }

    #[test]
    fn proofs_verify_at_current_and_past_heights_and_tampering_fails() {
        let mut store = MemStateStore::default();
        let root0 = commit(&mut store, 0, &[("alice", Some("10")), ("bob", Some("5"))]);
        let root1 = commit(&mut store, 1, &[("alice", Some("7")), ("carol", Some("1"))]);
        let root2 = commit(&mut store, 2, &[("bob", None)]);
        assert!(root0 != root1 && root1 != root2);

        let now = StateProof::read(&store, b"alice", 2).unwrap();
        assert_eq!(now.value.as_deref(), Some(b"7".as_slice()));
        verify_proof(&root2, &now).unwrap();

        let past = StateProof::read(&store, b"alice", 0).unwrap();
        assert_eq!(past.value.as_deref(), Some(b"10".as_slice()), "old values stay readable");
        verify_proof(&root0, &past).unwrap();
        assert!(verify_proof(&root2, &past).is_err(), "a proof is bound to its root");

        let removed = StateProof::read(&store, b"bob", 2).unwrap();
        assert_eq!(removed.value, None);
        verify_proof(&root2, &removed).unwrap(); // non-inclusion

        let mut forged = StateProof::read(&store, b"alice", 2).unwrap();
        forged.value = Some(b"1000".to_vec());
        assert!(verify_proof(&root2, &forged).is_err());
        let mut absent_claim = StateProof::read(&store, b"alice", 2).unwrap();
        absent_claim.value = None;
        assert!(verify_proof(&root2, &absent_claim).is_err());

        // The proof survives its wire encoding.
        let decoded: StateProof = borsh::from_slice(&now.encode()).unwrap();
        verify_proof(&root2, &decoded).unwrap();
    }

    #[test]
    fn the_root_depends_only_on_content_not_on_history() {
        let mut a = MemStateStore::default();
        commit(&mut a, 0, &[("x", Some("1"))]);
        let ra = commit(&mut a, 1, &[("y", Some("2"))]);
        let mut b = MemStateStore::default();
        commit(&mut b, 0, &[("y", Some("2"))]);
        let rb = commit(&mut b, 1, &[("x", Some("1"))]);
        assert_eq!(ra, rb);
        assert_eq!(a.latest_next(b"", None).unwrap().unwrap().0, b"x");
        assert_eq!(a.latest_next(b"", Some(b"x")).unwrap().unwrap().0, b"y");
    }

    #[test]
    fn an_empty_block_keeps_the_root() {
        let mut store = MemStateStore::default();
        let r0 = commit(&mut store, 0, &[("k", Some("v"))]);
        let r1 = commit(&mut store, 1, &[]);
        assert_eq!(r0, r1);
        verify_proof(&r1, &StateProof::read(&store, b"k", 1).unwrap()).unwrap();
    }
}
