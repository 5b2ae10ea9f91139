//! `procura-state`: the authenticated state. Every account, code blob,
//! contract record and contract storage entry lives under one Jellyfish
//! Merkle root (the `jmt` crate, sha256), versioned by block height, so the
//! state at any past height can be read and proven.
//!
//! JMT keys are hashed, so it cannot iterate in key order; contracts need
//! ordered prefix iteration. The store therefore also keeps the latest value
//! of every plain key in an ordered map ("latest"), written in the same
//! atomic commit as the tree. Execution reads "latest"; proofs and reads at
//! past heights go through the tree.

pub mod keys;
pub mod proof;
pub mod store;

pub use keys::{Account, ContractInfo, StateKey};
pub use proof::{verify_proof, StateProof};
pub use store::{compute_update, MemStateStore, StateStore, StateUpdate};

pub type Version = u64;
