//! `audit verify`: a clean chain passes; a changed byte in a stored block, a
//! receipt or a state value is reported, at the right height or key.

mod common;
use common::*;
use procura_node::audit::{verify, VerifyError};
use procura_node::genesis::GenesisConfig;
use procura_storage::Db;

fn chain_on_disk() -> (tempfile::TempDir, GenesisConfig) {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open_chain(dir.path(), true);
    run_tender(&mut chain);
    (dir, genesis())
}

fn check(dir: &std::path::Path, genesis: GenesisConfig) -> Result<procura_node::audit::VerifyReport, VerifyError> {
    let db = Db::open(&dir.join("db")).unwrap();
    verify(&db, genesis, &contracts_dir(), false)
}

#[test]
fn a_clean_chain_verifies() {
    let (dir, genesis) = chain_on_disk();
    let report = check(dir.path(), genesis).unwrap();
    assert_eq!((report.blocks, report.txs), (4, 11));
}

#[test]
fn a_changed_byte_in_a_stored_block_is_caught_at_its_height() {
    let (dir, genesis) = chain_on_disk();
    {
        let db = Db::open(&dir.path().join("db")).unwrap();
        let mut block = db.block(2).unwrap().unwrap();
        if let procura_chain::Action::Call { args, .. } = &mut block.txs[1].tx.action {
            let last = args.len() - 1;
            args[last] ^= 1; // one byte of a reveal's salt
        }
        db.raw_put("blocks", &2u64.to_be_bytes(), &borsh::to_vec(&block).unwrap()).unwrap();
    }
    match check(dir.path(), genesis) {
        Err(VerifyError::Block { height: 2, what }) => assert!(what.contains("tx root"), "{what}"),
        other => panic!("expected a tx-root error at height 2, got {other:?}"),
    }
}

#[test]
fn a_changed_receipt_is_caught_at_its_height() {
    let (dir, genesis) = chain_on_disk();
    {
        let db = Db::open(&dir.path().join("db")).unwrap();
        let mut receipts = db.receipts(3).unwrap();
        receipts[1].gas_used += 1;
        let mut key = 3u64.to_be_bytes().to_vec();
        key.extend_from_slice(&1u32.to_be_bytes());
        db.raw_put("receipts", &key, &borsh::to_vec(&receipts[1]).unwrap()).unwrap();
    }
    match check(dir.path(), genesis) {
        Err(VerifyError::Block { height: 3, what }) => assert!(what.contains("receipt 1"), "{what}"),
        other => panic!("expected a receipt error at height 3, got {other:?}"),
    }
}

#[test]
fn a_changed_state_value_is_caught_with_its_key() {
    let (dir, genesis) = chain_on_disk();
    let buyer = procura_chain::account_address(&user(1).verifying_key().to_bytes());
    let key = procura_state::StateKey::account(&buyer);
    {
        let db = Db::open(&dir.path().join("db")).unwrap();
        let forged = borsh::to_vec(&procura_state::Account { next_nonce: 99 }).unwrap();
        db.raw_put("state_latest", &key, &forged).unwrap();
    }
    match check(dir.path(), genesis) {
        Err(VerifyError::State { key: k, .. }) => assert_eq!(k, hex::encode(&key)),
        other => panic!("expected a state error, got {other:?}"),
    }
}
