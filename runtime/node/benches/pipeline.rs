//! Node pipeline benchmark (a bench binary, not a timed test): sustained
//! signed `submit_bid` calls through admission, execution, the state tree
//! and fsync'd block commits, with the per-tx cost split measured in the
//! same run.
//!
//! Then replays the chain with `audit verify`, from the database and from an
//! exported chain file.
//!
//!   cargo bench --workspace --profile dev --bench pipeline [-- TXS BLOCK_SIZE]
//!
//! (defaults: 100,000 calls, 1,000 per block).

use ed25519_dalek::SigningKey;
use procura_chain::{check_presigned, contract_address, Action, SignedTransaction, Transaction};
use procura_node::chain::{Chain, NonceView, TxSignatures};
use procura_node::genesis::GenesisConfig;
use procura_primitives::Address;
use sealed_bid::{commitment, Bid, TenderParams};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn contracts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/contracts")
}

fn tx(key: &SigningKey, nonce: u64, contract: Address, method: &str, args: Vec<u8>) -> SignedTransaction {
    Transaction {
        chain_id: "procura-dev".into(),
        signer: key.verifying_key().to_bytes(),
        nonce,
        gas_limit: 1_000_000,
        action: Action::Call { contract, method: method.into(), args },
    }
    .sign(key)
}

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let total = *args.first().unwrap_or(&100_000) as usize;
    let block_size = *args.get(1).unwrap_or(&1_000) as usize;
    let dir = tempfile::tempdir().unwrap();
    let validator = SigningKey::from_bytes(&[0x11; 32]);
    let genesis = GenesisConfig::dev(hex::encode(validator.verifying_key().to_bytes()), vec!["sealed-bid".into()]);
    let mut chain = Chain::open(dir.path(), genesis.clone(), &contracts_dir(), Some(validator)).unwrap();
    let code = std::fs::read(contracts_dir().join("sealed-bid.wasm")).unwrap();
    let contract = contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0);
    let buyer = SigningKey::from_bytes(&[1; 32]);
    let far = 4_000_000_000u64;
    let params = TenderParams {
        description_hash: [1; 32],
        budget: u128::MAX,
        currency: "EUR".into(),
        bid_deadline: far,
        reveal_deadline: far + 1,
        min_bids: 1,
        standstill_secs: 60,
    };
    chain
        .produce(vec![tx(&buyer, 0, contract, "open_tender", borsh::to_vec(&(params,)).unwrap())], 1_800_000_000)
        .unwrap();

    // Signed transactions from distinct bidders, prepared before timing.
    let encoded: Vec<Vec<u8>> = (0..total)
        .map(|i| {
            let mut seed = [7u8; 32];
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let key = SigningKey::from_bytes(&seed);
            let bidder = procura_chain::account_address(&key.verifying_key().to_bytes());
            let c = commitment(&Bid { tender_id: 0, bidder, price: 1_000 + i as u128 }, &[9; 32]);
            tx(&key, 0, contract, "submit_bid", borsh::to_vec(&(0u64, c)).unwrap()).encode()
        })
        .collect();

    let (mut admit_t, mut exec_t, mut state_t, mut commit_t) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut blocks = 0;
    let started = Instant::now();
    for chunk in encoded.chunks(block_size) {
        let t = Instant::now();
        // Admission as the node's API does it: decode and verify on every
        // core (HTTP handlers run on all of them), then nonces in order.
        let txs: Vec<SignedTransaction> =
            chunk.iter().map(|b| SignedTransaction::decode(b).expect("decodes")).collect();
        assert!(procura_chain::first_bad_signature(&txs).is_none());
        let pending = Default::default();
        let view = NonceView::new(&chain.db, &pending);
        for tx in &txs {
            check_presigned(tx, &chain.rules, &view).expect("admitted");
        }
        admit_t += t.elapsed();
        let (_, receipts) = chain.produce_with(txs, 1_800_000_001, TxSignatures::Verified).unwrap();
        assert!(receipts.iter().all(|r| r.status == procura_chain::ReceiptStatus::Success));
        exec_t += chain.last_timings.execute;
        state_t += chain.last_timings.state_update;
        commit_t += chain.last_timings.commit;
        blocks += 1;
    }
    let elapsed = started.elapsed();
    let per_tx = |d: Duration| d.as_secs_f64() * 1e6 / total as f64;
    let floor_us = per_tx(admit_t) + per_tx(exec_t) + per_tx(state_t) + per_tx(commit_t);
    println!("procura node pipeline: {total} signed submit_bid calls, {block_size} per block, fsync'd blocks");
    println!("  throughput          {:>10.0} txs/s", total as f64 / elapsed.as_secs_f64());
    println!("  blocks              {:>10.1} blocks/s ({blocks} blocks)", blocks as f64 / elapsed.as_secs_f64());
    println!(
        "  mean block commit   {:>10.2} ms (RocksDB batch + WAL fsync)",
        commit_t.as_secs_f64() * 1e3 / blocks as f64
    );
    println!("  per-tx cost split (µs): admission (decode + ed25519 verify + nonce) {:.2}, execute {:.2}, state tree {:.2}, commit {:.2}; sum {:.2}",
        per_tx(admit_t), per_tx(exec_t), per_tx(state_t), per_tx(commit_t), floor_us);

    // Audit replay of the same chain from genesis in a fresh scratch state:
    // from the database (then every stored record compared), and from a
    // chain file exported from it.
    drop(chain);
    let db = procura_storage::Db::open(&dir.path().join("db")).unwrap();
    let replay = |what: &str, report: &procura_node::audit::VerifyReport, end_to_end: Duration| {
        let secs = report.elapsed.as_secs_f64();
        println!(
            "  audit verify {what:<6} {:>9.0} calls/s, {:.1} blocks/s ({} blocks, {} txs replayed in {:.2} s; {:.2} s \
             end to end; {} modules compiled)",
            report.txs as f64 / secs,
            report.blocks as f64 / secs,
            report.blocks,
            report.txs,
            secs,
            end_to_end.as_secs_f64(),
            report.modules_compiled
        );
    };
    let t = Instant::now();
    let report = procura_node::audit::verify(&db, genesis.clone(), &contracts_dir(), false).unwrap();
    replay("--data", &report, t.elapsed());
    let file = dir.path().join("chain.procura");
    let t = Instant::now();
    procura_node::export::export(&db, &genesis, &contracts_dir(), &file).unwrap();
    println!(
        "  export              {:>10.2} s ({:.1} MB)",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&file).unwrap().len() as f64 / 1e6
    );
    let t = Instant::now();
    let report = procura_node::audit::verify_file(&file, false).unwrap();
    replay("--file", &report, t.elapsed());
}
