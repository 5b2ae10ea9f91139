//! The floor: what one signed `submit_bid` cannot cost less than on this
//! machine, measured piece by piece (single thread each).

use super::timing::{median_us, micros_per};
use ed25519_dalek::SigningKey;
use procura_chain::{Action, SignedTransaction, Transaction};
use procura_primitives::Address;
use procura_state::{compute_update, MemStateStore};
use procura_vm::{CallContext, CallRequest, Contract, MemStorage, Metering, Mode, Vm, VmConfig};
use sealed_bid::{commitment, Bid, TenderParams};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Keys a `submit_bid` writes into the authenticated state: the bid record,
/// the tender record and the signer's account (nonce).
pub const STATE_WRITES_PER_BID: usize = 3;
/// Signatures per batch in the floor's batched figure (the largest
/// `SharedChecks` chunk, which blocks of 500 or more use).
pub const VERIFY_BATCH: usize = procura_chain::signatures::MAX_CHUNK;
/// Block size the floor's fsync is shared by.
pub const FLOOR_BLOCK_SIZE: usize = 1_000;

/// Microseconds per operation.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Floor {
    /// One transaction's signature under the chain's rule
    /// (`procura_chain::ed25519`: ZIP-215), checked alone.
    pub verify_us: f64,
    /// The same with ed25519-dalek's `verify_strict`, the rule before
    /// batching, for comparison.
    pub verify_strict_us: f64,
    /// Per signature, batches of `VERIFY_BATCH` on one thread, keys never
    /// seen before.
    pub verify_batch_us: f64,
    /// The same with every key decoded before (an account's later
    /// transactions: the checker keeps decoded keys).
    pub verify_batch_known_us: f64,
    /// Per signature, 1,000 transactions verified in batches on every core
    /// (`procura_chain::verify_all`, what admission and replay do).
    pub verify_parallel_us: f64,
    /// sha256 of an encoded `submit_bid` transaction (`tx_bytes` long).
    pub sha256_tx_us: f64,
    pub tx_bytes: usize,
    /// Instantiate a cached module and make a call that does nothing.
    pub instantiate_call_us: f64,
    /// Sealed-bid `submit_bid` on a cached module, metered, state in memory.
    pub submit_bid_us: f64,
    /// One key written into the state tree (Jellyfish Merkle, in memory),
    /// amortised over a block of `FLOOR_BLOCK_SIZE × 3` writes.
    pub state_write_us: f64,
    /// One RocksDB `WriteBatch` of a block's size (`FLOOR_BLOCK_SIZE`
    /// transactions' bytes) with the WAL fsync'd.
    pub fsync_batch_us: f64,
}

impl Floor {
    /// One transaction's share of everything: its signature (batched, as the
    /// node checks them), hash, execute, its state writes and its share of
    /// the block's fsync.
    pub fn per_tx_us(&self) -> f64 {
        self.verify_batch_us
            + self.sha256_tx_us
            + self.submit_bid_us
            + STATE_WRITES_PER_BID as f64 * self.state_write_us
            + self.fsync_batch_us / FLOOR_BLOCK_SIZE as f64
    }

    /// [`Floor::per_tx_us`] with signature checks spread over `cores`, as
    /// the node does.
    pub fn per_tx_us_parallel_verify(&self, cores: usize) -> f64 {
        self.per_tx_us() - self.verify_batch_us + self.verify_batch_us / cores.max(1) as f64
    }
}

const T0: u64 = 1_000_000;

fn ctx(caller: Address, time: u64) -> CallContext {
    CallContext { caller, contract: Address([0xc0; 32]), block_height: 1, block_time: time }
}

pub fn submit_bid_tx(
    key: &SigningKey,
    nonce: u64,
    contract: Address,
    tender_id: u64,
    price: u128,
) -> SignedTransaction {
    let bidder = procura_chain::account_address(&key.verifying_key().to_bytes());
    let c = commitment(&Bid { tender_id, bidder, price }, &salt_of(key));
    Transaction {
        chain_id: "procura-dev".into(),
        signer: key.verifying_key().to_bytes(),
        nonce,
        gas_limit: 1_000_000,
        action: Action::Call {
            contract,
            method: "submit_bid".into(),
            args: borsh::to_vec(&(tender_id, c)).expect("encodes"),
        },
    }
    .sign(key)
}

/// Each bench bidder's salt, derived from its key so reveals can rebuild it.
pub fn salt_of(key: &SigningKey) -> [u8; 32] {
    Sha256::digest(key.to_bytes()).into()
}

pub fn bidder_key(i: u64) -> SigningKey {
    let mut seed = [7u8; 32];
    seed[..8].copy_from_slice(&i.to_le_bytes());
    SigningKey::from_bytes(&seed)
}

pub fn measure(contracts_dir: &Path) -> anyhow::Result<Floor> {
    let tx = submit_bid_tx(&bidder_key(1), 0, Address([0xc0; 32]), 0, 1_000);
    let encoded = tx.encode();
    let verify_us = median_us(|_| assert!(tx.verify_signature()));
    let strict_key = ed25519_dalek::VerifyingKey::from_bytes(&tx.tx.signer)?;
    let signature = ed25519_dalek::Signature::from_bytes(&tx.signature);
    let verify_strict_us = median_us(|_| assert!(strict_key.verify_strict(&tx.tx.signing_bytes(), &signature).is_ok()));
    let (verify_batch_us, verify_batch_known_us, verify_parallel_us) = batch_verify_us();
    let sha256_tx_us = median_us(|_| {
        std::hint::black_box(Sha256::digest(std::hint::black_box(&encoded)));
    });

    let vm = Vm::new(VmConfig { metering: Metering::Metered, ..VmConfig::default() })?;
    let noop = wat::parse_str(r#"(module (memory (export "memory") 1 1) (func (export "noop")))"#)?;
    let noop = vm.prepare(&noop)?;
    let empty = MemStorage::default();
    let instantiate_call_us = median_us(|_| {
        let req = CallRequest {
            ctx: ctx(Address::ZERO, 0),
            method: "noop",
            input: &[],
            gas_limit: 1_000_000,
            mode: Mode::Call,
        };
        assert!(vm.execute(&noop, req, &empty).is_ok());
    });

    let code = std::fs::read(contracts_dir.join("sealed-bid.wasm")).map_err(|e| {
        anyhow::anyhow!("cannot read sealed-bid.wasm in {} ({e}): run scripts/build-contracts", contracts_dir.display())
    })?;
    let sealed = vm.prepare(&code)?;
    let storage = open_tender_in_memory(&vm, &sealed);
    let submit_bid_us = median_us(|i| {
        let bidder = Address(Sha256::digest(i.to_le_bytes()).into());
        let c = commitment(&Bid { tender_id: 0, bidder, price: 500 + i as u128 }, &[7; 32]);
        let input = borsh::to_vec(&(0u64, c)).expect("encodes");
        let req = CallRequest {
            ctx: ctx(bidder, T0 + 10),
            method: "submit_bid",
            input: &input,
            gas_limit: 100_000_000,
            mode: Mode::Call,
        };
        let o = vm.execute(&sealed, req, &storage);
        assert!(o.is_ok(), "{:?}", o.status);
    });

    Ok(Floor {
        verify_us,
        verify_strict_us,
        verify_batch_us,
        verify_batch_known_us,
        verify_parallel_us,
        sha256_tx_us,
        tx_bytes: encoded.len(),
        instantiate_call_us,
        submit_bid_us,
        state_write_us: state_write_us()?,
        fsync_batch_us: fsync_batch_us(encoded.len())?,
    })
}

fn open_tender_in_memory(vm: &Vm, sealed: &Arc<Contract>) -> MemStorage {
    let mut storage = MemStorage::default();
    let params = TenderParams {
        description_hash: [1; 32],
        budget: u128::MAX,
        currency: "EUR".into(),
        bid_deadline: T0 + 1_000,
        reveal_deadline: T0 + 2_000,
        min_bids: 1,
        standstill_secs: 10,
    };
    let input = borsh::to_vec(&(params,)).expect("encodes");
    let req = CallRequest {
        ctx: ctx(Address([0xb0; 32]), T0),
        method: "open_tender",
        input: &input,
        gas_limit: 100_000_000,
        mode: Mode::Call,
    };
    let o = vm.execute(sealed, req, &storage);
    assert!(o.is_ok(), "{:?}", o.status);
    storage.apply(&o.changes);
    storage
}

/// Per signature: batches of [`VERIFY_BATCH`] on one thread (new keys, then
/// known ones), and 1,000 transactions of new keys on every core.
fn batch_verify_us() -> (f64, f64, f64) {
    const TXS: usize = 1_000;
    let txs: Vec<SignedTransaction> =
        (0..TXS as u64).map(|i| submit_bid_tx(&bidder_key(i), 0, Address([0xc0; 32]), 0, 1_000 + i as u128)).collect();
    let batch = &txs[..VERIFY_BATCH];
    // Keys never seen before: the checker keeps decoded keys, and an
    // account's later transactions cost less (the pipeline's reveals).
    let one_thread = median_us(|_| {
        procura_chain::ed25519::forget_keys();
        assert!(procura_chain::verify_batch(batch).iter().all(|ok| *ok))
    });
    let known = median_us(|_| assert!(procura_chain::verify_batch(batch).iter().all(|ok| *ok)));
    let every_core = median_us(|_| {
        procura_chain::ed25519::forget_keys();
        assert!(procura_chain::first_bad_signature(&txs).is_none())
    });
    (one_thread / VERIFY_BATCH as f64, known / VERIFY_BATCH as f64, every_core / TXS as f64)
}

/// Per key: blocks of `FLOOR_BLOCK_SIZE × 3` new keys into a tree that
/// already holds 30,000; median over 9 blocks.
fn state_write_us() -> anyhow::Result<f64> {
    let keys_per_block = FLOOR_BLOCK_SIZE * STATE_WRITES_PER_BID;
    let block = |version: u64| -> BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        (0..keys_per_block as u64)
            .map(|i| {
                let key = Sha256::digest((version * 1_000_000 + i).to_le_bytes()).to_vec();
                (key, Some(vec![0x5a; 120]))
            })
            .collect()
    };
    let mut store = MemStateStore::default();
    for version in 0..10 {
        let update = compute_update(&store, version, block(version))?;
        store.apply(&update);
    }
    let mut per_key = Vec::new();
    for version in 10..19 {
        let changes = block(version);
        let started = Instant::now();
        let update = compute_update(&store, version, changes)?;
        per_key.push(micros_per(started.elapsed(), keys_per_block));
        store.apply(&update);
    }
    per_key.sort_by(f64::total_cmp);
    Ok(per_key[per_key.len() / 2])
}

/// A synced batch the size of a block of `FLOOR_BLOCK_SIZE` transactions,
/// into a scratch database; median over 9 batches.
fn fsync_batch_us(tx_bytes: usize) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let db = procura_storage::Db::open(dir.path())?;
    let mut times = Vec::new();
    for round in 0..9u64 {
        let entries: Vec<(Vec<u8>, Vec<u8>)> = (0..FLOOR_BLOCK_SIZE as u64)
            .map(|i| ((round * 1_000_000 + i).to_be_bytes().to_vec(), vec![0xa5; tx_bytes]))
            .collect();
        let started = Instant::now();
        db.write_synced_batch(procura_storage::cf::BLOCKS, &entries)?;
        times.push(started.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}
