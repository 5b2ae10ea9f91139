//! Crash safety: kill -9 the node while it commits blocks, many times. After
//! each restart it opens at a complete block no lower than any height it had
//! reported, and at the end the whole chain re-executes, root for root, on a
//! fresh node.

mod common;
#[path = "common/process.rs"]
mod process;
use common::*;
use process::*;
use procura_node::chain::Chain;
use procura_node::genesis::GenesisConfig;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const CYCLES: usize = 12;

/// Submits open_tender calls from a few accounts as fast as the node takes
/// them, until told to stop; errors (the node dying) just end the loop.
fn load(url: String, stop: Arc<AtomicBool>, seen_height: Arc<AtomicU64>) {
    let accounts: Vec<_> = (20..24).map(user).collect();
    let client =
        |path: &str| ureq::get(&format!("{url}{path}")).call().ok()?.body_mut().read_json::<serde_json::Value>().ok();
    let mut nonces: Vec<u64> = accounts
        .iter()
        .map(|k| {
            let a = procura_chain::account_address(&k.verifying_key().to_bytes());
            client(&format!("/v1/accounts/{a}")).and_then(|v| v["next_nonce"].as_u64()).unwrap_or(0)
        })
        .collect();
    let far = 4_000_000_000u64;
    while !stop.load(Ordering::SeqCst) {
        for (i, k) in accounts.iter().enumerate() {
            let tx = call(k, nonces[i], "open_tender", borsh::to_vec(&(params(far, far + 1),)).unwrap());
            let body = json!({ "tx": hex::encode(tx.encode()) }).to_string();
            match ureq::post(&format!("{url}/v1/tx")).content_type("application/json").send(body.as_bytes()) {
                Ok(_) => nonces[i] += 1,
                Err(_) => return,
            }
        }
        if let Some(h) = client("/v1/head").and_then(|v| v["height"].as_u64()) {
            seen_height.fetch_max(h, Ordering::SeqCst);
        }
    }
}

#[test]
fn kill_9_during_commits_loses_no_committed_block() {
    let dir = tempfile::tempdir().unwrap();
    let mut highest_seen = 0u64;
    for cycle in 0..CYCLES {
        let mut node = NodeProcess::start(dir.path());
        let (_, head) = node.get("/v1/head").unwrap();
        let reopened_at = head["height"].as_u64().unwrap();
        assert!(
            reopened_at >= highest_seen,
            "cycle {cycle}: reopened at {reopened_at}, but {highest_seen} was committed"
        );
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(AtomicU64::new(reopened_at));
        let loader = {
            let (url, stop, seen) = (node.url.clone(), stop.clone(), seen.clone());
            std::thread::spawn(move || load(url, stop, seen))
        };
        std::thread::sleep(Duration::from_millis(300 + 97 * (cycle as u64 % 7)));
        node.kill9();
        stop.store(true, Ordering::SeqCst);
        loader.join().unwrap();
        highest_seen = highest_seen.max(seen.load(Ordering::SeqCst));
    }
    assert!(highest_seen >= CYCLES as u64, "the load produced blocks ({highest_seen})");

    // Re-execute the whole surviving chain on a fresh node.
    let genesis = GenesisConfig::load(&dir.path().join("genesis.json")).unwrap();
    let survivor = Chain::open(dir.path(), genesis.clone(), &contracts_dir(), None).unwrap();
    let head = survivor.head().height;
    assert!(head >= highest_seen);
    let fresh_dir = tempfile::tempdir().unwrap();
    let mut fresh = Chain::open(fresh_dir.path(), genesis, &contracts_dir(), None).unwrap();
    assert_eq!(fresh.genesis_hash().unwrap(), survivor.genesis_hash().unwrap());
    for h in 1..=head {
        let block = survivor.db.block(h).unwrap().unwrap_or_else(|| panic!("block {h} missing"));
        fresh.apply(&block).unwrap_or_else(|e| panic!("block {h} does not verify: {e}"));
    }
    assert_eq!(fresh.head().hash(), survivor.head().hash());
    eprintln!("{CYCLES} kill -9 cycles: {head} blocks survive and re-execute root for root (highest height reported before a kill: {highest_seen})");
}
