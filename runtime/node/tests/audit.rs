//! `audit verify`: a clean chain passes, from its database and from a chain
//! file; one changed byte anywhere (a block header, a transaction, a receipt,
//! a state value, a code blob, a block in a chain file) is reported at the
//! right height, every time: each test loops over several heights and byte
//! positions.

mod common;
use common::*;
use procura_chain::{Action, Block, Transaction};
use procura_node::audit::{first_bad_signature, verify, verify_file, VerifyError, VerifyReport};
use procura_node::export::{export, import, ExportError, ExportReader};
use procura_storage::{cf, Db};
use std::path::{Path, PathBuf};

/// The tender (blocks 1–4) plus block 5, which uploads a second code blob.
fn chain_on_disk() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open_chain(dir.path(), true);
    run_tender(&mut chain);
    let code = std::fs::read(contracts_dir().join("supplier-registry.wasm")).unwrap();
    let key = user(5);
    let upload = Transaction {
        chain_id: "procura-dev".into(),
        signer: key.verifying_key().to_bytes(),
        nonce: 0,
        gas_limit: 5_000_000,
        action: Action::UploadCode { code },
    }
    .sign(&key);
    let (_, receipts) = chain.produce(vec![upload], T0 + 3_000).unwrap();
    assert_eq!(receipts[0].status, procura_chain::ReceiptStatus::Success);
    dir
}

const HEAD: u64 = 5;

fn open_db(dir: &Path) -> Db {
    Db::open(&dir.join("db")).unwrap()
}

fn check(db: &Db) -> Result<VerifyReport, VerifyError> {
    verify(db, genesis(), &contracts_dir(), false)
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] ^= 0x01;
    out
}

/// Writes `tampered` under `key` of `cf`, verifies, restores the original.
fn with_tampered(db: &Db, cf: &str, key: &[u8], tampered: &[u8]) -> VerifyError {
    let original = db.raw_get(cf, key).unwrap().expect("the record exists");
    db.raw_put(cf, key, tampered).unwrap();
    let result = check(db);
    db.raw_put(cf, key, &original).unwrap();
    result.expect_err("a tampered database must not verify")
}

#[test]
fn a_clean_chain_verifies_and_compiles_each_module_once() {
    let dir = chain_on_disk();
    let report = check(&open_db(dir.path())).unwrap();
    assert_eq!((report.blocks, report.txs), (HEAD, 12));
    // sealed-bid was compiled when the scratch genesis was built; its 11
    // calls and the upload of supplier-registry compile one module in all.
    assert_eq!(report.modules_compiled, 1);
}

#[test]
fn a_changed_byte_in_a_block_header_is_caught_at_its_height() {
    let dir = chain_on_disk();
    let db = open_db(dir.path());
    // Header: height 8, prev hash 32, time 8, proposer 32, three roots 96,
    // then the 64-byte signature; one position in each field.
    for height in 0..=HEAD {
        for at in [0, 20, 45, 60, 100, 200, 239] {
            let key = height.to_be_bytes();
            let stored = db.raw_get(cf::BLOCKS, &key).unwrap().unwrap();
            let err = with_tampered(&db, cf::BLOCKS, &key, &flip(&stored, at));
            assert!(
                matches!(err, VerifyError::Block { height: h, .. } if h == height),
                "byte {at} of block {height}'s header: {err}"
            );
            if height == 0 {
                assert!(err.to_string().contains("genesis differs"), "{err}");
            }
        }
    }
}

/// A block whose header claims another state root, signed by the proposer
/// (so only re-execution can tell), is reported at its own height, though
/// its root is checked on the commit thread while the next block is checked
/// (and refused, its parent hash no longer matching).
#[test]
fn a_signed_header_with_a_wrong_state_root_is_caught_at_its_height() {
    let dir = chain_on_disk();
    let db = open_db(dir.path());
    for height in 1..=HEAD {
        let mut forged = db.block(height).unwrap().unwrap();
        forged.header.header.state_root = [9; 32];
        forged.header = forged.header.header.clone().sign(&validator());
        let key = height.to_be_bytes();
        let err = with_tampered(&db, cf::BLOCKS, &key, &borsh::to_vec(&forged).unwrap());
        assert!(
            matches!(&err, VerifyError::Block { height: h, what } if *h == height && what.contains("state root mismatch")),
            "block {height}: {err}"
        );
    }
}

/// Where each transaction's encoding starts inside a stored block.
fn tx_offsets(block: &Block) -> Vec<usize> {
    let mut at = 240 + 4; // signed header, then the u32 tx count
    block
        .txs
        .iter()
        .map(|tx| {
            let start = at;
            at += tx.encode().len();
            start
        })
        .collect()
}

#[test]
fn a_changed_byte_in_a_stored_transaction_is_caught_at_its_height_and_index() {
    let dir = chain_on_disk();
    let db = open_db(dir.path());
    let mut cases = 0;
    for height in 1..=HEAD {
        let key = height.to_be_bytes();
        let stored = db.raw_get(cf::BLOCKS, &key).unwrap().unwrap();
        let block = db.block(height).unwrap().unwrap();
        for (index, start) in tx_offsets(&block).into_iter().enumerate() {
            let tx = &block.txs[index];
            let signer_at = start + 4 + tx.tx.chain_id.len();
            let len = tx.encode().len();
            // A byte of the signer, of the nonce, the action's last, the signature's last.
            for at in [signer_at + 3, signer_at + 32, start + len - 65, start + len - 1] {
                let tampered = flip(&stored, at);
                let err = with_tampered(&db, cf::BLOCKS, &key, &tampered);
                let forged: Block = borsh::from_slice(&tampered).unwrap();
                match &err {
                    VerifyError::Tx { height: h, index: i, hash, .. } => {
                        assert_eq!((*h, *i), (height, index), "{err}");
                        assert_eq!(*hash, hex::encode(forged.txs[index].hash()), "the report names the tx found");
                    }
                    other => panic!("byte {at} of block {height} (tx {index}): expected a tx error, got {other}"),
                }
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 12 * 4);
}

#[test]
fn a_changed_receipt_is_caught_at_its_height_and_index() {
    let dir = chain_on_disk();
    let db = open_db(dir.path());
    let keys: Vec<Box<[u8]>> = db.entries(cf::RECEIPTS).map(|e| e.unwrap().0).collect();
    assert_eq!(keys.len(), 12);
    for key in &keys {
        let height = u64::from_be_bytes(key[..8].try_into().unwrap());
        let index = u32::from_be_bytes(key[8..].try_into().unwrap()) as usize;
        let stored = db.raw_get(cf::RECEIPTS, key).unwrap().unwrap();
        // Bytes of the tx hash (and of the gas used, after a success tag):
        // still a receipt, a wrong one.
        let positions: &[usize] = if stored[32] == 0 { &[0, 31, 33] } else { &[0, 31] };
        for &at in positions {
            let err = with_tampered(&db, cf::RECEIPTS, key, &flip(&stored, at));
            assert!(
                matches!(err, VerifyError::Receipt { height: h, index: i, .. } if (h, i) == (height, index)),
                "byte {at} of receipt {index} at {height}: {err}"
            );
        }
        // Anywhere else (possibly no longer decodable): still this height.
        let err = with_tampered(&db, cf::RECEIPTS, key, &flip(&stored, stored.len() - 1));
        assert_eq!(err.height(), Some(height), "last byte of receipt {index} at {height}: {err}");
    }
}

/// The height of the last write of plain state `key`, read independently
/// of the audit: the highest version of its key hash in the stored tree.
fn last_write_in_tree(db: &Db, key: &[u8]) -> u64 {
    let hash = procura_state::store::key_hash(key).0;
    db.entries(cf::JMT_VALUES)
        .map(|e| e.unwrap().0)
        .filter(|k| k[..32] == hash)
        .map(|k| u64::from_be_bytes(k[32..].try_into().unwrap()))
        .max()
        .expect("the key is in the tree")
}

/// Tampers one byte of the value of each of `keys` in turn; each must be
/// reported as a state error naming the key and its last write's height.
fn state_tamper_reports_key_and_height(db: &Db, keys: &[Vec<u8>], at: impl Fn(usize) -> usize) -> Vec<u64> {
    let mut heights = Vec::new();
    for key in keys {
        let stored = db.raw_get(cf::STATE_LATEST, key).unwrap().unwrap();
        let err = with_tampered(db, cf::STATE_LATEST, key, &flip(&stored, at(stored.len())));
        let expected = last_write_in_tree(db, key);
        match &err {
            VerifyError::State { key: k, last_written, .. } => {
                assert_eq!(*k, hex::encode(key));
                assert_eq!(*last_written, Some(expected), "{err}");
            }
            other => panic!("state key {}: expected a state error, got {other}", hex::encode(key)),
        }
        assert!(err.to_string().contains(&format!("last written by block {expected}")), "{err}");
        heights.push(expected);
    }
    heights
}

#[test]
fn a_changed_state_value_is_caught_with_its_key_and_last_write() {
    let dir = chain_on_disk();
    let db = open_db(dir.path());
    let keys: Vec<Vec<u8>> = db
        .entries(cf::STATE_LATEST)
        .map(|e| e.unwrap().0.to_vec())
        .filter(|k| k[0] != b'c') // code blobs: next test
        .filter(|k| !db.raw_get(cf::STATE_LATEST, k).unwrap().unwrap().is_empty())
        .collect();
    assert!(keys.len() > 10, "{} state keys", keys.len());
    // Two keys per height of last write, so every height that wrote state
    // is covered, not one lucky case.
    let mut per_height = std::collections::BTreeMap::<u64, Vec<Vec<u8>>>::new();
    for key in keys {
        let at = per_height.entry(last_write_in_tree(&db, &key)).or_default();
        if at.len() < 2 {
            at.push(key);
        }
    }
    assert!(per_height.len() >= 5, "last writes at {:?}", per_height.keys());
    let chosen: Vec<_> = per_height.into_values().flatten().collect();
    let heights = state_tamper_reports_key_and_height(&db, &chosen, |len| len - 1);
    assert!(heights.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn a_changed_code_blob_is_caught_with_its_key_and_upload_height() {
    let dir = chain_on_disk();
    let db = open_db(dir.path());
    let code_keys: Vec<Vec<u8>> =
        db.entries(cf::STATE_LATEST).map(|e| e.unwrap().0.to_vec()).filter(|k| k[0] == b'c').collect();
    let positions: [fn(usize) -> usize; 3] = [|len| len / 2, |len| len - 1, |_| 8];
    for at in positions {
        let mut heights = state_tamper_reports_key_and_height(&db, &code_keys, at);
        heights.sort();
        assert_eq!(heights, vec![0, HEAD], "sealed-bid at genesis, supplier-registry uploaded in block {HEAD}");
    }
}

#[test]
fn a_changed_tree_value_is_caught_at_its_version() {
    let dir = chain_on_disk();
    let db = open_db(dir.path());
    let entries: Vec<(Box<[u8]>, Box<[u8]>)> = db.entries(cf::JMT_VALUES).map(|e| e.unwrap()).collect();
    for (key, value) in entries.iter().step_by(5) {
        let version = u64::from_be_bytes(key[32..].try_into().unwrap());
        let err = with_tampered(&db, cf::JMT_VALUES, key, &flip(value, value.len() - 1));
        assert!(
            matches!(&err, VerifyError::Record { cf: "jmt_values", height: Some(v), .. } if *v == version),
            "{err}"
        );
    }
}

fn exported(dir: &Path) -> PathBuf {
    let file = dir.join("chain.procura");
    let db = open_db(dir);
    assert_eq!(export(&db, &genesis(), &contracts_dir(), &file).unwrap(), HEAD + 1);
    file
}

/// (height, first byte, end) of each block record of a chain file.
fn block_records(file: &Path) -> Vec<(u64, usize, usize)> {
    let mut reader = ExportReader::open(file).unwrap();
    let mut out = Vec::new();
    loop {
        let start = reader.offset() as usize;
        match reader.next_block().unwrap() {
            Some(b) => out.push((b.height(), start, reader.offset() as usize)),
            None => return out,
        }
    }
}

#[test]
fn a_chain_file_verifies_offline_like_the_database() {
    let dir = chain_on_disk();
    let file = exported(dir.path());
    let from_db = check(&open_db(dir.path())).unwrap();
    let from_file = verify_file(&file, false).unwrap();
    assert_eq!(
        (from_file.blocks, from_file.txs, from_file.head_hash),
        (from_db.blocks, from_db.txs, from_db.head_hash)
    );
}

#[test]
fn a_changed_byte_in_a_chain_file_block_is_caught_at_its_height() {
    let dir = chain_on_disk();
    let file = exported(dir.path());
    let bytes = std::fs::read(&file).unwrap();
    let records = block_records(&file);
    assert_eq!(records.len() as u64, HEAD + 1);
    let tampered = dir.path().join("tampered.procura");
    for (height, start, end) in records {
        let payload = start + 5; // tag u8, length u32
        let mut positions = vec![start + 1, payload, payload + 20, payload + 100, payload + 239];
        if end > payload + 244 {
            positions.extend([payload + 250, (payload + end) / 2, end - 1]); // inside the transactions
        }
        for at in positions {
            std::fs::write(&tampered, flip(&bytes, at)).unwrap();
            let err = verify_file(&tampered, false).expect_err("a tampered file must not verify");
            assert_eq!(err.height(), Some(height), "byte {at} (block {height} is bytes {start}..{end}): {err}");
        }
    }
}

#[test]
fn a_truncated_or_garbled_chain_file_is_an_error_naming_where() {
    let dir = chain_on_disk();
    let file = exported(dir.path());
    let bytes = std::fs::read(&file).unwrap();
    let records = block_records(&file);
    let damaged = dir.path().join("damaged.procura");
    // Cut everywhere interesting: in the header, the contracts, inside and
    // between blocks, inside the end record.
    let mut cuts = vec![0, 10, 20, 100, 1000, bytes.len() - 1, bytes.len() - 20];
    for &(_, start, end) in &records {
        cuts.extend([start, start + 3, (start + end) / 2]);
    }
    for cut in cuts {
        std::fs::write(&damaged, &bytes[..cut]).unwrap();
        let err = verify_file(&damaged, false).expect_err("a truncated file must not verify");
        let text = err.to_string();
        match err {
            VerifyError::File(ExportError::Magic) => assert!(cut < 16, "cut at {cut}: {text}"),
            VerifyError::File(ExportError::Truncated { offset, .. }) => assert_eq!(offset, cut as u64, "{text}"),
            other => panic!("cut at {cut}: expected a truncation error, got {other}"),
        }
        assert!(text.contains("truncated") || text.contains("not a procura chain file"), "{text}");
    }
    if let Some(&(height, start, _)) = records.iter().find(|r| r.0 == 2) {
        std::fs::write(&damaged, &bytes[..start + 10]).unwrap();
        assert_eq!(verify_file(&damaged, false).unwrap_err().height(), Some(height));
    }
    // A record tag that is neither block nor end, and trailing bytes.
    let (_, start, _) = records[3];
    let mut bad_tag = bytes.clone();
    bad_tag[start] = 7;
    std::fs::write(&damaged, &bad_tag).unwrap();
    let err = verify_file(&damaged, false).unwrap_err();
    assert!(err.to_string().contains(&format!("byte {start}")) && err.height() == Some(3), "{err}");
    let mut trailing = bytes.clone();
    trailing.push(0);
    std::fs::write(&damaged, &trailing).unwrap();
    assert!(verify_file(&damaged, false).unwrap_err().to_string().contains("trailing bytes"));
    // Another format version; not a chain file at all.
    let mut version = bytes.clone();
    version[16] = 9;
    std::fs::write(&damaged, &version).unwrap();
    assert!(matches!(verify_file(&damaged, false), Err(VerifyError::File(ExportError::Version { found: 9, .. }))));
    std::fs::write(&damaged, b"{\"chain_id\": \"procura-dev\"}").unwrap();
    assert!(matches!(verify_file(&damaged, false), Err(VerifyError::File(ExportError::Magic))));
}

#[test]
fn import_verifies_into_a_new_directory_and_refuses_bad_input() {
    let dir = chain_on_disk();
    let file = exported(dir.path());
    let target = dir.path().join("imported");
    let report = import(&file, &target, false).unwrap();
    assert_eq!((report.blocks, report.txs), (HEAD, 12));
    // The imported directory is a node data directory with the same chain.
    let genesis = procura_node::genesis::GenesisConfig::load(&target.join("genesis.json")).unwrap();
    let imported = verify(&open_db(&target), genesis, &target.join("contracts"), false).unwrap();
    assert_eq!(imported.head_hash, report.head_hash);
    // A non-empty directory is refused and left alone.
    let err = import(&file, &target, false).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    // A tampered file leaves no directory behind.
    let (_, start, _) = block_records(&file)[4];
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(dir.path().join("bad.procura"), flip(&bytes, start + 5 + 100)).unwrap();
    let refused = dir.path().join("refused");
    let err = import(&dir.path().join("bad.procura"), &refused, false).unwrap_err();
    assert_eq!(err.height(), Some(4), "{err}");
    assert!(!refused.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".procura-import"))
        .collect();
    assert!(leftovers.is_empty(), "the staging directory is removed");
}

#[test]
fn parallel_signature_checks_name_the_first_bad_transaction() {
    let txs: Vec<_> = (0..300u64).map(|n| call(&user(7), n, "submit_bid", vec![n as u8])).collect();
    assert_eq!(first_bad_signature(&txs), None);
    for bad in [[0, 299], [150, 151], [77, 298], [298, 299], [5, 250]] {
        let mut forged = txs.clone();
        for i in bad {
            forged[i].signature[10] ^= 1;
        }
        assert_eq!(first_bad_signature(&forged), Some(bad[0].min(bad[1])), "bad at {bad:?}");
    }
    let mut last = txs.clone();
    last[299].signature[0] ^= 1;
    assert_eq!(first_bad_signature(&last), Some(299));
    let mut small = txs[..5].to_vec();
    small[3].tx.nonce += 1;
    assert_eq!(first_bad_signature(&small), Some(3));
}
