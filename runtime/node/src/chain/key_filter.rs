//! The state keys a block in flight writes, as 64-bit hashes.
//!
//! Every state read of the next block (admission's nonce checks, a
//! contract's reads) first looks through the blocks still being written,
//! each an ordered map of a few thousand keys that share long prefixes
//! (a contract's address): a miss there costs a dozen key comparisons.
//! Most reads miss (a new bidder's account, its first bid), and a probe of
//! this set turns them away for the price of one hash. A false "maybe"
//! only costs the search it would have done anyway.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher, Hasher};

/// The hash of a state key. Fixed keys (`DefaultHasher::new`): the filter
/// lives in memory only, and colliding keys merely fall back to the search.
pub(super) fn key_hash(key: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(key);
    hasher.finish()
}

/// A hasher for values that are hashes already.
#[derive(Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 hashes are stored")
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

pub(super) struct KeyFilter(HashSet<u64, BuildHasherDefault<AlreadyHashed>>);

impl KeyFilter {
    pub fn new<'k>(keys: impl ExactSizeIterator<Item = &'k Vec<u8>>) -> Self {
        let mut set = HashSet::with_capacity_and_hasher(keys.len(), BuildHasherDefault::default());
        set.extend(keys.map(|key| key_hash(key)));
        KeyFilter(set)
    }

    /// False only if the block does not write the key hashed to `hash`.
    pub fn may_hold(&self, hash: u64) -> bool {
        self.0.contains(&hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_keys_pass_and_most_others_are_turned_away() {
        let written: Vec<Vec<u8>> = (0u32..1000).map(|i| [b"s/".as_slice(), &i.to_be_bytes()].concat()).collect();
        let filter = KeyFilter::new(written.iter());
        assert!(written.iter().all(|k| filter.may_hold(key_hash(k))));
        let passed = (1000u32..11_000)
            .filter(|i| filter.may_hold(key_hash(&[b"s/".as_slice(), &i.to_be_bytes()].concat())))
            .count();
        assert!(passed < 10, "{passed} of 10,000 unwritten keys passed");
    }
}
