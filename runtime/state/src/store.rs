//! What a state store must provide, the in-memory store, and the pure
//! function that turns a block's changes into a new tree version.

use crate::Version;
use jmt::storage::{HasPreimage, LeafNode, Node, NodeKey, TreeReader, TreeUpdateBatch};
use jmt::{KeyHash, OwnedValue, Sha256Jmt};
use procura_primitives::Hash32;
use sha2::Sha256;
use std::collections::BTreeMap;
use std::ops::Bound;

/// Read access to committed state: the tree (for roots, proofs and past
/// heights) and the latest plain key-value view (for execution).
pub trait StateStore: TreeReader {
    fn latest(&self, key: &[u8]) -> anyhow::Result<Option<Vec<u8>>>;
    /// First entry with `prefix` and key strictly after `after`.
    fn latest_next(&self, prefix: &[u8], after: Option<&[u8]>) -> anyhow::Result<Option<(Vec<u8>, Vec<u8>)>>;
    /// The newest committed version, `None` before genesis.
    fn version(&self) -> anyhow::Result<Option<Version>>;
}

/// Everything one block changes in the state, ready to write atomically.
#[derive(Clone, Debug)]
pub struct StateUpdate {
    pub version: Version,
    pub root: Hash32,
    /// Plain keys: new values, or `None` for removals.
    pub latest: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    pub tree: TreeUpdateBatch,
}

pub fn key_hash(key: &[u8]) -> KeyHash {
    KeyHash::with::<Sha256>(key)
}

/// Applies `changes` on top of the tree at `version - 1` (nothing for
/// version 0) and returns the update for `version`. Pure: writes nothing.
pub fn compute_update(
    store: &impl TreeReader,
    version: Version,
    changes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
) -> anyhow::Result<StateUpdate> {
    let tree = Sha256Jmt::new(store);
    let inserts_only = !changes.is_empty() && changes.values().all(Option::is_some);
    let (root, batch) = if inserts_only {
        // The batch insert builds and hashes each changed node once; one
        // key at a time rebuilt and rehashed the whole path per key (a
        // third of the tree update was SHA-256 of internal nodes). Both give
        // the same root and the same nodes (`tests::batch_insert_matches`);
        // the batch form takes no removals, so blocks with any use the other.
        let set = changes.iter().map(|(k, v)| (key_hash(k), v.clone().expect("inserts only"))).collect();
        let (roots, batch) = tree.batch_put_value_sets(vec![set], None, version)?;
        (roots[0], batch)
    } else {
        let set: Vec<(KeyHash, Option<OwnedValue>)> = changes.iter().map(|(k, v)| (key_hash(k), v.clone())).collect();
        tree.put_value_set(set, version)?
    };
    Ok(StateUpdate { version, root: root.0, latest: changes, tree: batch })
}

/// [`compute_update`] one key at a time, always: the reference the batch
/// path is checked against.
#[cfg(test)]
fn compute_update_sequential(
    store: &impl TreeReader,
    version: Version,
    changes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
) -> anyhow::Result<(jmt::RootHash, TreeUpdateBatch)> {
    let set: Vec<(KeyHash, Option<OwnedValue>)> = changes.iter().map(|(k, v)| (key_hash(k), v.clone())).collect();
    Sha256Jmt::new(store).put_value_set(set, version)
}

/// The state held in memory: tests, tools, and replay into a fresh state.
#[derive(Default, Clone)]
pub struct MemStateStore {
    nodes: BTreeMap<NodeKey, Node>,
    values: BTreeMap<(KeyHash, Version), Option<OwnedValue>>,
    latest: BTreeMap<Vec<u8>, Vec<u8>>,
    version: Option<Version>,
}

impl MemStateStore {
    pub fn apply(&mut self, update: &StateUpdate) {
        for (k, n) in update.tree.node_batch.nodes() {
            self.nodes.insert(k.clone(), n.clone());
        }
        for ((version, hash), value) in update.tree.node_batch.values() {
            self.values.insert((*hash, *version), value.clone());
        }
        for (k, v) in &update.latest {
            match v {
                Some(v) => self.latest.insert(k.clone(), v.clone()),
                None => self.latest.remove(k),
            };
        }
        self.version = Some(update.version);
    }
}

impl TreeReader for MemStateStore {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        Ok(self.nodes.get(node_key).cloned())
    }

    fn get_value_option(&self, max_version: Version, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        Ok(self
            .values
            .range((Bound::Included((key_hash, 0)), Bound::Included((key_hash, max_version))))
            .next_back()
            .and_then(|(_, v)| v.clone()))
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        anyhow::bail!("tree restore is not supported")
    }
}

impl HasPreimage for MemStateStore {
    fn preimage(&self, _key_hash: KeyHash) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(None)
    }
}

impl StateStore for MemStateStore {
    fn latest(&self, key: &[u8]) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(self.latest.get(key).cloned())
    }

    fn latest_next(&self, prefix: &[u8], after: Option<&[u8]>) -> anyhow::Result<Option<(Vec<u8>, Vec<u8>)>> {
        let lower = match after {
            Some(a) if a >= prefix => Bound::Excluded(a),
            _ => Bound::Included(prefix),
        };
        Ok(self
            .latest
            .range::<[u8], _>((lower, Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .next()
            .map(|(k, v)| (k.clone(), v.clone())))
    }

    fn version(&self) -> anyhow::Result<Option<Version>> {
        Ok(self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn bytes(seed: &[u8]) -> Vec<u8> {
        Sha256::digest(seed).to_vec()
    }

    /// The batch insert gives exactly the root, nodes and values of the
    /// one-key-at-a-time insert, block after block: new keys, overwritten
    /// keys, leaves split by new neighbours, blocks with removals (which take
    /// the sequential path).
    #[test]
    fn batch_insert_matches() {
        let mut store = MemStateStore::default();
        for version in 0..12u64 {
            let mut changes = BTreeMap::new();
            let count = [1, 2, 300, 40, 1, 700, 5, 0, 64, 300, 3, 1000][version as usize];
            for i in 0..count {
                // Half new keys, half rewrites of keys from earlier blocks.
                let key = if i % 2 == 0 || version == 0 {
                    bytes(format!("new {version} {i}").as_bytes())
                } else {
                    bytes(format!("new {} {}", i % version, (i * 7) % 300 / 2 * 2).as_bytes())
                };
                changes.insert(key, Some(bytes(format!("value {version} {i}").as_bytes())));
            }
            if version % 4 == 3 {
                changes.insert(bytes(format!("new 2 {}", version * 2).as_bytes()), None);
            }
            let (root, batch) = compute_update_sequential(&store, version, &changes).unwrap();
            let update = compute_update(&store, version, changes).unwrap();
            assert_eq!(update.root, root.0, "root of version {version}");
            assert_eq!(update.tree.node_batch, batch.node_batch, "nodes of version {version}");
            store.apply(&update);
        }
    }
}
