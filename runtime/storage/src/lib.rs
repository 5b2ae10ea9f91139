//! `procura-storage`: the node's database on RocksDB.
//!
//! Schema (column family: key → value; integers big-endian so keys sort
//! numerically):
//!
//! | column family | key | value |
//! |---|---|---|
//! | `meta` | `schema_version` / `head` / `genesis_config` | u32 / u64 height / sha256 of the genesis config |
//! | `blocks` | height u64 | `Block` (Borsh) |
//! | `block_hash` | block hash (32) | height u64 |
//! | `tx_index` | tx hash (32) | height u64 ‖ index u32 |
//! | `receipts` | height u64 ‖ index u32 | `Receipt` (Borsh) |
//! | `jmt_nodes` | `NodeKey` (Borsh) | `Node` (Borsh) |
//! | `jmt_values` | key hash (32) ‖ version u64 | `Option<value>` (Borsh) |
//! | `state_latest` | plain state key | latest value |
//! | `events` | contract (32) ‖ topic len u8 ‖ topic ‖ height u64 ‖ tx u32 ‖ event u32 | `Event` (Borsh) |
//!
//! Contract code lives in the state itself (key `c ‖ code hash`), so it is
//! covered by the state root; compiled modules are files in the VM's cache
//! directory inside the data directory.
//!
//! One block is one `WriteBatch` written with WAL sync, and the head pointer
//! moves in the same batch: after a crash the database opens at the last
//! fully committed block.

mod db;
mod latest_cache;
pub use db::{cf, BlockCommit, Db, RawEntries, StorageError, SCHEMA_VERSION};
