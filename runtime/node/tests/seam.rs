//! The ordering seam (`consensus::NodeApp`) in process: the proposer's
//! propose → commit (solo mode's whole path) and a replica's validate →
//! commit (what the BFT engine drives) reach the same head; transactions
//! stay in the mempool until their block commits; a decided block that does
//! not re-execute to its header halts the replica instead of committing.

mod common;
use common::*;
use procura_node::consensus::NodeApp;
use procura_node::mempool::{Mempool, MempoolLimits};
use procura_node::node::NodeState;
use std::sync::{Arc, Mutex};

fn app(dir: &std::path::Path, proposer: bool) -> NodeApp {
    let state = NodeState {
        chain: open_chain(dir, proposer),
        mempool: Mempool::new(MempoolLimits::default()),
        blocks: tokio::sync::broadcast::channel(16).0,
        contracts: Vec::new(),
        web_dir: None,
        clock: None,
        head: Arc::default(),
        forward: None,
    };
    NodeApp::new(Arc::new(Mutex::new(state)), 100)
}

fn submit(app: &NodeApp, tx: procura_chain::SignedTransaction) {
    let mut s = app.state.lock().unwrap();
    let size = borsh::to_vec(&tx).unwrap().len();
    s.mempool.push(tx, size).unwrap();
}

#[test]
fn proposer_and_replica_commit_through_one_path_and_a_disagreeing_block_halts() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut a, mut b) = (app(a_dir.path(), true), app(b_dir.path(), false));
    let buyer = user(1);
    submit(
        &a,
        call(&buyer, 0, "open_tender", borsh::to_vec(&(params(T0 + 10_000_000_000, T0 + 10_000_000_001),)).unwrap()),
    );
    assert!(a.has_work());
    let block = a.propose(1).unwrap();
    assert_eq!(block.txs.len(), 1);
    // Proposed, not decided: the transaction is still pending.
    assert!(a.has_work() && a.head() == 0);
    let proposer = block.header.header.proposer;
    b.validate(1, Some(&proposer), &block).unwrap();
    assert!(b.validate(1, Some(&user(9).verifying_key().to_bytes()), &block).is_err(), "wrong proposer accepted");
    // Re-proposed in a later round by another validator: the builder is
    // not that round's proposer, and the block is still valid.
    b.validate(1, None, &block).unwrap();
    a.commit(&block).unwrap();
    b.commit(&block).unwrap();
    assert!(!a.has_work(), "the committed transaction left the mempool");
    assert_eq!((a.head(), b.head()), (1, 1));
    let root = |x: &NodeApp| x.state.lock().unwrap().chain.head().clone();
    assert_eq!(root(&a), root(&b));
    // A replayed decision of the same block is a no-op; another block at
    // that height is a halt.
    b.commit(&block).unwrap();

    submit(
        &a,
        call(&buyer, 1, "open_tender", borsh::to_vec(&(params(T0 + 10_000_000_000, T0 + 10_000_000_001),)).unwrap()),
    );
    let next = a.propose(2).unwrap();
    let mut forged = next.clone();
    forged.header.header.state_root = [9; 32];
    forged.header = forged.header.header.clone().sign(&validator());
    let why = b.validate(2, Some(&proposer), &forged).unwrap_err();
    assert!(why.contains("state root mismatch"), "{why}");
    let halt = b.commit(&forged).unwrap_err();
    assert!(
        halt.to_string().contains("HALT at height 2") && halt.to_string().contains("does not re-execute"),
        "{halt}"
    );
    assert_eq!(b.head(), 1, "nothing was committed");
    b.commit(&next).unwrap();
    assert_eq!(root(&b), {
        a.commit(&next).unwrap();
        root(&a)
    });
}
