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
