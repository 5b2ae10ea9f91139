//! The storage a call sees and the changes it produces. A call reads through
//! an [`Overlay`] of its own pending writes over a read-only [`Storage`]; the
//! caller commits [`StateChanges`] only if the call succeeded. Ordered maps
//! everywhere: iteration order is part of consensus.

use std::collections::BTreeMap;
use std::ops::Bound;

/// Read access to one contract's key space.
pub trait Storage {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
    /// The first entry whose key starts with `prefix` and is strictly greater
    /// than `after` (or the first with the prefix when `after` is `None`).
    fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)>;
}

impl<T: Storage + ?Sized> Storage for &T {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        (**self).get(key)
    }
    fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)> {
        (**self).next(prefix, after)
    }
}

/// Writes (`Some`) and removals (`None`) a successful call made, by key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateChanges(pub BTreeMap<Vec<u8>, Option<Vec<u8>>>);

impl StateChanges {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &Option<Vec<u8>>)> {
        self.0.iter()
    }
}

/// An in-memory key space: the state of tests, tools and the mock chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemStorage(pub BTreeMap<Vec<u8>, Vec<u8>>);

impl MemStorage {
    pub fn apply(&mut self, changes: &StateChanges) {
        for (key, value) in changes.iter() {
            match value {
                Some(v) => self.0.insert(key.clone(), v.clone()),
                None => self.0.remove(key),
            };
        }
    }
}

fn after_bound<'a>(prefix: &'a [u8], after: Option<&'a [u8]>) -> Bound<&'a [u8]> {
    match after {
        Some(a) if a >= prefix => Bound::Excluded(a),
        _ => Bound::Included(prefix),
    }
}

pub fn first_after<'a, V>(
    map: &'a BTreeMap<Vec<u8>, V>,
    prefix: &[u8],
    after: Option<&[u8]>,
) -> impl Iterator<Item = (&'a Vec<u8>, &'a V)> {
    let lower: Bound<&[u8]> = after_bound(prefix, after);
    let prefix = prefix.to_vec();
    map.range::<[u8], _>((lower, Bound::Unbounded)).take_while(move |(k, _)| k.starts_with(&prefix))
}

impl Storage for MemStorage {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.0.get(key).cloned()
    }
    fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)> {
        first_after(&self.0, prefix, after).next().map(|(k, v)| (k.clone(), v.clone()))
    }
}

/// The first entry with `prefix` after `after` of `pending` writes layered
/// over a base whose own next entry (for a cursor) `base_next` returns.
/// Removed keys (`None`) are skipped and counted. Shared by a call's overlay
/// and the node's block-level pending state.
pub fn merged_next(
    pending: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    base_next: impl Fn(Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)>,
    prefix: &[u8],
    after: Option<&[u8]>,
) -> (Option<(Vec<u8>, Vec<u8>)>, usize) {
    let mut cursor: Option<Vec<u8>> = after.map(|a| a.to_vec());
    let mut skipped = 0;
    loop {
        let base = base_next(cursor.as_deref());
        let next_pending = first_after(pending, prefix, cursor.as_deref()).next();
        let key = match (&base, next_pending) {
            (None, None) => return (None, skipped),
            (Some((bk, _)), None) => bk.clone(),
            (None, Some((pk, _))) => pk.clone(),
            (Some((bk, _)), Some((pk, _))) => pk.min(bk).clone(),
        };
        // A pending change shadows the base's value for the same key.
        let value = match pending.get(&key) {
            Some(change) => change.clone(),
            None => base.map(|(_, v)| v),
        };
        match value {
            Some(v) => return (Some((key, v)), skipped),
            None => {
                skipped += 1;
                cursor = Some(key);
            }
        }
    }
}

/// Pending writes of one call layered over the base storage.
pub struct Overlay<'a> {
    base: &'a dyn Storage,
    changes: StateChanges,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a dyn Storage) -> Self {
        Overlay { base, changes: StateChanges::default() }
    }

    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.changes.0.get(key) {
            Some(pending) => pending.clone(),
            None => self.base.get(key),
        }
    }

    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.changes.0.insert(key, Some(value));
    }

    /// Removes `key`; returns whether it existed. A tombstone is kept only
    /// when the base holds the key, so removals of absent keys leave nothing
    /// for later iteration to skip.
    pub fn remove(&mut self, key: Vec<u8>) -> bool {
        let existed = self.get(&key).is_some();
        if self.base.get(&key).is_some() {
            self.changes.0.insert(key, None);
        } else {
            self.changes.0.remove(&key);
        }
        existed
    }

    /// The next entry of the overlay over its base, skipping keys the call
    /// removed; also returns how many it skipped, so the host can charge.
    pub fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> (Option<(Vec<u8>, Vec<u8>)>, usize) {
        merged_next(&self.changes.0, |cursor| self.base.next(prefix, cursor), prefix, after)
    }

    pub fn into_changes(self) -> StateChanges {
        self.changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> MemStorage {
        let mut m = MemStorage::default();
        for k in [b"a1".as_ref(), b"a3", b"a5", b"b1"] {
            m.0.insert(k.to_vec(), k.to_vec());
        }
        m
    }

    fn collect(o: &Overlay, prefix: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        while let (Some((k, _)), _) = o.next(prefix, after.as_deref()) {
            out.push(k.clone());
            after = Some(k);
        }
        out
    }

    #[test]
    fn overlay_iteration_merges_writes_and_skips_removals() {
        let b = base();
        let mut o = Overlay::new(&b);
        o.set(b"a2".to_vec(), b"x".to_vec());
        assert!(o.remove(b"a3".to_vec()));
        o.set(b"a5".to_vec(), b"new".to_vec());
        assert_eq!(collect(&o, b"a"), vec![b"a1".to_vec(), b"a2".to_vec(), b"a5".to_vec()]);
        assert_eq!(o.get(b"a5"), Some(b"new".to_vec()));
        assert_eq!(o.get(b"a3"), None);
        assert_eq!(collect(&o, b"b"), vec![b"b1".to_vec()]);
        assert_eq!(collect(&o, b"c"), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn removing_everything_in_a_prefix_ends_iteration() {
        let b = base();
        let mut o = Overlay::new(&b);
        for k in [b"a1".as_ref(), b"a3", b"a5"] {
            o.remove(k.to_vec());
        }
        assert_eq!(o.next(b"a", None), (None, 3));
        assert!(!o.remove(b"zz".to_vec()));
        o.set(b"new".to_vec(), b"v".to_vec());
        assert!(o.remove(b"new".to_vec()));
        let changes = o.into_changes();
        assert_eq!(changes.len(), 3, "removing keys the base lacks leaves no tombstone");
    }
}
