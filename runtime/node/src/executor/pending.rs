//! The state a transaction runs against: committed state plus the block's
//! pending writes, as the VM sees it through `Storage` and `ContractWorld`.
//!
//! On one thread a view holds the whole block's writes. On several
//! (`parallel.rs`) a view holds one transaction's own writes over
//! [`BlockWrites`], the writes of the transactions the block has applied so
//! far; a view that runs a transaction ahead of its turn records what it
//! read and how many transactions had been applied when it did, so that the
//! in-order pass can tell whether it saw exactly what a serial run would
//! have seen.

use procura_primitives::Address;
use procura_state::{ContractInfo, StateKey, StateStore};
use procura_vm::{ContractWorld, Storage, Vm};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, RwLock, RwLockReadGuard};

pub type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Committed state with the block's pending writes on top.
pub struct PendingState<'a> {
    pub committed: &'a dyn StateStore,
    /// On one thread: the block's writes so far. Over [`BlockWrites`]: this
    /// transaction's own.
    pub writes: Writes,
    /// The writes of the transactions applied before this one, when the
    /// block runs on several threads.
    block: Option<&'a BlockWrites>,
    /// Contracts already resolved, by address: a contract record is written
    /// once (at instantiation) and never changed or removed, so a hit stays
    /// right for the block and saves a state read and a decode per call.
    contracts: RefCell<BTreeMap<Address, Arc<procura_vm::Contract>>>,
    /// Set on a view that runs transactions ahead of their turn.
    reads: Option<RefCell<ReadSet>>,
}

impl<'a> PendingState<'a> {
    pub fn new(committed: &'a dyn StateStore) -> Self {
        PendingState { committed, writes: BTreeMap::new(), block: None, contracts: RefCell::default(), reads: None }
    }

    /// A view for one transaction at a time over `block`; with `record`, it
    /// records every read below its own writes.
    pub(super) fn over(committed: &'a dyn StateStore, block: &'a BlockWrites, record: bool) -> Self {
        PendingState { block: Some(block), reads: record.then(RefCell::default), ..PendingState::new(committed) }
    }

    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        if let Some(own) = self.writes.get(key) {
            return own.clone();
        }
        if let Some(block) = self.block {
            let (earlier, applied) = block.lookup(key);
            if let Some(reads) = &self.reads {
                reads.borrow_mut().keys.push((key.to_vec(), applied));
            }
            if let Some(value) = earlier {
                return value;
            }
        }
        // A store read failure is a node fault, not a contract outcome.
        self.committed.latest(key).expect("state store read failed")
    }

    pub fn put(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        self.writes.insert(key, value);
    }

    fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)> {
        use procura_vm::state::merged_next;
        let committed =
            |cursor: Option<&[u8]>| self.committed.latest_next(prefix, cursor).expect("state store read failed");
        let Some(block) = self.block else {
            return merged_next(&self.writes, committed, prefix, after).0;
        };
        // One consistent look at the earlier transactions' writes for the
        // whole scan.
        let earlier = block.read();
        let below = |cursor: Option<&[u8]>| merged_next(&earlier.writes, committed, prefix, cursor).0;
        let found = merged_next(&self.writes, below, prefix, after).0;
        if let Some(reads) = &self.reads {
            reads.borrow_mut().ranges.push(RangeRead {
                prefix: prefix.to_vec(),
                after: after.map(<[u8]>::to_vec),
                found: found.as_ref().map(|(k, _)| k.clone()),
                applied: earlier.count,
            });
        }
        found
    }

    /// This transaction's writes and what it read, leaving the view empty
    /// for the next one (resolved contracts stay: see `contract_of`).
    pub(super) fn take_run(&mut self) -> (Writes, ReadSet) {
        let reads = self.reads.as_ref().map(|r| r.take()).unwrap_or_default();
        (std::mem::take(&mut self.writes), reads)
    }
}

/// The writes of a block's transactions applied so far, in block order,
/// shared by the threads executing the block.
#[derive(Default)]
pub(super) struct BlockWrites(RwLock<Applied>);

#[derive(Default)]
pub(super) struct Applied {
    pub writes: Writes,
    /// The index of the last transaction that wrote each key.
    writer: BTreeMap<Vec<u8>, usize>,
    /// Transactions applied: the next one's index.
    pub count: usize,
}

impl BlockWrites {
    /// The earlier transactions' write of `key` (`Some(None)`: removed), and
    /// how many transactions had been applied.
    fn lookup(&self, key: &[u8]) -> (Option<Option<Vec<u8>>>, usize) {
        let applied = self.read();
        (applied.writes.get(key).cloned(), applied.count)
    }

    pub(super) fn read(&self) -> RwLockReadGuard<'_, Applied> {
        self.0.read().expect("no thread panics holding the block's writes")
    }

    /// Applies the next transaction's writes.
    pub(super) fn apply(&self, writes: Writes) {
        let mut applied = self.0.write().expect("no thread panics holding the block's writes");
        let index = applied.count;
        for (key, value) in writes {
            applied.writer.insert(key.clone(), index);
            applied.writes.insert(key, value);
        }
        applied.count += 1;
    }

    pub(super) fn into_writes(self) -> Writes {
        self.0.into_inner().expect("no thread panicked holding the block's writes").writes
    }
}

/// What one run read below its own writes, each read with the number of
/// transactions applied when it was made: point reads and ordered scans
/// (`prefix`, strictly `after`, the key it `found`).
#[derive(Default)]
pub(super) struct ReadSet {
    keys: Vec<(Vec<u8>, usize)>,
    ranges: Vec<RangeRead>,
}

struct RangeRead {
    prefix: Vec<u8>,
    after: Option<Vec<u8>>,
    found: Option<Vec<u8>>,
    applied: usize,
}

impl ReadSet {
    /// Whether a transaction applied after a read wrote what it read (with
    /// every transaction before this one applied). If none did, every read
    /// returned what it would have in block order, so the run is exactly the
    /// serial one: a point read is unchanged unless its key was written
    /// since; a scan unless a key was written since between where it started
    /// and what it found (or anywhere after its start, if it found nothing).
    pub(super) fn stale(&self, block: &Applied) -> bool {
        let written_since = |key: &[u8], seen: usize| block.writer.get(key).is_some_and(|&w| w >= seen);
        self.keys.iter().any(|(k, seen)| written_since(k, *seen))
            || self.ranges.iter().any(|r| {
                let start = match &r.after {
                    Some(after) => Bound::Excluded(after.as_slice()),
                    None => Bound::Included(r.prefix.as_slice()),
                };
                block
                    .writer
                    .range::<[u8], _>((start, Bound::Unbounded))
                    .take_while(|(k, _)| k.starts_with(&r.prefix) && r.found.as_ref().is_none_or(|f| *k <= f))
                    .any(|(_, &w)| w >= r.applied)
            })
    }
}

/// One contract's storage, as the VM sees it: its own keys, unprefixed.
pub(super) struct ContractStorage<'s, 'a> {
    pub state: &'s PendingState<'a>,
    pub prefix: Vec<u8>,
}

impl Storage for ContractStorage<'_, '_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.state.get(&[self.prefix.as_slice(), key].concat())
    }

    fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)> {
        let full_prefix = [self.prefix.as_slice(), prefix].concat();
        let full_after = after.map(|a| [self.prefix.as_slice(), a].concat());
        self.state.next(&full_prefix, full_after.as_deref()).map(|(k, v)| (k[self.prefix.len()..].to_vec(), v))
    }
}

/// Every deployed contract as of the running block, for `call_view`.
pub(super) struct BlockContracts<'s, 'a> {
    pub vm: &'s Vm,
    pub state: &'s PendingState<'a>,
}

impl ContractWorld for BlockContracts<'_, '_> {
    fn contract_at(&self, address: &Address) -> Option<(Arc<procura_vm::Contract>, Box<dyn Storage + '_>)> {
        let contract = contract_of(self.vm, self.state, address).ok()?;
        let storage = ContractStorage { state: self.state, prefix: StateKey::storage_prefix(address) };
        Some((contract, Box::new(storage)))
    }
}

/// The compiled contract deployed at `address`.
pub(super) fn contract_of(
    vm: &Vm,
    state: &PendingState<'_>,
    address: &Address,
) -> Result<Arc<procura_vm::Contract>, String> {
    let record = StateKey::contract(address);
    if let Some(known) = state.contracts.borrow().get(address) {
        if state.reads.is_some() {
            // The run still depends on the record: in block order, the
            // transaction that instantiated it may come after this one.
            let _ = state.get(&record);
        }
        return Ok(known.clone());
    }
    let info: ContractInfo = load(state, &record).ok_or_else(|| format!("unknown contract {address}"))?;
    let contract = match vm.prepared(&info.code_hash) {
        Some(ready) => ready,
        None => {
            let code = state.get(&StateKey::code(&info.code_hash)).unwrap_or_default();
            vm.prepare(&code).map_err(|e| format!("stored code does not load: {e}"))?
        }
    };
    // Over `BlockWrites` a view's writes are one transaction's and leave
    // with it, so a record it wrote itself is not kept.
    if state.block.is_none() || !state.writes.contains_key(&record) {
        state.contracts.borrow_mut().insert(*address, contract.clone());
    }
    Ok(contract)
}

pub fn load<T: borsh::BorshDeserialize>(state: &PendingState<'_>, key: &[u8]) -> Option<T> {
    state.get(key).and_then(|b| borsh::from_slice(&b).ok())
}

pub(super) fn store<T: borsh::BorshSerialize>(state: &mut PendingState<'_>, key: Vec<u8>, value: &T) {
    state.put(key, Some(borsh::to_vec(value).expect("encodes")));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies one transaction writing each of `keys`.
    fn apply(block: &BlockWrites, keys: &[&[u8]]) {
        block.apply(keys.iter().map(|k| (k.to_vec(), Some(b"v".to_vec()))).collect());
    }

    fn point(key: &[u8], applied: usize) -> ReadSet {
        ReadSet { keys: vec![(key.to_vec(), applied)], ranges: vec![] }
    }

    fn scan(prefix: &[u8], after: Option<&[u8]>, found: Option<&[u8]>, applied: usize) -> ReadSet {
        let range = RangeRead {
            prefix: prefix.to_vec(),
            after: after.map(<[u8]>::to_vec),
            found: found.map(<[u8]>::to_vec),
            applied,
        };
        ReadSet { keys: vec![], ranges: vec![range] }
    }

    #[test]
    fn a_point_read_is_stale_only_if_its_key_was_written_after_it() {
        let block = BlockWrites::default();
        apply(&block, &[b"sa1"]); // transaction 0
        apply(&block, &[b"sa0", b"sa10", b"sa2"]); // 1
        let applied = block.read();
        assert!(point(b"sa1", 0).stale(&applied), "read before transaction 0 wrote it");
        assert!(!point(b"sa1", 1).stale(&applied), "read after: it saw the write");
        assert!(point(b"sa2", 1).stale(&applied));
        assert!(!point(b"sa2", 2).stale(&applied));
        assert!(!point(b"sb", 0).stale(&applied), "never written");
    }

    #[test]
    fn a_scan_is_stale_if_a_key_between_its_start_and_what_it_found_was_written_after_it() {
        let block = BlockWrites::default();
        let read = |after, found| scan(b"sb", after, found, 0);
        for inside in [&b"sb3"[..], b"sb5", b"sb2x"] {
            let block = BlockWrites::default();
            apply(&block, &[inside]);
            assert!(read(Some(&b"sb2"[..]), Some(&b"sb5"[..])).stale(&block.read()), "{inside:?}");
        }
        // At or before the start, past what it found, or outside the prefix.
        apply(&block, &[b"sb2", b"sb1", b"sb6", b"sa9", b"sc0", b"s"]);
        assert!(!read(Some(b"sb2"), Some(b"sb5")).stale(&block.read()));
        // Written before the scan: it saw them.
        apply(&block, &[b"sb3"]);
        assert!(!scan(b"sb", Some(b"sb2"), Some(b"sb5"), 2).stale(&block.read()));
        assert!(scan(b"sb", Some(b"sb2"), Some(b"sb5"), 1).stale(&block.read()));
    }

    #[test]
    fn a_scan_that_found_nothing_is_stale_if_any_later_key_of_its_prefix_was_written_after_it() {
        let stale_after = |keys: &[&[u8]], after: Option<&[u8]>| {
            let block = BlockWrites::default();
            apply(&block, keys);
            let stale = scan(b"sb", after, None, 0).stale(&block.read());
            stale
        };
        assert!(stale_after(&[b"sb"], None));
        assert!(stale_after(&[b"sbzzz"], None));
        assert!(!stale_after(&[b"sa", b"sc"], None));
        assert!(stale_after(&[b"sb8"], Some(b"sb7")));
        assert!(!stale_after(&[b"sb6", b"sb7"], Some(b"sb7")));
    }

    #[test]
    fn a_view_over_the_block_reads_own_then_earlier_then_committed_and_records_when() {
        let mut committed = procura_state::MemStateStore::default();
        let genesis: Writes = [b"sk1", b"sk2"].map(|k| (k.to_vec(), Some(b"committed".to_vec()))).into();
        committed.apply(&procura_state::compute_update(&committed, 0, genesis).unwrap());
        let block = BlockWrites::default();
        block.apply([(b"sk2".to_vec(), Some(b"earlier".to_vec())), (b"sk3".to_vec(), None)].into());
        let mut view = PendingState::over(&committed, &block, true);
        view.put(b"sk4".to_vec(), Some(b"own".to_vec()));
        assert_eq!(view.get(b"sk1").as_deref(), Some(&b"committed"[..]));
        assert_eq!(view.get(b"sk2").as_deref(), Some(&b"earlier"[..]));
        assert_eq!(view.get(b"sk3"), None, "removed by an earlier transaction");
        assert_eq!(view.get(b"sk4").as_deref(), Some(&b"own"[..]));
        assert_eq!(view.next(b"sk", Some(b"sk2")).map(|(k, _)| k), Some(b"sk4".to_vec()), "sk3 is removed");
        let (writes, reads) = view.take_run();
        assert_eq!(writes.keys().collect::<Vec<_>>(), [&b"sk4".to_vec()]);
        assert_eq!(
            reads.keys,
            [(b"sk1".to_vec(), 1), (b"sk2".to_vec(), 1), (b"sk3".to_vec(), 1)],
            "own writes are not reads"
        );
        assert_eq!(reads.ranges.len(), 1);
        assert!(view.writes.is_empty());
        // A later transaction writing sk1 makes this run stale.
        block.apply([(b"sk1".to_vec(), Some(b"later".to_vec()))].into());
        assert!(reads.stale(&block.read()));
    }
}
