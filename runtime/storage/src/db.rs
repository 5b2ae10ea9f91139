use crate::latest_cache::{LatestCache, Run};
use borsh::BorshDeserialize;
use jmt::storage::{HasPreimage, LeafNode, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Version};
use procura_chain::{Block, Receipt};
use procura_primitives::{Event, Hash32};
use procura_state::{StateStore, StateUpdate};
use rocksdb::{ColumnFamilyDescriptor, Direction, IteratorMode, Options, WriteBatch, WriteOptions, DB};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use thiserror::Error;

/// Bumped whenever the layout above changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

/// Column family names (see the schema in `lib.rs`).
pub mod cf {
    pub const META: &str = "meta";
    pub const BLOCKS: &str = "blocks";
    pub const BLOCK_HASH: &str = "block_hash";
    pub const TX_INDEX: &str = "tx_index";
    pub const RECEIPTS: &str = "receipts";
    pub const JMT_NODES: &str = "jmt_nodes";
    pub const JMT_VALUES: &str = "jmt_values";
    pub const STATE_LATEST: &str = "state_latest";
    pub const EVENTS: &str = "events";
    pub const ALL: [&str; 9] =
        [META, BLOCKS, BLOCK_HASH, TX_INDEX, RECEIPTS, JMT_NODES, JMT_VALUES, STATE_LATEST, EVENTS];
}
use cf::*;

const KEY_SCHEMA: &[u8] = b"schema_version";
const KEY_HEAD: &[u8] = b"head";
const KEY_GENESIS_CONFIG: &[u8] = b"genesis_config";

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("cannot open the database at {path}: {reason} (if a node is running on it, stop it first)")]
    Open { path: PathBuf, reason: rocksdb::Error },
    #[error(
        "the database at {path} was written by schema version {found}; this procura reads version {expected}. \
         Use a new --data directory, or run the procura version that wrote it"
    )]
    Schema { path: PathBuf, found: u32, expected: u32 },
    #[error("database error: {0}")]
    Rocks(#[from] rocksdb::Error),
    #[error("corrupt record in `{cf}`: {detail}")]
    Corrupt { cf: &'static str, detail: String },
}

/// Everything one block writes, committed atomically.
pub struct BlockCommit<'a> {
    pub block: &'a Block,
    pub receipts: &'a [Receipt],
    pub state: &'a StateUpdate,
}

pub struct Db {
    db: DB,
    path: PathBuf,
    /// Whether each block's batch is fsync'd (see [`Db::set_sync_writes`]).
    sync: AtomicBool,
    /// Point reads of `state_latest`, answered from memory when repeated.
    latest: LatestCache,
}

/// One column family's entries in key order, as stored (see [`Db::entries`]).
pub type RawEntries<'a> = Box<dyn Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), StorageError>> + 'a>;

fn be64(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

fn decode<T: BorshDeserialize>(cf: &'static str, bytes: &[u8]) -> Result<T, StorageError> {
    borsh::from_slice(bytes).map_err(|e| StorageError::Corrupt { cf, detail: e.to_string() })
}

impl Db {
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        let cfs = ALL.iter().map(|name| ColumnFamilyDescriptor::new(*name, Options::default()));
        let db = DB::open_cf_descriptors(&opts, path, cfs)
            .map_err(|reason| StorageError::Open { path: path.to_path_buf(), reason })?;
        let this = Db { db, path: path.to_path_buf(), sync: AtomicBool::new(true), latest: LatestCache::default() };
        match this.db.get_cf(this.cf(META), KEY_SCHEMA)? {
            None => this.db.put_cf(this.cf(META), KEY_SCHEMA, SCHEMA_VERSION.to_be_bytes())?,
            Some(v) => {
                let found = u32::from_be_bytes(v.as_slice().try_into().unwrap_or([0xff; 4]));
                if found != SCHEMA_VERSION {
                    return Err(StorageError::Schema { path: path.to_path_buf(), found, expected: SCHEMA_VERSION });
                }
            }
        }
        Ok(this)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Turns the per-block fsync off (or back on). Only for databases that
    /// can be rebuilt from elsewhere: an audit's scratch state, or an import
    /// that calls [`Db::sync_wal`] before it declares success.
    pub fn set_sync_writes(&self, sync: bool) {
        self.sync.store(sync, Ordering::Relaxed);
    }

    /// Makes every write so far durable (WAL fsync).
    pub fn sync_wal(&self) -> Result<(), StorageError> {
        Ok(self.db.flush_wal(true)?)
    }

    fn cf(&self, name: &str) -> &rocksdb::ColumnFamily {
        self.db.cf_handle(name).expect("column families are created at open")
    }

    /// sha256 of the genesis configuration this database was created from.
    pub fn genesis_config_hash(&self) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.db.get_cf(self.cf(META), KEY_GENESIS_CONFIG)?)
    }

    /// Records the genesis configuration's hash, once, when genesis is built.
    pub fn set_genesis_config_hash(&self, hash: &[u8; 32]) -> Result<(), StorageError> {
        let mut opts = WriteOptions::default();
        opts.set_sync(true);
        Ok(self.db.put_cf_opt(self.cf(META), KEY_GENESIS_CONFIG, hash, &opts)?)
    }

    /// Height of the last committed block, `None` for an empty database.
    pub fn head(&self) -> Result<Option<u64>, StorageError> {
        Ok(self
            .db
            .get_cf(self.cf(META), KEY_HEAD)?
            .map(|v| u64::from_be_bytes(v.as_slice().try_into().unwrap_or_default())))
    }

    pub fn block(&self, height: u64) -> Result<Option<Block>, StorageError> {
        self.db.get_cf(self.cf(BLOCKS), be64(height))?.map(|b| decode(BLOCKS, &b)).transpose()
    }

    pub fn height_of(&self, block_hash: &Hash32) -> Result<Option<u64>, StorageError> {
        Ok(self
            .db
            .get_cf(self.cf(BLOCK_HASH), block_hash)?
            .map(|v| u64::from_be_bytes(v.as_slice().try_into().unwrap_or_default())))
    }

    /// Where a transaction landed: (height, index in block).
    pub fn tx_location(&self, tx_hash: &Hash32) -> Result<Option<(u64, u32)>, StorageError> {
        Ok(self.db.get_cf(self.cf(TX_INDEX), tx_hash)?.and_then(|v| {
            let h = u64::from_be_bytes(v.get(..8)?.try_into().ok()?);
            let i = u32::from_be_bytes(v.get(8..12)?.try_into().ok()?);
            Some((h, i))
        }))
    }

    pub fn receipt(&self, height: u64, index: u32) -> Result<Option<Receipt>, StorageError> {
        let mut key = be64(height).to_vec();
        key.extend_from_slice(&index.to_be_bytes());
        self.db.get_cf(self.cf(RECEIPTS), key)?.map(|r| decode(RECEIPTS, &r)).transpose()
    }

    pub fn receipts(&self, height: u64) -> Result<Vec<Receipt>, StorageError> {
        let prefix = be64(height);
        let mut out = Vec::new();
        for item in self.db.iterator_cf(self.cf(RECEIPTS), IteratorMode::From(&prefix, Direction::Forward)) {
            let (k, v) = item?;
            if !k.starts_with(&prefix) {
                break;
            }
            out.push(decode(RECEIPTS, &v)?);
        }
        Ok(out)
    }

    /// Events of `contract` with the height and tx index they came from:
    /// of one topic oldest first, or of every topic grouped by topic (oldest
    /// first within each).
    pub fn events(
        &self,
        contract: &procura_primitives::Address,
        topic: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(u64, u32, Event)>, StorageError> {
        let mut prefix = contract.0.to_vec();
        if let Some(t) = topic {
            prefix.push(t.len() as u8);
            prefix.extend_from_slice(t.as_bytes());
        }
        let mut out = Vec::new();
        for item in self.db.iterator_cf(self.cf(EVENTS), IteratorMode::From(&prefix, Direction::Forward)) {
            let (k, v) = item?;
            if !k.starts_with(&prefix) || out.len() >= limit {
                break;
            }
            let n = k.len();
            let height = u64::from_be_bytes(k[n - 16..n - 8].try_into().expect("8 bytes"));
            let tx = u32::from_be_bytes(k[n - 8..n - 4].try_into().expect("4 bytes"));
            out.push((height, tx, decode(EVENTS, &v)?));
        }
        Ok(out)
    }

    /// Writes a whole block atomically, with WAL sync; the head moves with it.
    pub fn commit_block(&self, commit: BlockCommit<'_>) -> Result<(), StorageError> {
        let mut batch = WriteBatch::default();
        let height = commit.block.height();
        let hash = commit.block.header.hash();
        batch.put_cf(self.cf(BLOCKS), be64(height), borsh::to_vec(commit.block).expect("encodes"));
        batch.put_cf(self.cf(BLOCK_HASH), hash, be64(height));
        for (i, tx) in commit.block.txs.iter().enumerate() {
            let mut loc = be64(height).to_vec();
            loc.extend_from_slice(&(i as u32).to_be_bytes());
            batch.put_cf(self.cf(TX_INDEX), tx.hash(), &loc);
        }
        for (i, receipt) in commit.receipts.iter().enumerate() {
            let mut key = be64(height).to_vec();
            key.extend_from_slice(&(i as u32).to_be_bytes());
            batch.put_cf(self.cf(RECEIPTS), &key, borsh::to_vec(receipt).expect("encodes"));
            for (j, event) in receipt.events.iter().enumerate() {
                let mut ek = event.contract.0.to_vec();
                ek.push(event.topic.len() as u8);
                ek.extend_from_slice(event.topic.as_bytes());
                ek.extend_from_slice(&key);
                ek.extend_from_slice(&(j as u32).to_be_bytes());
                batch.put_cf(self.cf(EVENTS), ek, borsh::to_vec(event).expect("encodes"));
            }
        }
        self.put_state(&mut batch, commit.state);
        batch.put_cf(self.cf(META), KEY_HEAD, be64(height));
        let mut opts = WriteOptions::default();
        opts.set_sync(self.sync.load(Ordering::Relaxed));
        let write = self.latest.begin_write(commit.state.latest.keys());
        self.db.write_opt(batch, &opts)?;
        write.succeeded(commit.state.latest.iter());
        Ok(())
    }

    fn put_state(&self, batch: &mut WriteBatch, update: &StateUpdate) {
        for (key, node) in update.tree.node_batch.nodes() {
            batch.put_cf(
                self.cf(JMT_NODES),
                borsh::to_vec(key).expect("encodes"),
                borsh::to_vec(node).expect("encodes"),
            );
        }
        for ((version, key_hash), value) in update.tree.node_batch.values() {
            let mut k = key_hash.0.to_vec();
            k.extend_from_slice(&be64(*version));
            batch.put_cf(self.cf(JMT_VALUES), k, borsh::to_vec(value).expect("encodes"));
        }
        for (key, value) in &update.latest {
            match value {
                Some(v) => batch.put_cf(self.cf(STATE_LATEST), key, v),
                None => batch.delete_cf(self.cf(STATE_LATEST), key),
            }
        }
    }

    /// Every entry of column family `cf` (one of [`cf::ALL`]) in key order,
    /// exactly as stored. The audit compares a stored database with its
    /// re-execution through this.
    pub fn entries(&self, cf: &str) -> RawEntries<'_> {
        Box::new(self.db.iterator_cf(self.cf(cf), IteratorMode::Start).map(|item| item.map_err(StorageError::from)))
    }

    /// Test support for the auditor's tamper tests: writes raw bytes under
    /// a key of column family `cf`, bypassing every encoding and check.
    #[doc(hidden)]
    pub fn raw_put(&self, cf: &str, key: &[u8], value: &[u8]) -> Result<(), StorageError> {
        self.db.put_cf(self.cf(cf), key, value)?;
        self.latest.clear();
        Ok(())
    }

    /// Benchmark support (`procura bench`, on a scratch database): one
    /// `WriteBatch` of raw entries into `cf`, with the WAL fsync'd as a
    /// block commit is.
    #[doc(hidden)]
    pub fn write_synced_batch(&self, cf: &str, entries: &[(Vec<u8>, Vec<u8>)]) -> Result<(), StorageError> {
        let mut batch = rocksdb::WriteBatch::default();
        for (k, v) in entries {
            batch.put_cf(self.cf(cf), k, v);
        }
        let mut opts = rocksdb::WriteOptions::default();
        opts.set_sync(true);
        self.db.write_opt(batch, &opts)?;
        self.latest.clear();
        Ok(())
    }

    /// Test support for the tamper tests: the raw bytes under `key` of `cf`.
    #[doc(hidden)]
    pub fn raw_get(&self, cf: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.db.get_cf(self.cf(cf), key)?)
    }
}

impl TreeReader for Db {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let key = borsh::to_vec(node_key)?;
        match self.db.get_cf(self.cf(JMT_NODES), key)? {
            Some(v) => Ok(Some(decode(JMT_NODES, &v)?)),
            None => Ok(None),
        }
    }

    fn get_value_option(&self, max_version: Version, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        let mut seek = key_hash.0.to_vec();
        seek.extend_from_slice(&be64(max_version));
        let mut iter = self.db.iterator_cf(self.cf(JMT_VALUES), IteratorMode::From(&seek, Direction::Reverse));
        match iter.next() {
            Some(item) => {
                let (k, v) = item?;
                if !k.starts_with(&key_hash.0) {
                    return Ok(None);
                }
                Ok(decode::<Option<OwnedValue>>(JMT_VALUES, &v)?)
            }
            None => Ok(None),
        }
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        anyhow::bail!("tree restore is not supported")
    }
}

impl HasPreimage for Db {
    fn preimage(&self, _key_hash: KeyHash) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(None)
    }
}

impl StateStore for Db {
    fn latest(&self, key: &[u8]) -> anyhow::Result<Option<Vec<u8>>> {
        if let Some(value) = self.latest.get(key) {
            return Ok(value);
        }
        let ticket = self.latest.ticket();
        let value = self.db.get_cf(self.cf(STATE_LATEST), key)?;
        self.latest.offer(ticket, key, &value);
        Ok(value)
    }

    fn latest_next(&self, prefix: &[u8], after: Option<&[u8]>) -> anyhow::Result<Option<(Vec<u8>, Vec<u8>)>> {
        if let Some(found) = self.latest.next(prefix, after) {
            return Ok(found);
        }
        let start: &[u8] = match after {
            Some(a) if a >= prefix => a,
            _ => prefix,
        };
        // Read a run ahead: a contract walking a map asks for the next
        // entry again and again, and one iterator serves many steps.
        let ticket = self.latest.ticket();
        let mut run = Run::new(prefix, after);
        let mut iter = self.db.iterator_cf(self.cf(STATE_LATEST), IteratorMode::From(start, Direction::Forward));
        loop {
            let Some(item) = iter.next() else {
                run.complete();
                break;
            };
            let (k, v) = item?;
            if !k.starts_with(prefix) {
                run.complete();
                break;
            }
            if after.is_some_and(|a| &*k <= a) {
                continue;
            }
            if !run.push(&k, &v) {
                break;
            }
        }
        let first = run.first();
        self.latest.offer_run(ticket, run);
        Ok(first)
    }

    fn version(&self) -> anyhow::Result<Option<Version>> {
        Ok(self.head()?)
    }
}
