//! The database's promises: a block is all or nothing, the head moves with
//! it, it survives reopening, and a foreign schema is refused with advice.

use procura_chain::block::{receipts_root, tx_root};
use procura_chain::{Block, BlockHeader, Receipt, ReceiptStatus};
use procura_primitives::{Address, Event};
use procura_state::{compute_update, StateStore};
use procura_storage::{BlockCommit, Db, StorageError, SCHEMA_VERSION};
use std::collections::BTreeMap;

fn block(height: u64, state_root: [u8; 32]) -> Block {
    let header = BlockHeader {
        height,
        prev_hash: [height as u8; 32],
        timestamp: 1_000 + height,
        proposer: [1; 32],
        tx_root: tx_root(&[]),
        state_root,
        receipts_root: receipts_root(&[]),
    };
    Block { header: procura_chain::SignedHeader { header, signature: [0; 64] }, txs: vec![] }
}

fn receipt(topic: &str) -> Receipt {
    Receipt {
        tx_hash: [5; 32],
        status: ReceiptStatus::Success,
        gas_used: 10,
        return_data: vec![],
        events: vec![Event { contract: Address([3; 32]), topic: topic.into(), payload: vec![1] }],
    }
}

#[test]
fn blocks_state_and_indexes_commit_together_and_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Db::open(dir.path()).unwrap();
        assert_eq!(db.head().unwrap(), None);
        for h in 0..3u64 {
            let mut changes = BTreeMap::new();
            changes.insert(format!("key{h}").into_bytes(), Some(vec![h as u8]));
            let update = compute_update(&db, h, changes).unwrap();
            let b = block(h, update.root);
            db.commit_block(BlockCommit {
                block: &b,
                receipts: &[receipt(if h == 1 { "b" } else { "a" })],
                state: &update,
            })
            .unwrap();
        }
    }
    let db = Db::open(dir.path()).unwrap();
    assert_eq!(db.head().unwrap(), Some(2));
    assert_eq!(db.block(1).unwrap().unwrap().header.header.timestamp, 1_001);
    let stored = db.block(1).unwrap().unwrap();
    assert_eq!(db.height_of(&stored.header.hash()).unwrap(), Some(1));
    assert_eq!(db.height_of(&[0xee; 32]).unwrap(), None);
    assert_eq!(db.latest(b"key1").unwrap(), Some(vec![1]));
    assert_eq!(db.latest_next(b"key", Some(b"key0")).unwrap().unwrap().0, b"key1".to_vec());
    let contract = Address([3; 32]);
    assert_eq!(db.events(&contract, None, 10).unwrap().len(), 3);
    let only_b = db.events(&contract, Some("b"), 10).unwrap();
    assert_eq!((only_b.len(), only_b[0].0), (1, 1));
    assert_eq!(db.receipts(2).unwrap().len(), 1);
}

#[test]
fn a_database_of_another_schema_is_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Db::open(dir.path()).unwrap();
        db.raw_put("meta", b"schema_version", &(SCHEMA_VERSION + 1).to_be_bytes()).unwrap();
    }
    match Db::open(dir.path()) {
        Err(e @ StorageError::Schema { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("schema version 2") && msg.contains("new --data directory"), "{msg}");
        }
        other => panic!("expected a schema error, got {:?}", other.err()),
    }
}

/// Point reads are answered from memory when repeated: whatever a block
/// writes or removes, and whatever a raw write changes, a read (cached or
/// not) must return exactly what RocksDB holds.
#[test]
fn repeated_reads_follow_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path()).unwrap();
    let big = vec![7u8; 10_000];
    let steps: [&[(&str, Option<&[u8]>)]; 4] = [
        &[("a", Some(b"1")), ("big", Some(&big))],
        &[("a", Some(b"2")), ("b", Some(b"x"))],
        &[("a", None), ("big", Some(b"small"))],
        &[("b", Some(b"y")), ("a", Some(b"3"))],
    ];
    let keys = ["a", "b", "big", "never"];
    let check = |db: &Db| {
        for key in keys {
            let raw = db.raw_get("state_latest", key.as_bytes()).unwrap();
            // Twice: the first may fill the cache, the second reads it.
            assert_eq!(db.latest(key.as_bytes()).unwrap(), raw, "{key}");
            assert_eq!(db.latest(key.as_bytes()).unwrap(), raw, "{key}, again");
        }
    };
    check(&db);
    for (h, step) in steps.iter().enumerate() {
        let changes = step.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(<[u8]>::to_vec))).collect();
        let update = compute_update(&db, h as u64, changes).unwrap();
        db.commit_block(BlockCommit { block: &block(h as u64, update.root), receipts: &[], state: &update }).unwrap();
        check(&db);
    }
    assert_eq!(db.latest(b"a").unwrap(), Some(b"3".to_vec()));
    db.raw_put("state_latest", b"a", b"tampered").unwrap();
    check(&db);
    assert_eq!(db.latest(b"a").unwrap(), Some(b"tampered".to_vec()));
}

/// A scan of `prefix` one entry at a time, as a contract walks a map.
fn walk(db: &Db, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    while let Some(entry) = db.latest_next(prefix, out.last().map(|(k, _)| k.as_slice())).unwrap() {
        out.push(entry);
    }
    out
}

fn raw_entries(db: &Db, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    db.entries("state_latest")
        .map(|e| e.unwrap())
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k.to_vec(), v.to_vec()))
        .collect()
}

/// Scans are read ahead and answered from memory (see `latest_cache`):
/// every step, from any cursor, must still return exactly what RocksDB
/// holds, through writes that add, change and remove keys inside a run.
#[test]
fn scans_follow_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path()).unwrap();
    let key = |i: u32| format!("m/{i:03}").into_bytes();
    let commit = |h: u64, changes: BTreeMap<Vec<u8>, Option<Vec<u8>>>| {
        let update = compute_update(&db, h, changes).unwrap();
        db.commit_block(BlockCommit { block: &block(h, update.root), receipts: &[], state: &update }).unwrap();
    };
    let check = |db: &Db| {
        let raw = raw_entries(db, b"m/");
        assert_eq!(walk(db, b"m/"), raw);
        assert_eq!(walk(db, b"m/"), raw, "again, from what was read ahead");
        // From cursors that are not keys, and from before the prefix.
        for cursor in [&b"m/0405"[..], b"m/", b"l", b"m/999"] {
            let expected = raw.iter().find(|(k, _)| k.as_slice() > cursor).cloned();
            assert_eq!(db.latest_next(b"m/", Some(cursor)).unwrap(), expected, "{cursor:?}");
        }
        assert_eq!(db.latest_next(b"n/", None).unwrap(), None);
    };
    commit(0, (0..100).map(|i| (key(i * 2), Some(vec![i as u8]))).collect());
    check(&db);
    // Start a walk, then a block adds a key just ahead of it and removes
    // the one after: the walk goes on through the new state.
    assert_eq!(db.latest_next(b"m/", None).unwrap().unwrap().0, key(0));
    let mut changes: BTreeMap<_, _> = [(key(1), Some(b"new".to_vec())), (key(2), None)].into();
    changes.extend((50..60).map(|i| (key(i * 2), Some(b"changed".to_vec()))));
    commit(1, changes);
    assert_eq!(db.latest_next(b"m/", Some(&key(0))).unwrap(), Some((key(1), b"new".to_vec())));
    assert_eq!(db.latest_next(b"m/", Some(&key(1))).unwrap().unwrap().0, key(4));
    check(&db);
    commit(2, (0..200).map(|i| (key(i), None)).collect());
    check(&db);
    assert!(walk(&db, b"m/").is_empty());
}
