//! `procura-node`: turns the VM and the chain types into a running node.
//!
//! - [`executor`]: runs a block's transactions in order (proposer and
//!   validators alike) and produces receipts and the state update.
//! - [`chain`]: the database-backed chain: genesis, produce, apply.
//! - [`cluster`]: `procura node --config` files and `procura cluster init`.
//! - [`consensus`]: block ordering, solo or replicated (BFT), through one seam.
//! - [`mempool`], [`api`] (HTTP JSON), [`node`] (the process), [`genesis`].
//! - [`audit`]: re-execute and check a whole chain from genesis.
//! - [`export`]: the portable chain file (export, import).
//! - [`static_files`]: the browser app the API serves at `/`.
//! - [`ocds`]: Open Contracting Data Standard in (replay published tenders
//!   through `open-tender`) and out (release and record packages).

pub mod api;
pub mod audit;
pub mod bench;
pub mod chain;
pub mod cluster;
pub mod consensus;
pub mod executor;
pub mod export;
pub mod genesis;
pub mod history;
pub mod keys;
pub mod limits;
pub mod load;
pub mod mempool;
pub mod node;
pub mod ocds;
pub mod static_files;
