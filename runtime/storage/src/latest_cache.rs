//! A bounded in-memory cache of `state_latest` point reads, in front of
//! RocksDB.
//!
//! Every transaction reads its sender's account several times (API
//! admission, the proposer's admission pass, execution) and most contract
//! calls read keys a recent block wrote. Each of those reads is a RocksDB
//! point lookup: a walk down a memtable skiplist of every key written since
//! the last flush, the largest share of a call's storage reads. This cache
//! answers repeats from a hash map, and remembers absent keys too (a new
//! bidder's account, a first bid).
//!
//! It must never answer with anything but what RocksDB holds, so:
//! - a block's write ([`LatestCache::begin_write`]) first drops the keys it
//!   writes, stores nothing while the write runs (readers then see RocksDB's
//!   atomic batch, never half a block), and stores the new values once the
//!   write succeeded; a failed write empties the cache;
//! - a value read from RocksDB is kept only if no write began or ended
//!   since the read started ([`Ticket`]), so an older value can never land
//!   over a newer one.
//!
//! Scans get the same treatment: a contract that walks a map (every bid
//! of a tender, at evaluation and award) asks for one entry at a time, and
//! each step was a RocksDB iterator built, sought and dropped. A step that
//! misses reads a [`Run`] ahead with one iterator, and the next steps are
//! answered from it until a write begins.
//!
//! Bounded like the signature key cache: two generations; when the newer
//! fills (entries or bytes) it becomes the older and the older is dropped.
//! Values above [`MAX_VALUE_BYTES`] (contract code) are not kept. At most
//! [`RUNS`] runs are kept, each of at most [`RUN_ENTRIES`] entries.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// Entries per generation.
const GENERATION_ENTRIES: usize = 65_536;
/// Key and value bytes per generation.
const GENERATION_BYTES: usize = 32 << 20;
/// Larger values are read from RocksDB each time.
pub const MAX_VALUE_BYTES: usize = 4096;

/// Entries a scan step reads ahead, and the bound on their bytes.
const RUN_ENTRIES: usize = 32;
const RUN_BYTES: usize = 64 << 10;
/// Scans remembered at once (the newest replace the oldest).
const RUNS: usize = 16;

type Value = Option<Vec<u8>>;
type Entry = (Vec<u8>, Vec<u8>);

/// A stretch of `state_latest` as RocksDB held it: every key with `prefix`
/// after `after` (from the prefix's start if `None`), in order, up to the
/// last entry's key, and to the prefix's end if `complete`.
#[derive(Debug)]
pub(crate) struct Run {
    prefix: Vec<u8>,
    after: Option<Vec<u8>>,
    entries: Vec<Entry>,
    bytes: usize,
    complete: bool,
}

impl Run {
    /// Starts a run of `prefix` after `after`; [`Run::push`] adds entries.
    pub fn new(prefix: &[u8], after: Option<&[u8]>) -> Self {
        Run {
            prefix: prefix.to_vec(),
            after: after.map(<[u8]>::to_vec),
            entries: Vec::new(),
            bytes: 0,
            complete: false,
        }
    }

    /// Adds the next entry in key order; false once the run is long enough.
    pub fn push(&mut self, key: &[u8], value: &[u8]) -> bool {
        self.entries.push((key.to_vec(), value.to_vec()));
        self.bytes += key.len() + value.len();
        self.entries.len() < RUN_ENTRIES && self.bytes < RUN_BYTES
    }

    /// The prefix has no more entries after the last pushed.
    pub fn complete(&mut self) {
        self.complete = true;
    }

    pub fn first(&self) -> Option<Entry> {
        self.entries.first().cloned()
    }

    /// The first entry with `prefix` after `after`, if this run covers it
    /// (`Some(None)`: there is none).
    fn answer(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<Option<Entry>> {
        if self.prefix != prefix {
            return None;
        }
        // The query must start where the run covers every key.
        match (self.after.as_deref(), after) {
            (Some(_), None) => return None,
            (Some(start), Some(after)) if after < start => return None,
            _ => {}
        }
        let i = after.map_or(0, |after| self.entries.partition_point(|(k, _)| k.as_slice() <= after));
        match self.entries.get(i) {
            Some(entry) => Some(Some(entry.clone())),
            None if self.complete => Some(None),
            None => None,
        }
    }
}

#[derive(Default)]
struct Generation {
    entries: HashMap<Vec<u8>, Value>,
    bytes: usize,
}

impl Generation {
    fn is_full(&self) -> bool {
        self.entries.len() >= GENERATION_ENTRIES || self.bytes >= GENERATION_BYTES
    }
}

#[derive(Default)]
struct Inner {
    newer: Generation,
    older: Generation,
    /// Scans read ahead, newest last.
    runs: Vec<Run>,
    /// Bumped whenever a write begins or ends.
    epoch: u64,
    /// Block writes under way: nothing read from RocksDB is kept meanwhile.
    writing: usize,
}

fn weight(key: &[u8], value: &Value) -> usize {
    key.len() + value.as_ref().map_or(0, Vec::len)
}

impl Inner {
    /// Whether no write began or ended since `ticket` was taken, and none
    /// is under way: what RocksDB returned since then is still what it holds.
    fn unchanged_since(&self, ticket: &Ticket) -> bool {
        self.writing == 0 && self.epoch == ticket.0
    }

    fn remove(&mut self, key: &[u8]) {
        for generation in [&mut self.newer, &mut self.older] {
            if let Some(old) = generation.entries.remove(key) {
                generation.bytes -= weight(key, &old);
            }
        }
    }

    fn insert(&mut self, key: Vec<u8>, value: Value) {
        self.remove(&key);
        if value.as_ref().is_some_and(|v| v.len() > MAX_VALUE_BYTES) {
            return;
        }
        if self.newer.is_full() {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.bytes += weight(&key, &value);
        self.newer.entries.insert(key, value);
    }

    fn clear(&mut self) {
        self.newer = Generation::default();
        self.older = Generation::default();
        self.runs.clear();
    }
}

#[derive(Default)]
pub(crate) struct LatestCache(Mutex<Inner>);

/// When a RocksDB read started, for [`LatestCache::offer`].
pub(crate) struct Ticket(u64);

impl LatestCache {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The cache holds no invariant a panicking holder could break that
        // emptying it would not repair.
        self.0.lock().unwrap_or_else(|poisoned| {
            let mut inner = poisoned.into_inner();
            inner.clear();
            inner
        })
    }

    /// The cached value of `key` (`Some(None)`: known to be absent).
    pub fn get(&self, key: &[u8]) -> Option<Value> {
        let mut inner = self.lock();
        if let Some(value) = inner.newer.entries.get(key) {
            return Some(value.clone());
        }
        // A hit in the older generation moves to the newer, so keys in use
        // survive the next rollover.
        let value = inner.older.entries.remove(key)?;
        inner.older.bytes -= weight(key, &value);
        inner.insert(key.to_vec(), value.clone());
        Some(value)
    }

    /// Taken before reading `key` from RocksDB.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.lock().epoch)
    }

    /// Keeps what RocksDB returned for `key`, unless a write began or ended
    /// since `ticket` was taken.
    pub fn offer(&self, ticket: Ticket, key: &[u8], value: &Value) {
        let mut inner = self.lock();
        if inner.unchanged_since(&ticket) {
            inner.insert(key.to_vec(), value.clone());
        }
    }

    /// The first entry with `prefix` after `after`, if a run read ahead
    /// holds it (`Some(None)`: there is none).
    pub fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<Option<Entry>> {
        self.lock().runs.iter().rev().find_map(|run| run.answer(prefix, after))
    }

    /// Keeps a run read from RocksDB, unless a write began or ended since
    /// `ticket` was taken.
    pub fn offer_run(&self, ticket: Ticket, run: Run) {
        let mut inner = self.lock();
        if inner.unchanged_since(&ticket) {
            if inner.runs.len() >= RUNS {
                inner.runs.remove(0);
            }
            inner.runs.push(run);
        }
    }

    /// Starts a write of `keys`; the guard stores their new values once
    /// the write succeeded ([`WriteGuard::succeeded`]), and empties the
    /// cache if it is dropped without.
    pub fn begin_write<'k>(&self, keys: impl Iterator<Item = &'k Vec<u8>>) -> WriteGuard<'_> {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.writing += 1;
        // A block may add or remove keys inside any run.
        inner.runs.clear();
        for key in keys {
            inner.remove(key);
        }
        WriteGuard { cache: self, succeeded: false }
    }

    /// Forgets everything (after a write that bypassed [`Self::begin_write`]).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let inner = self.lock();
        inner.newer.entries.len() + inner.older.entries.len()
    }
}

pub(crate) struct WriteGuard<'a> {
    cache: &'a LatestCache,
    succeeded: bool,
}

impl WriteGuard<'_> {
    /// The write is durable: its values are what RocksDB now holds.
    pub fn succeeded<'k>(mut self, writes: impl Iterator<Item = (&'k Vec<u8>, &'k Value)>) {
        let mut inner = self.cache.lock();
        for (key, value) in writes {
            inner.insert(key.clone(), value.clone());
        }
        self.succeeded = true;
    }
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        let mut inner = self.cache.lock();
        inner.epoch += 1;
        inner.writing -= 1;
        if !self.succeeded {
            inner.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: u32) -> Vec<u8> {
        n.to_be_bytes().to_vec()
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let cache = LatestCache::default();
        let before_write = cache.ticket();
        let write = cache.begin_write([k(1)].iter());
        // Read while the write runs: not kept, whatever it saw.
        let during = cache.ticket();
        cache.offer(during, &k(1), &Some(vec![1]));
        assert_eq!(cache.get(&k(1)), None);
        write.succeeded([(&k(1), &Some(vec![2]))].into_iter());
        // Read before the write, offered after it: stale, not kept.
        cache.offer(before_write, &k(1), &Some(vec![1]));
        assert_eq!(cache.get(&k(1)), Some(Some(vec![2])));
        let after = cache.ticket();
        cache.offer(after, &k(3), &None);
        assert_eq!(cache.get(&k(3)), Some(None), "absent keys are remembered");
    }

    #[test]
    fn a_failed_write_empties_the_cache_and_a_write_replaces_old_values() {
        let cache = LatestCache::default();
        let t = cache.ticket();
        cache.offer(t, &k(1), &Some(vec![1]));
        let t = cache.ticket();
        cache.offer(t, &k(2), &Some(vec![2]));
        cache.begin_write([k(1)].iter()).succeeded([(&k(1), &None)].into_iter());
        assert_eq!(cache.get(&k(1)), Some(None));
        assert_eq!(cache.get(&k(2)), Some(Some(vec![2])));
        drop(cache.begin_write([k(9)].iter()));
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_cache_keeps_two_generations_and_skips_large_values() {
        let cache = LatestCache::default();
        let n = GENERATION_ENTRIES as u32;
        for i in 0..2 * n {
            let t = cache.ticket();
            cache.offer(t, &k(i), &Some(vec![0]));
        }
        assert_eq!(cache.len(), 2 * GENERATION_ENTRIES);
        // Touching an old key keeps it past the next rollover.
        assert!(cache.get(&k(0)).is_some());
        let t = cache.ticket();
        cache.offer(t, &k(2 * n), &Some(vec![0]));
        assert!(cache.get(&k(0)).is_some());
        assert!(cache.get(&k(1)).is_none(), "the oldest generation was dropped");
        let t = cache.ticket();
        cache.offer(t, &k(u32::MAX), &Some(vec![0; MAX_VALUE_BYTES + 1]));
        assert_eq!(cache.get(&k(u32::MAX)), None);
    }

    fn run(prefix: &[u8], after: Option<&[u8]>, keys: &[&[u8]], complete: bool) -> Run {
        let mut run = Run::new(prefix, after);
        for key in keys {
            run.push(key, b"v");
        }
        if complete {
            run.complete();
        }
        run
    }

    #[test]
    fn a_run_answers_only_inside_what_it_covers() {
        let entry = |k: &[u8]| Some(Some((k.to_vec(), b"v".to_vec())));
        let part = run(b"p/", Some(b"p/b"), &[b"p/c", b"p/e"], false);
        assert_eq!(part.answer(b"p/", Some(b"p/b")), entry(b"p/c"));
        assert_eq!(part.answer(b"p/", Some(b"p/d")), entry(b"p/e"), "a cursor between keys");
        assert_eq!(part.answer(b"p/", Some(b"p/a")), None, "before the run's start");
        assert_eq!(part.answer(b"p/", None), None, "from the prefix's start");
        assert_eq!(part.answer(b"p/", Some(b"p/e")), None, "past its end, the prefix may go on");
        assert_eq!(part.answer(b"q/", Some(b"p/b")), None, "another prefix");
        let whole = run(b"p/", None, &[b"p/c"], true);
        assert_eq!(whole.answer(b"p/", None), entry(b"p/c"));
        assert_eq!(whole.answer(b"p/", Some(b"o")), entry(b"p/c"), "a cursor before the prefix");
        assert_eq!(whole.answer(b"p/", Some(b"p/c")), Some(None), "the prefix ends there");
    }

    #[test]
    fn a_run_that_raced_a_write_is_not_kept_and_a_write_drops_runs() {
        let cache = LatestCache::default();
        let before_write = cache.ticket();
        cache.begin_write([k(1)].iter()).succeeded([(&k(1), &None)].into_iter());
        cache.offer_run(before_write, run(b"p/", None, &[b"p/a"], true));
        assert_eq!(cache.next(b"p/", None), None, "read before the write, offered after");
        let t = cache.ticket();
        cache.offer_run(t, run(b"p/", None, &[b"p/a"], true));
        assert!(cache.next(b"p/", None).is_some());
        let write = cache.begin_write([k(2)].iter());
        assert_eq!(cache.next(b"p/", None), None, "a write may change any run");
        drop(write);
    }
}
