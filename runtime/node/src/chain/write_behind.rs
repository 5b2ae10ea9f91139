//! Write-behind commits: a block's RocksDB batch is written (and fsync'd)
//! on its own thread while the node builds the next block, so the write is
//! off the producer's path. Three ways in: a block whose update is known
//! ([`InFlight::start`]); a block checked but for its state root, which
//! this thread computes and compares ([`InFlight::start_rooting`], replay);
//! a block produced but for its tree, roots and signature, which this
//! thread finishes ([`InFlight::start_sealing`], the producer).
//!
//! At most two blocks are in flight, and two only when blocks are rooted
//! or sealed behind: a block's tree update may then start while the block
//! before, vouched for, is still being written (the newer writes only
//! after the older is durable). Until a block is durable, the chain reads through it
//! ([`ChainState`]): execution, admission and the next state-tree update
//! see exactly what they would see once it is written.
//! Nothing reads a block's records (receipts, indexes, head) from the
//! database before the write is done, so nothing is reported committed
//! before it is durable; the next commit or [`Chain::flush`] waits for it.

use super::key_filter::{key_hash, KeyFilter};
use super::{same_root, Chain};
use ed25519_dalek::SigningKey;
use jmt::storage::{LeafNode, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Version};
use procura_chain::block::receipts_root;
use procura_chain::merkle::merkle_root;
use procura_chain::{Block, BlockHeader, Receipt, SignedTransaction};
use procura_primitives::Hash32;
use procura_state::{compute_update, StateStore, StateUpdate};
use procura_storage::{BlockCommit, Db};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Plain state keys a block wrote: new values, or `None` for removals.
pub(super) type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// A block's tree update once the commit thread has computed it (or why
/// it could not).
type TreeSlot = Slot<Arc<StateUpdate>>;

/// Something the commit thread hands over while it goes on, or why it
/// could not.
type Slot<T> = Arc<OnceLock<Result<T, String>>>;

/// The state a block in flight leaves behind.
#[derive(Clone)]
pub(super) struct Top {
    layer: Layer,
    /// The keys it writes, once its commit thread has hashed them.
    filter: Arc<OnceLock<KeyFilter>>,
}

#[derive(Clone)]
enum Layer {
    /// Built or checked here: its whole update (writes and tree) is known.
    Computed(Arc<StateUpdate>),
    /// Checked but for its state root, which the commit thread computes
    /// and compares with the header before it writes anything: its writes
    /// are known at once, its tree update once that thread has it.
    Rooting { version: Version, writes: Arc<Writes>, update: TreeSlot },
}

impl Top {
    fn computed(update: Arc<StateUpdate>) -> Self {
        Top { layer: Layer::Computed(update), filter: Arc::default() }
    }

    fn rooting(version: Version, writes: Arc<Writes>, update: TreeSlot) -> Self {
        Top { layer: Layer::Rooting { version, writes, update }, filter: Arc::default() }
    }

    fn version(&self) -> Version {
        match &self.layer {
            Layer::Computed(update) => update.version,
            Layer::Rooting { version, .. } => *version,
        }
    }

    fn writes(&self) -> &Writes {
        match &self.layer {
            Layer::Computed(update) => &update.latest,
            Layer::Rooting { writes, .. } => writes,
        }
    }

    /// Hashes the keys the block writes, for readers to skip it quickly
    /// (see [`KeyFilter`]); its commit thread does this first.
    fn build_filter(&self) {
        self.filter.get_or_init(|| KeyFilter::new(self.writes().keys()));
    }

    /// The value the block writes under `key` (hashed to `hash`), if it
    /// writes one: `Some(None)` for a removal.
    fn written(&self, key: &[u8], hash: u64) -> Option<&Option<Vec<u8>>> {
        if self.filter.get().is_some_and(|filter| !filter.may_hold(hash)) {
            return None;
        }
        self.writes().get(key)
    }

    /// The block's tree update; waits for the commit thread to compute it.
    fn tree(&self) -> anyhow::Result<&StateUpdate> {
        match &self.layer {
            Layer::Computed(update) => Ok(update),
            Layer::Rooting { version, update, .. } => match update.wait() {
                Ok(update) => Ok(update),
                Err(e) => anyhow::bail!("block {version}: the state tree update failed: {e}"),
            },
        }
    }
}

/// A block whose batch is being written.
pub(super) struct InFlight {
    pub height: u64,
    /// The block's time: the floor for the next block's.
    pub time: u64,
    /// The head before this block: the head again if the write fails.
    parent: BlockHeader,
    top: Top,
    txs: BTreeSet<Hash32>,
    /// The block's header once the commit thread vouches for its state
    /// root: computed it ([`InFlight::start_sealing`]) or compared it
    /// ([`InFlight::start_rooting`]). A block on top may then start its
    /// own tree update while this one is written.
    vouched: Option<Slot<BlockHeader>>,
    /// Produced behind, its header not known yet (`vouched` not read).
    sealing: bool,
    /// Set once the block is durable, or why it will not be.
    durable: Slot<()>,
    writer: JoinHandle<anyhow::Result<Written>>,
}

/// The sealed block still being written that a block sealed behind builds
/// on: its tree update reads through it, and its write waits for it.
pub(super) struct Below {
    height: u64,
    top: Top,
    durable: Slot<()>,
}

/// What the commit thread did, once the block is durable.
#[derive(Default)]
pub struct Written {
    /// The state-tree update, when it ran on the commit thread.
    pub tree: Duration,
    /// The block's batch write (fsync'd).
    pub write: Duration,
    /// The block the commit thread sealed, if it did.
    pub(super) sealed: Option<Block>,
}

impl Written {
    /// Both blocks' times (each block sealed behind is kept by the chain).
    fn and(self, newer: Written) -> Written {
        Written { tree: self.tree + newer.tree, write: self.write + newer.write, sealed: None }
    }
}

/// What a block whose tree update runs on the commit thread brings there.
struct TreeBehind {
    time: u64,
    parent: BlockHeader,
    txs: BTreeSet<Hash32>,
    receipts: Vec<Receipt>,
    writes: Writes,
    below: Option<Below>,
}

/// A produced block but for what the commit thread adds: its header with
/// every root still to fill in, and the key that signs it.
pub(super) struct Unsealed {
    pub header: BlockHeader,
    pub key: SigningKey,
    pub txs: Vec<SignedTransaction>,
}

impl InFlight {
    /// Writes a block whose state update is computed.
    pub fn start(db: &Arc<Db>, block: &Block, receipts: &[Receipt], update: StateUpdate, parent: BlockHeader) -> Self {
        let top = Top::computed(Arc::new(update));
        let (db, owned, receipts, behind) = (db.clone(), block.clone(), receipts.to_vec(), top.clone());
        let height = block.height();
        let durable: Slot<()> = Arc::new(OnceLock::new());
        let writer = spawn(durable.clone(), move || {
            behind.build_filter();
            let write = write_block(&db, &owned, &receipts, behind.tree()?)?;
            Ok(Written { write, ..Written::default() })
        });
        InFlight {
            height,
            time: block.header.header.timestamp,
            parent,
            top,
            txs: tx_hashes(block),
            vouched: None,
            sealing: false,
            durable,
            writer,
        }
    }

    /// Updates the state tree with `writes` on this thread, compares the
    /// root with the block's header, and only then writes the block. The
    /// database must hold the block's parent, or `below` is the parent,
    /// vouched for and still being written: the tree update reads through
    /// it, and the write waits until it is durable.
    pub fn start_rooting(
        db: &Arc<Db>,
        block: &Block,
        receipts: &[Receipt],
        writes: Writes,
        parent: BlockHeader,
        below: Option<Below>,
    ) -> Self {
        let (version, owned) = (block.height(), block.clone());
        let behind = TreeBehind {
            time: block.header.header.timestamp,
            parent,
            txs: tx_hashes(block),
            receipts: receipts.to_vec(),
            writes,
            below,
        };
        InFlight::start_tree_behind(db, version, behind, false, move |update, _| {
            same_root(version, "state", &owned.header.header.state_root, &update.root)?;
            Ok(owned)
        })
    }

    /// Block production with the header finished behind: updates the state
    /// tree with `writes` on this thread, fills in the header's roots, signs
    /// it and writes the block, while the proposer executes the next one
    /// (which needs only these writes; its header waits for this one's
    /// hash). The database must hold the block's parent, or `below` is
    /// the parent, sealed and still being written: the tree update reads
    /// through it, and the write waits until it is durable.
    pub fn start_sealing(
        db: &Arc<Db>,
        unsealed: Unsealed,
        receipts: &[Receipt],
        writes: Writes,
        parent: BlockHeader,
        below: Option<Below>,
    ) -> Self {
        let Unsealed { header, key, txs } = unsealed;
        let hashes: Vec<Hash32> = txs.iter().map(|t| t.hash()).collect();
        let behind = TreeBehind {
            time: header.timestamp,
            parent,
            txs: hashes.iter().copied().collect(),
            receipts: receipts.to_vec(),
            writes,
            below,
        };
        InFlight::start_tree_behind(db, header.height, behind, true, move |update, receipts| {
            let header = BlockHeader {
                tx_root: merkle_root(hashes),
                state_root: update.root,
                receipts_root: receipts_root(receipts),
                ..header
            };
            Ok(Block { header: header.sign(&key), txs })
        })
    }

    /// The commit thread of a block whose tree update runs there: the
    /// update (through `below`), then `vouch` (the block to write, once
    /// its state root is right), then, once `below` is durable, the write.
    fn start_tree_behind(
        db: &Arc<Db>,
        version: Version,
        behind: TreeBehind,
        sealing: bool,
        vouch: impl FnOnce(&StateUpdate, &[Receipt]) -> anyhow::Result<Block> + Send + 'static,
    ) -> Self {
        let TreeBehind { time, parent, txs, receipts, writes, below } = behind;
        let writes = Arc::new(writes);
        let (slot, vouched, durable): (TreeSlot, Slot<BlockHeader>, Slot<()>) =
            (Arc::new(OnceLock::new()), Arc::new(OnceLock::new()), Arc::new(OnceLock::new()));
        let top = Top::rooting(version, writes.clone(), slot.clone());
        let (db, changes, filled, checked, behind) =
            (db.clone(), writes.clone(), slot.clone(), vouched.clone(), top.clone());
        let writer = spawn(durable.clone(), move || {
            // Whatever happens here, a block waiting to build on this one is woken.
            let _wake = WakeOnDrop(checked.clone());
            behind.build_filter();
            let started = Instant::now();
            let update = update_tree_for_readers(&through(&db, &below), version, &changes, filled)?;
            let tree = started.elapsed();
            let block = vouch(&update, &receipts)?;
            let _ = checked.set(Ok(block.header.header.clone()));
            wait_until_durable(version, below)?;
            let write = write_block(&db, &block, &receipts, &update)?;
            Ok(Written { tree, write, sealed: sealing.then_some(block) })
        });
        InFlight { height: version, time, parent, top, txs, vouched: Some(vouched), sealing, durable, writer }
    }

    /// The plain state keys the block writes, in key order.
    pub fn written_keys(&self) -> Vec<Vec<u8>> {
        self.top.writes().keys().cloned().collect()
    }

    /// What a block sealed behind on this one needs of it.
    fn below(&self) -> Below {
        Below { height: self.height, top: self.top.clone(), durable: self.durable.clone() }
    }

    /// Waits until the block is durable. On an error, the head the chain
    /// must go back to.
    fn finish(self) -> Result<Written, (anyhow::Error, BlockHeader)> {
        let height = self.height;
        match self.writer.join() {
            Ok(Ok(written)) => Ok(written),
            Ok(Err(e)) => Err((e, self.parent)),
            Err(_) => Err((anyhow::anyhow!("the commit thread of block {height} panicked"), self.parent)),
        }
    }
}

/// The database with the block below (if any) on top: what a block's tree
/// update starts from.
fn through<'a>(db: &'a Db, below: &'a Option<Below>) -> ChainState<'a> {
    ChainState { db, tops: [below.as_ref().map(|b| &b.top), None] }
}

/// Waits until the block below block `version` (if any) is durable: a
/// block is written only after its parent.
fn wait_until_durable(version: Version, below: Option<Below>) -> anyhow::Result<()> {
    match below.map(|b| (b.height, b.durable.wait().clone())) {
        Some((height, Err(e))) => {
            anyhow::bail!("block {version} is not written: block {height} before it was not ({e})")
        }
        _ => Ok(()),
    }
}

/// Runs `work` on a commit thread, telling `durable` how it ended.
fn spawn(
    durable: Slot<()>,
    work: impl FnOnce() -> anyhow::Result<Written> + Send + 'static,
) -> JoinHandle<anyhow::Result<Written>> {
    let run = move || {
        let _wake = WakeOnDrop(durable.clone());
        let result = work();
        let _ = durable.set(result.as_ref().map(|_| ()).map_err(|e| format!("{e:#}")));
        result
    };
    std::thread::Builder::new().name("procura-commit".into()).spawn(run).expect("the commit thread starts")
}

/// The tree update of block `version` from its `writes`, on the database
/// (which holds its parent), handed to the readers waiting in `slot` too.
fn update_tree_for_readers(
    tree: &impl TreeReader,
    version: Version,
    writes: &Writes,
    slot: TreeSlot,
) -> anyhow::Result<Arc<StateUpdate>> {
    // Whatever happens here, readers waiting for the tree are woken.
    let _wake = WakeOnDrop(slot.clone());
    match compute_update(tree, version, writes.clone()) {
        Ok(update) => {
            let update = Arc::new(update);
            let _ = slot.set(Ok(update.clone()));
            Ok(update)
        }
        Err(e) => {
            let _ = slot.set(Err(e.to_string()));
            anyhow::bail!("block {version}: cannot update the state tree: {e}");
        }
    }
}

/// Writes a block's batch; how long it took.
fn write_block(db: &Db, block: &Block, receipts: &[Receipt], update: &StateUpdate) -> anyhow::Result<Duration> {
    let started = Instant::now();
    db.commit_block(BlockCommit { block, receipts, state: update })
        .map_err(|e| anyhow::anyhow!("cannot write block {}: {e}", block.height()))?;
    Ok(started.elapsed())
}

fn tx_hashes(block: &Block) -> BTreeSet<Hash32> {
    block.txs.iter().map(|t| t.hash()).collect()
}

/// Sets a slot to an error if the commit thread ends (or panics) without
/// having set it, so nobody waits for it forever.
struct WakeOnDrop<T>(Slot<T>);

impl<T> Drop for WakeOnDrop<T> {
    fn drop(&mut self) {
        let _ = self.0.set(Err("the commit thread stopped before it got there".into()));
    }
}

impl Chain {
    /// The state the next block executes on: committed state, with the
    /// blocks being written (if any) on top.
    pub fn state(&self) -> ChainState<'_> {
        let tops = [self.in_flight.as_ref().map(|f| &f.top), self.writing.as_ref().map(|f| &f.top)];
        ChainState { db: &self.db, tops }
    }

    /// Waits until every committed block is durable. Returns how long the
    /// writes took on their threads (zero if none was in flight). If one
    /// failed, neither it nor any block after it is committed: the head
    /// goes back to its parent, which is what the database holds.
    pub fn flush(&mut self) -> anyhow::Result<Duration> {
        Ok(self.flush_timed()?.write)
    }

    /// [`Chain::flush`], with what the commit threads spent (summed over
    /// the blocks that became durable). Blocks sealed behind become the
    /// head here, and [`Chain::take_sealed`] hands them out.
    pub fn flush_timed(&mut self) -> anyhow::Result<Written> {
        let older = self.finish_writing()?;
        let newer = match self.in_flight.take() {
            Some(f) => self.finish(f)?,
            None => Written::default(),
        };
        Ok(older.and(newer))
    }

    /// For the next block sealed or rooted behind: the block before the
    /// newest made durable (a block's tree update reads through at most
    /// one block in flight), and the newest block vouched for (its header
    /// known, its state root right), so the next one can build on it.
    /// Returns what became durable, and the newest block if it is still
    /// being written. A failure of either is this call's error, reported
    /// at that block's height.
    pub(super) fn make_room(&mut self) -> anyhow::Result<(Written, Option<Below>)> {
        let done = self.finish_writing()?;
        let Some(newest) = self.in_flight.take() else {
            return Ok((done, None));
        };
        let Some(header) = newest.vouched.clone() else {
            // Committed or applied, not produced: it simply finishes.
            let newer = self.finish(newest)?;
            return Ok((done.and(newer), None));
        };
        match header.wait() {
            Ok(header) => {
                self.head = header.clone();
                let below = newest.below();
                self.writing = Some(InFlight { vouched: None, sealing: false, ..newest });
                Ok((done, Some(below)))
            }
            // Its thread failed before vouching: its error is the one to report.
            Err(e) => {
                let height = newest.height;
                let failed = self.finish(newest).err();
                Err(failed.unwrap_or_else(|| anyhow::anyhow!("block {height} failed on its commit thread: {e}")))
            }
        }
    }

    /// Waits for the older of two blocks in flight. If it failed, the
    /// newer cannot be written either: both are dropped.
    fn finish_writing(&mut self) -> anyhow::Result<Written> {
        let Some(older) = self.writing.take() else {
            return Ok(Written::default());
        };
        self.finish(older).inspect_err(|_| {
            if let Some(newer) = self.in_flight.take() {
                // Its thread stops at its wait for the older one.
                let _ = newer.finish();
            }
        })
    }

    /// Waits until `block` is durable; a block sealed behind becomes the
    /// head (if it is not yet) and is kept for [`Chain::take_sealed`].
    fn finish(&mut self, block: InFlight) -> anyhow::Result<Written> {
        match block.finish() {
            Ok(mut written) => {
                if let Some(sealed) = written.sealed.take() {
                    if sealed.height() > self.head.height {
                        self.head = sealed.header.header.clone();
                    }
                    self.sealed.push_back(sealed);
                }
                Ok(written)
            }
            Err((error, parent)) => {
                self.head = parent;
                Err(error)
            }
        }
    }

    /// Whether the newest block is still being sealed (its header is not
    /// known yet).
    pub fn is_sealing(&self) -> bool {
        self.in_flight.as_ref().is_some_and(|f| f.sealing)
    }

    /// Whether two blocks are in flight, or the newest has no header yet:
    /// what only `produce_behind` and `apply_behind` build on.
    pub(super) fn is_pipelined(&self) -> bool {
        self.writing.is_some() || self.is_sealing()
    }

    /// Height and time of the newest block: the one in flight, if any.
    pub fn tip(&self) -> (u64, u64) {
        match self.in_flight.as_ref().or(self.writing.as_ref()) {
            Some(f) => (f.height, f.time),
            None => (self.head.height, self.head.timestamp),
        }
    }

    /// Whether `tx` is in a block that is committed but not yet durable.
    pub fn is_being_written(&self, tx: &Hash32) -> bool {
        [&self.in_flight, &self.writing].into_iter().flatten().any(|f| f.txs.contains(tx))
    }

    /// The newest block that is durable: the head, unless one is in flight.
    /// What the node shows its clients (`/v1/head`, views).
    pub fn durable_head(&self) -> &BlockHeader {
        self.writing.as_ref().or(self.in_flight.as_ref()).map_or(self.head(), |f| &f.parent)
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        if let Err(e) = self.flush() {
            eprintln!("procura: {e:#}");
        }
    }
}

/// Committed state with the blocks being written on top (newest first):
/// what the database will hold once those writes are done.
#[derive(Clone, Copy)]
pub struct ChainState<'a> {
    pub db: &'a Db,
    tops: [Option<&'a Top>; 2],
}

impl<'a> ChainState<'a> {
    fn layers(&self) -> impl Iterator<Item = &'a Top> {
        self.tops.into_iter().flatten()
    }

    /// [`StateStore::latest_next`] over the layers from the `depth`th down.
    fn next_from(
        &self,
        depth: usize,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> anyhow::Result<Option<(Vec<u8>, Vec<u8>)>> {
        let Some(top) = self.layers().nth(depth) else {
            return self.db.latest_next(prefix, after);
        };
        let failed = std::cell::RefCell::new(None);
        let below = |cursor: Option<&[u8]>| {
            self.next_from(depth + 1, prefix, cursor).unwrap_or_else(|e| {
                failed.borrow_mut().get_or_insert(e);
                None
            })
        };
        let found = procura_vm::state::merged_next(top.writes(), below, prefix, after).0;
        match failed.into_inner() {
            Some(e) => Err(e),
            None => Ok(found),
        }
    }
}

impl TreeReader for ChainState<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        // A node's key carries the version that created it, so only the
        // block of that version can hold it.
        for top in self.layers().filter(|top| top.version() == node_key.version()) {
            if let Some(node) = top.tree()?.tree.node_batch.nodes().get(node_key) {
                return Ok(Some(node.clone()));
            }
        }
        self.db.get_node_option(node_key)
    }

    fn get_value_option(&self, max_version: Version, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        for top in self.layers().filter(|t| t.version() <= max_version) {
            let update = top.tree()?;
            if let Some(value) = update.tree.node_batch.values().get(&(update.version, key_hash)) {
                return Ok(value.clone());
            }
        }
        self.db.get_value_option(max_version, key_hash)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        anyhow::bail!("tree restore is not supported")
    }
}

impl StateStore for ChainState<'_> {
    fn latest(&self, key: &[u8]) -> anyhow::Result<Option<Vec<u8>>> {
        let hash = if self.tops.iter().any(Option::is_some) { key_hash(key) } else { 0 };
        for top in self.layers() {
            if let Some(value) = top.written(key, hash) {
                return Ok(value.clone());
            }
        }
        self.db.latest(key)
    }

    fn latest_next(&self, prefix: &[u8], after: Option<&[u8]>) -> anyhow::Result<Option<(Vec<u8>, Vec<u8>)>> {
        self.next_from(0, prefix, after)
    }

    fn version(&self) -> anyhow::Result<Option<Version>> {
        match self.layers().next() {
            Some(top) => Ok(Some(top.version())),
            None => self.db.version(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use procura_chain::{BlockHeader, SignedHeader};

    fn commit(db: &Db, update: &StateUpdate) {
        let header = BlockHeader {
            height: update.version,
            prev_hash: [0; 32],
            timestamp: 0,
            proposer: [0; 32],
            tx_root: [0; 32],
            state_root: update.root,
            receipts_root: [0; 32],
        };
        let block = Block { header: SignedHeader { header, signature: [0; 64] }, txs: vec![] };
        db.commit_block(BlockCommit { block: &block, receipts: &[], state: update }).unwrap();
    }

    fn writes(entries: &[(&str, Option<&str>)]) -> Writes {
        entries.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))).collect()
    }

    fn scan(state: &dyn StateStore, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        while let Some((k, v)) = state.latest_next(prefix, after.as_deref()).unwrap() {
            after = Some(k.clone());
            out.push((k, v));
        }
        out
    }

    /// A database with block 1 written reads exactly like a database
    /// without it seen through `ChainState` with block 1 on top: point
    /// reads, ordered scans over added, overwritten and removed keys, and
    /// the next block's tree update (nodes and values read through). Block
    /// 1 on top either with its tree update known, or with it still being
    /// computed elsewhere (the tree reads then wait for it).
    #[test]
    fn reading_through_a_block_in_flight_is_reading_it_written() {
        let (flat_dir, base_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (flat, base) = (Db::open(flat_dir.path()).unwrap(), Db::open(base_dir.path()).unwrap());
        let genesis = compute_update(
            &flat,
            0,
            writes(&[("s/a", Some("1")), ("s/b", Some("2")), ("s/d", Some("4")), ("t/x", Some("9"))]),
        )
        .unwrap();
        commit(&flat, &genesis);
        commit(&base, &genesis);
        let block_1 =
            writes(&[("s/b", None), ("s/c", Some("3")), ("s/d", Some("44")), ("s/e", Some("5")), ("t/x", None)]);
        let in_flight = Arc::new(compute_update(&flat, 1, block_1.clone()).unwrap());
        commit(&flat, &in_flight);
        let slot = Arc::new(OnceLock::new());
        let late = {
            let (slot, update) = (slot.clone(), in_flight.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                slot.set(Ok(update)).unwrap();
            })
        };
        let tops = [Top::rooting(1, Arc::new(block_1), slot), Top::computed(in_flight)];
        // Each without its key filter, then with it.
        for top in tops.iter().chain(&tops) {
            let through = ChainState { db: &base, tops: [Some(top), None] };
            assert_eq!(scan(&base, b"s/").len(), 3, "the base does not hold block 1");
            for key in ["s/a", "s/b", "s/c", "s/d", "s/e", "t/x", "t/y"] {
                assert_eq!(through.latest(key.as_bytes()).unwrap(), flat.latest(key.as_bytes()).unwrap(), "{key}");
            }
            for prefix in [&b"s/"[..], b"t/", b"", b"s/d"] {
                assert_eq!(scan(&through, prefix), scan(&flat, prefix), "{prefix:?}");
            }
            assert_eq!(through.version().unwrap(), Some(1));
            top.build_filter();
            // Inserts only (the batch path), then with a removal (one key at a time).
            for next in
                [writes(&[("s/f", Some("6")), ("s/a", Some("11"))]), writes(&[("s/c", None), ("s/g", Some("7"))])]
            {
                let expected = compute_update(&flat, 2, next.clone()).unwrap();
                let got = compute_update(&through, 2, next).unwrap();
                assert_eq!(got.root, expected.root);
                assert_eq!(got.tree.node_batch, expected.tree.node_batch);
            }
        }
        late.join().unwrap();
    }

    /// Two blocks in flight (produced behind: one being written, the next
    /// on top of it) read like both written: the newer shadows the older,
    /// removals included, and the next tree update sees both.
    #[test]
    fn reading_through_two_blocks_in_flight_is_reading_them_written() {
        let (flat_dir, base_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (flat, base) = (Db::open(flat_dir.path()).unwrap(), Db::open(base_dir.path()).unwrap());
        let genesis =
            compute_update(&flat, 0, writes(&[("s/a", Some("1")), ("s/b", Some("2")), ("s/d", Some("4"))])).unwrap();
        commit(&flat, &genesis);
        commit(&base, &genesis);
        let block_1 = Arc::new(
            compute_update(&flat, 1, writes(&[("s/b", None), ("s/c", Some("3")), ("s/e", Some("5"))])).unwrap(),
        );
        commit(&flat, &block_1);
        let block_2 = Arc::new(
            compute_update(&flat, 2, writes(&[("s/b", Some("22")), ("s/c", None), ("s/a", Some("11"))])).unwrap(),
        );
        commit(&flat, &block_2);
        let (older, newer) = (Top::computed(block_1), Top::computed(block_2));
        // One with its key filter, one without.
        newer.build_filter();
        let through = ChainState { db: &base, tops: [Some(&newer), Some(&older)] };
        for key in ["s/a", "s/b", "s/c", "s/d", "s/e", "s/f"] {
            assert_eq!(through.latest(key.as_bytes()).unwrap(), flat.latest(key.as_bytes()).unwrap(), "{key}");
        }
        for prefix in [&b"s/"[..], b"", b"s/c"] {
            assert_eq!(scan(&through, prefix), scan(&flat, prefix), "{prefix:?}");
        }
        assert_eq!(through.version().unwrap(), Some(2));
        let next = writes(&[("s/f", Some("6")), ("s/e", None)]);
        let expected = compute_update(&flat, 3, next.clone()).unwrap();
        let got = compute_update(&through, 3, next).unwrap();
        assert_eq!(got.root, expected.root);
        assert_eq!(got.tree.node_batch, expected.tree.node_batch);
    }

    /// A tree update that never comes (its thread failed) is an error for
    /// the reader, not a wait forever.
    #[test]
    fn a_failed_tree_update_is_an_error_for_readers() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        let slot = Arc::new(OnceLock::new());
        drop(WakeOnDrop(slot.clone()));
        let top = Top::rooting(3, Arc::new(writes(&[("s/a", Some("1"))])), slot);
        let through = ChainState { db: &db, tops: [Some(&top), None] };
        assert_eq!(through.latest(b"s/a").unwrap(), Some(b"1".to_vec()), "writes are readable at once");
        let err = compute_update(&through, 4, writes(&[("s/b", Some("2"))])).unwrap_err();
        assert!(format!("{err:#}").contains("block 3: the state tree update failed"), "{err:#}");
    }
}
