//! Determinism guard: the same chain (a sealed-bid tender, an open tender
//! consulting the supplier registry, a code upload) built with the module
//! cache cold, warm (one Vm reused), loaded from disk (a cache directory a
//! previous run filled), and on one or two threads at once gives the same
//! block hash, state root and receipts root at every height.

mod common;

use common::*;
use open_tender::{commitment, Bid};
use procura_chain::{
    account_address, contract_address, Action, Receipt, ReceiptStatus, SignedTransaction, Transaction,
};
use procura_node::chain::Chain;
use procura_node::genesis::GenesisConfig;
use procura_primitives::{Address, Hash32};
use procura_vm::Vm;
use std::path::Path;
use std::sync::Arc;

/// Per block: header hash, state root, receipts root; and every receipt.
#[derive(Debug, PartialEq, Eq)]
struct Trace {
    roots: Vec<(Hash32, Hash32, Hash32)>,
    receipts: Vec<Vec<Receipt>>,
}

fn genesis() -> GenesisConfig {
    let contracts = ["sealed-bid", "open-tender", "supplier-registry"].map(String::from).to_vec();
    GenesisConfig::dev(hex::encode(validator().verifying_key().to_bytes()), contracts)
}

fn address_of(name: &str) -> Address {
    let code = std::fs::read(contracts_dir().join(format!("{name}.wasm"))).expect("build the contracts first");
    contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0)
}

fn tx(key: &ed25519_dalek::SigningKey, nonce: u64, action: Action) -> SignedTransaction {
    let signer = key.verifying_key().to_bytes();
    Transaction { chain_id: "procura-dev".into(), signer, nonce, gas_limit: 50_000_000, action }.sign(key)
}

fn call(key: &ed25519_dalek::SigningKey, nonce: u64, contract: &str, method: &str, args: Vec<u8>) -> SignedTransaction {
    tx(key, nonce, Action::Call { contract: address_of(contract), method: method.into(), args })
}

/// The open-tender part: registration and bids checked in the registry
/// within one block, then a code upload of a bundled contract.
fn open_tender_blocks() -> Vec<Vec<SignedTransaction>> {
    let (buyer, acme, stranger) = (user(21), user(22), user(23));
    let (params, lots) = below_threshold_tender(Some(address_of("supplier-registry")));
    let bidder = |k: &ed25519_dalek::SigningKey| account_address(&k.verifying_key().to_bytes());
    let sealed =
        |k| commitment(&Bid { tender_id: 0, lot_id: 0, bidder: bidder(k), price: 900, life_cycle_cost: 0 }, &[3; 32]);
    let payments = std::fs::read(contracts_dir().join("contract-payments.wasm")).unwrap();
    vec![
        vec![
            call(&buyer, 0, "open-tender", "open_tender", borsh::to_vec(&(params, lots)).unwrap()),
            call(&acme, 0, "supplier-registry", "register", borsh::to_vec(&("UA-EDR:40996564", "Acme")).unwrap()),
            call(&acme, 1, "open-tender", "submit_bid", borsh::to_vec(&(0u64, 0u32, sealed(&acme))).unwrap()),
            call(&stranger, 0, "open-tender", "submit_bid", borsh::to_vec(&(0u64, 0u32, sealed(&stranger))).unwrap()),
        ],
        vec![tx(&stranger, 1, Action::UploadCode { code: payments })],
    ]
}

/// Builds the chain in `dir`; with `vm`, executes on that (warm) Vm.
fn build(dir: &Path, vm: Option<Arc<Vm>>) -> (Trace, Arc<Vm>) {
    let mut chain = Chain::open(dir, genesis(), &contracts_dir(), Some(validator())).unwrap();
    if let Some(vm) = vm {
        chain.executor.vm = vm;
    }
    let mut blocks = run_tender(&mut chain);
    for (i, txs) in open_tender_blocks().into_iter().enumerate() {
        blocks.push(chain.produce(txs, T0 + 3_000 + i as u64).unwrap().0);
    }
    let mut trace = Trace { roots: Vec::new(), receipts: Vec::new() };
    for h in 0..=chain.head().height {
        let block = chain.db.block(h).unwrap().unwrap();
        let header = &block.header.header;
        trace.roots.push((header.hash(), header.state_root, header.receipts_root));
        trace.receipts.push((0..block.txs.len() as u32).map(|i| chain.db.receipt(h, i).unwrap().unwrap()).collect());
    }
    (trace, chain.executor.vm.clone())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn cold_warm_disk_cached_and_concurrent_builds_agree_block_for_block() {
    let cold_dir = tempfile::tempdir().unwrap();
    let (cold, vm) = build(cold_dir.path(), None);
    assert_eq!(cold.roots.len(), 7, "genesis, four tender blocks, two open-tender blocks");
    // The scenario really ran: the registry was consulted within the block.
    let eligibility = &cold.receipts[5];
    assert_eq!(eligibility[..3].iter().map(|r| &r.status).collect::<Vec<_>>(), [&ReceiptStatus::Success; 3]);
    assert!(matches!(&eligibility[3].status, ReceiptStatus::Failure(m) if m.contains("not eligible")));
    assert_eq!(cold.receipts[6][0].status, ReceiptStatus::Success, "upload");
    assert!(vm.cache_stats().compiled >= 4, "{:?}", vm.cache_stats());

    // Warm: the same Vm, every module already compiled in memory.
    let warm_dir = tempfile::tempdir().unwrap();
    let before = vm.cache_stats();
    let (warm, _) = build(warm_dir.path(), Some(vm.clone()));
    let after = vm.cache_stats();
    assert_eq!(after.compiled, before.compiled, "nothing recompiled on the warm Vm");
    assert!(after.memory_hits > before.memory_hits);
    assert_eq!(warm, cold, "warm cache");

    // From disk: a new node whose module cache a previous run filled.
    let disk_dir = tempfile::tempdir().unwrap();
    copy_dir(&cold_dir.path().join("module-cache"), &disk_dir.path().join("module-cache"));
    let (disk, disk_vm) = build(disk_dir.path(), None);
    let stats = disk_vm.cache_stats();
    assert_eq!(stats.compiled, 0, "every module came from disk: {stats:?}");
    assert!(stats.disk_hits >= 4, "{stats:?}");
    assert_eq!(disk, cold, "modules loaded from disk");

    // Two chains built at once on two threads (each with its own cold Vm,
    // both executing at the same time) against the single-threaded run.
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (t1, t2) = std::thread::scope(|s| {
        let a = s.spawn(|| build(d1.path(), None).0);
        let b = s.spawn(|| build(d2.path(), None).0);
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(t1, cold, "thread 1 of 2");
    assert_eq!(t2, cold, "thread 2 of 2");
}

/// Blocks of 32 or more transactions (so they execute on several threads)
/// full of dependencies a transaction run ahead of its turn could miss: one
/// buyer's chained nonces, bids on tenders opened earlier in the same block,
/// a bidder replacing and withdrawing its bid, the registry consulted in the
/// block that registers the supplier, code uploaded and a contract
/// instantiated and called in one block, awards that scan every bid, and
/// complaints racing the award of their own tender.
fn parallel_blocks() -> Vec<(u64, Vec<SignedTransaction>)> {
    let buyer = user(31);
    let bidders: Vec<_> = (40u8..80).map(user).collect();
    let tenders = 6u64;
    let tender_of = |k: usize| k as u64 % tenders;
    let price = |k: usize, round: u128| 500 + 10 * k as u128 + round;
    let sb = |key, nonce, method: &str, args| call(key, nonce, "sealed-bid", method, args);
    let (bid_deadline, reveal_deadline) = (T0 + 100, T0 + 200);
    // Bidder 1 also sends a refused bid; bidder 3 withdraws; the others
    // from 2 on replace their bid. Each sender's nonces follow from that.
    let replaces = |k: usize| k >= 2 && k != 3;
    let reveal_nonce = |k: usize| if k == 1 || replaces(k) { 2 } else { 1 };

    let mut opening: Vec<_> = (0..tenders)
        .map(|t| sb(&buyer, t, "open_tender", borsh::to_vec(&(params(bid_deadline, reveal_deadline),)).unwrap()))
        .collect();
    for (k, b) in bidders.iter().enumerate() {
        let (_, _, c) = sealed(tender_of(k), b, price(k, 0));
        opening.push(sb(b, 0, "submit_bid", borsh::to_vec(&(tender_of(k), c)).unwrap()));
    }
    // Refused: the buyer bids in its own tender; a tender that does not exist.
    opening.push(sb(&buyer, tenders, "submit_bid", borsh::to_vec(&(0u64, [9u8; 32])).unwrap()));
    opening.push(sb(&bidders[1], 1, "submit_bid", borsh::to_vec(&(99u64, [9u8; 32])).unwrap()));
    opening.extend(open_tender_blocks().remove(0));

    // Replacements, a withdrawal, an upload, and a second sealed-bid
    // instance.
    let mut second = Vec::new();
    for (k, b) in bidders.iter().enumerate().filter(|(k, _)| replaces(*k)) {
        let (_, _, c) = sealed(tender_of(k), b, price(k, 1));
        second.push(sb(b, 1, "submit_bid", borsh::to_vec(&(tender_of(k), c)).unwrap()));
    }
    second.push(sb(&bidders[3], 1, "withdraw_bid", borsh::to_vec(&(tender_of(3),)).unwrap()));
    second.extend(open_tender_blocks().remove(1));
    let code = std::fs::read(contracts_dir().join("sealed-bid.wasm")).unwrap();
    let code_hash = procura_vm::code_hash(&code);
    let creator = user(90);
    let instance = contract_address(&account_address(&creator.verifying_key().to_bytes()), &code_hash, 5);
    second.push(tx(&creator, 0, Action::Instantiate { code_hash, init_args: vec![], salt: 5 }));

    // Admission refuses a call to a contract that is not committed yet, so
    // the new instance is first used in the next block.
    let open_on_instance = borsh::to_vec(&(params(reveal_deadline, reveal_deadline + 1),)).unwrap();
    let mut reveals = vec![tx(
        &user(91),
        0,
        Action::Call { contract: instance, method: "open_tender".into(), args: open_on_instance },
    )];
    for (k, b) in bidders.iter().enumerate().filter(|(k, _)| *k != 3) {
        let (bid, salt, _) = sealed(tender_of(k), b, price(k, u128::from(replaces(k))));
        reveals.push(sb(b, reveal_nonce(k), "reveal_bid", borsh::to_vec(&(tender_of(k), bid, salt)).unwrap()));
    }

    let mut closing = Vec::new();
    let mut buyer_nonce = tenders + 1;
    for t in 0..tenders {
        for method in ["evaluate", "award"] {
            closing.push(sb(&buyer, buyer_nonce, method, borsh::to_vec(&(t,)).unwrap()));
            buyer_nonce += 1;
        }
        // The first complaint from a bidder suspends the award; the others
        // find it suspended (bidder 3 withdrew and may not complain).
        for (k, b) in bidders.iter().enumerate().filter(|(k, _)| tender_of(*k) == t).take(4) {
            let nonce = if k == 3 { 2 } else { reveal_nonce(k) + 1 };
            closing.push(sb(b, nonce, "complain", borsh::to_vec(&(t, String::from("price"))).unwrap()));
        }
    }
    vec![(T0 + 10, opening), (T0 + 50, second), (bid_deadline, reveals), (reveal_deadline, closing)]
}

#[test]
fn blocks_executed_on_one_two_and_four_threads_agree_receipt_for_receipt() {
    let blocks = parallel_blocks();
    assert!(blocks.iter().all(|(_, txs)| txs.len() >= 32), "every block takes the parallel path");
    let run = |threads: usize| {
        let dir = tempfile::tempdir().unwrap();
        let mut chain = Chain::open(dir.path(), genesis(), &contracts_dir(), Some(validator())).unwrap();
        chain.set_execution_threads(threads);
        let mut trace = Trace { roots: Vec::new(), receipts: Vec::new() };
        let mut stats = procura_node::executor::ParallelStats::default();
        for (time, txs) in &blocks {
            let count = txs.len();
            let (block, receipts) = chain.produce(txs.clone(), *time).unwrap();
            assert_eq!(receipts.len(), count, "every transaction is admissible");
            let header = &block.header.header;
            trace.roots.push((header.hash(), header.state_root, header.receipts_root));
            trace.receipts.push(receipts);
            let p = chain.last_timings.parallel;
            stats.in_order += p.in_order;
            stats.run_ahead += p.run_ahead;
            stats.reexecuted += p.reexecuted;
        }
        (trace, stats)
    };
    let (serial, serial_stats) = run(1);
    assert_eq!(serial_stats.run_ahead + serial_stats.reexecuted, 0);
    // The scenario did what it says, so agreement below means something.
    let failures = |b: usize| serial.receipts[b].iter().filter(|r| r.status != ReceiptStatus::Success).count();
    let failed = |b: usize, i: usize, what: &str| matches!(&serial.receipts[b][i].status, ReceiptStatus::Failure(m) if m.contains(what));
    assert!(failed(0, 46, "buyer cannot bid"), "{:?}", serial.receipts[0][46]);
    assert!(failed(0, 47, "does not exist"), "{:?}", serial.receipts[0][47]);
    assert!(failed(0, 51, "not eligible"), "{:?}", serial.receipts[0][51]);
    assert_eq!(failures(0), 3);
    assert_eq!(failures(1), 0, "replacements, withdrawal, upload, instantiate");
    assert_eq!(failures(2), 0, "a tender opened on the new instance; every remaining bid reveals");
    let awards = serial.receipts[3].chunks(6).filter(|c| c[1].status == ReceiptStatus::Success).count();
    assert_eq!(awards, 6, "every tender is awarded");
    assert_eq!(failures(3), 6 * 3, "one complaint per tender suspends it; three find it suspended");

    // Which transactions helpers run ahead depends on scheduling: every run
    // must agree, and runs repeat (boundedly) until both outcomes of a run
    // ahead, kept and thrown away, have been seen; on a loaded machine the
    // helpers may start too late to take part in a run.
    let total: usize = blocks.iter().map(|(_, txs)| txs.len()).sum();
    for threads in [2, 4] {
        let mut seen = procura_node::executor::ParallelStats::default();
        for _ in 0..10 {
            let (parallel, stats) = run(threads);
            assert_eq!(parallel, serial, "{threads} threads: {stats:?}");
            assert_eq!(stats.in_order + stats.run_ahead + stats.reexecuted, total);
            seen.run_ahead += stats.run_ahead;
            seen.reexecuted += stats.reexecuted;
            if seen.run_ahead > 0 && seen.reexecuted > 0 {
                break;
            }
        }
        assert!(
            seen.run_ahead > 0 && seen.reexecuted > 0,
            "{threads} threads: runs ahead kept and thrown away: {seen:?}"
        );
    }
}
