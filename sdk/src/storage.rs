//! Typed storage in the spirit of cw-storage-plus. Values are Borsh encoded;
//! map keys use an order-preserving encoding ([`MapKey`]) so iteration is in
//! key order. Every namespace is length-prefixed so `bid` and `bids` can never
//! overlap.

use crate::host;
use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use core::marker::PhantomData;
use procura_primitives::Address;

fn namespaced(namespace: &[u8], key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + namespace.len() + key.len());
    out.push(namespace.len() as u8);
    out.extend_from_slice(namespace);
    out.extend_from_slice(key);
    out
}

fn decode<T: BorshDeserialize>(bytes: &[u8]) -> T {
    match borsh::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => host::abort(&alloc::format!("corrupt storage value: {e}")),
    }
}

fn encode<T: BorshSerialize>(value: &T) -> Vec<u8> {
    borsh::to_vec(value).unwrap_or_default()
}

/// A single stored value.
pub struct Item<T> {
    key: &'static [u8],
    _value: PhantomData<T>,
}

impl<T: BorshSerialize + BorshDeserialize> Item<T> {
    pub const fn new(key: &'static str) -> Self {
        Item { key: key.as_bytes(), _value: PhantomData }
    }
    fn full_key(&self) -> Vec<u8> {
        namespaced(self.key, &[])
    }
    pub fn load(&self) -> Option<T> {
        host::storage_read(&self.full_key()).map(|b| decode(&b))
    }
    pub fn save(&self, value: &T) {
        host::storage_write(&self.full_key(), &encode(value))
    }
    pub fn remove(&self) {
        host::storage_remove(&self.full_key());
    }
    pub fn exists(&self) -> bool {
        host::storage_has(&self.full_key())
    }
}

/// A key whose byte encoding sorts like the key itself.
pub trait MapKey: Sized {
    fn to_key(&self) -> Vec<u8>;
    fn from_key(bytes: &[u8]) -> Option<Self>;
}

/// Keys of a fixed width, usable as the first part of a composite key.
pub trait FixedKey: MapKey {
    const WIDTH: usize;
}

macro_rules! int_key {
    ($($t:ty),*) => {$(
        impl MapKey for $t {
            fn to_key(&self) -> Vec<u8> { self.to_be_bytes().to_vec() }
            fn from_key(bytes: &[u8]) -> Option<Self> { Some(<$t>::from_be_bytes(bytes.try_into().ok()?)) }
        }
        impl FixedKey for $t { const WIDTH: usize = core::mem::size_of::<$t>(); }
    )*};
}
int_key!(u8, u16, u32, u64, u128);

impl MapKey for Address {
    fn to_key(&self) -> Vec<u8> {
        self.0.to_vec()
    }
    fn from_key(bytes: &[u8]) -> Option<Self> {
        Some(Address(bytes.try_into().ok()?))
    }
}
impl FixedKey for Address {
    const WIDTH: usize = 32;
}

impl MapKey for [u8; 32] {
    fn to_key(&self) -> Vec<u8> {
        self.to_vec()
    }
    fn from_key(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok()
    }
}
impl FixedKey for [u8; 32] {
    const WIDTH: usize = 32;
}

/// Strings are raw bytes, so only usable as the last part of a key.
impl MapKey for String {
    fn to_key(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
    fn from_key(bytes: &[u8]) -> Option<Self> {
        String::from_utf8(bytes.to_vec()).ok()
    }
}

impl<A: FixedKey, B: MapKey> MapKey for (A, B) {
    fn to_key(&self) -> Vec<u8> {
        let mut k = self.0.to_key();
        k.extend(self.1.to_key());
        k
    }
    fn from_key(bytes: &[u8]) -> Option<Self> {
        if bytes.len() < A::WIDTH {
            return None;
        }
        Some((A::from_key(&bytes[..A::WIDTH])?, B::from_key(&bytes[A::WIDTH..])?))
    }
}

/// A map from typed keys to typed values, iterable in key order.
pub struct Map<K, V> {
    namespace: &'static [u8],
    _types: PhantomData<(K, V)>,
}

impl<K: MapKey, V: BorshSerialize + BorshDeserialize> Map<K, V> {
    pub const fn new(namespace: &'static str) -> Self {
        Map { namespace: namespace.as_bytes(), _types: PhantomData }
    }
    fn full_key(&self, key: &K) -> Vec<u8> {
        namespaced(self.namespace, &key.to_key())
    }
    pub fn get(&self, key: &K) -> Option<V> {
        host::storage_read(&self.full_key(key)).map(|b| decode(&b))
    }
    pub fn set(&self, key: &K, value: &V) {
        host::storage_write(&self.full_key(key), &encode(value))
    }
    /// Returns whether the key was present.
    pub fn remove(&self, key: &K) -> bool {
        host::storage_remove(&self.full_key(key))
    }
    pub fn has(&self, key: &K) -> bool {
        host::storage_has(&self.full_key(key))
    }
    /// Every entry, in key order.
    pub fn iter(&self) -> MapIter<K, V> {
        MapIter::new(namespaced(self.namespace, &[]))
    }
}

impl<A: FixedKey, B: MapKey, V: BorshSerialize + BorshDeserialize> Map<(A, B), V> {
    /// The entries whose key starts with `first`, in key order.
    pub fn prefix(&self, first: &A) -> MapIter<(A, B), V> {
        let mut iter = MapIter::new(namespaced(self.namespace, &first.to_key()));
        iter.key_offset = 1 + self.namespace.len();
        iter
    }
}

/// Iterates a map (or part of one) through the host's ordered `storage_next`.
pub struct MapIter<K, V> {
    prefix: Vec<u8>,
    key_offset: usize,
    after: Option<Vec<u8>>,
    done: bool,
    _types: PhantomData<(K, V)>,
}

impl<K, V> MapIter<K, V> {
    fn new(prefix: Vec<u8>) -> Self {
        let key_offset = prefix.len();
        MapIter { prefix, key_offset, after: None, done: false, _types: PhantomData }
    }
}

impl<K: MapKey, V: BorshDeserialize> Iterator for MapIter<K, V> {
    type Item = (K, V);
    fn next(&mut self) -> Option<(K, V)> {
        if self.done {
            return None;
        }
        let Some((key, value)) = host::storage_next(&self.prefix, self.after.as_deref()) else {
            self.done = true;
            return None;
        };
        let typed = match K::from_key(&key[self.key_offset..]) {
            Some(k) => k,
            None => host::abort("corrupt storage key"),
        };
        self.after = Some(key);
        Some((typed, decode(&value)))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::testing::MockHost;
    use alloc::vec;

    #[test]
    fn maps_iterate_in_key_order_and_namespaces_do_not_overlap() {
        MockHost::reset();
        let bids: Map<u64, u32> = Map::new("bid");
        let bids2: Map<u64, u32> = Map::new("bids");
        for k in [300u64, 2, 70_000, 1] {
            bids.set(&k, &(k as u32));
        }
        bids2.set(&5, &5);
        let keys: Vec<u64> = bids.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![1, 2, 300, 70_000]);
        assert!(bids.remove(&2));
        assert!(!bids.remove(&2));
        assert_eq!(bids.iter().count(), 3);
        assert_eq!(bids2.iter().count(), 1);
    }

    #[test]
    fn composite_keys_iterate_by_prefix() {
        MockHost::reset();
        let m: Map<(u64, Address), u8> = Map::new("m");
        m.set(&(1, Address([9; 32])), &1);
        m.set(&(1, Address([3; 32])), &2);
        m.set(&(2, Address([1; 32])), &3);
        let got: Vec<(Address, u8)> = m.prefix(&1).map(|((_, a), v)| (a, v)).collect();
        assert_eq!(got, vec![(Address([3; 32]), 2), (Address([9; 32]), 1)]);
        assert_eq!(m.prefix(&2).count(), 1);
        assert_eq!(m.prefix(&3).count(), 0);
    }

    #[test]
    fn items_round_trip() {
        MockHost::reset();
        let item: Item<String> = Item::new("name");
        assert!(item.load().is_none());
        item.save(&String::from("tender"));
        assert_eq!(item.load().as_deref(), Some("tender"));
        item.remove();
        assert!(!item.exists());
    }
}
