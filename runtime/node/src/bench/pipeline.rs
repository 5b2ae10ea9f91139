//! The node pipeline, end to end on one node: signed sealed-bid tenders
//! opened, bid on, revealed, evaluated and awarded through admission (decode,
//! signatures on every core, nonces), execution, the state tree and fsync'd
//! block commits; then `audit verify` over such a chain.

use super::floor::{bidder_key, salt_of, submit_bid_tx};
use super::timing::micros_per;
use crate::chain::{Chain, NonceView, TxSignatures};
use crate::genesis::GenesisConfig;
use ed25519_dalek::SigningKey;
use procura_chain::{
    check_presigned, contract_address, Action, ReceiptStatus, SharedChecks, SignedTransaction, Transaction,
};
use procura_primitives::Address;
use sealed_bid::{Bid, TenderParams};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// How much work one pipeline run does.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Shape {
    /// Bids in total (each is later revealed).
    pub bids: usize,
    pub bidders_per_tender: usize,
    /// Most transactions per block (blocks also respect the gas budget).
    pub block_size: usize,
    /// Threads each block executes on (the node's default: every core).
    pub exec_threads: usize,
    /// Each block's state tree, header and write finished while the next
    /// executes (`Chain::produce_behind`, the solo node under load), or
    /// before the next starts.
    pub write_behind: bool,
}

/// One measured run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PipelinePoint {
    pub shape: Shape,
    pub tenders: usize,
    /// Every call: opens, bids, reveals, evaluations and awards.
    pub calls: usize,
    pub blocks: u64,
    pub calls_per_s: f64,
    pub bids_per_s: f64,
    pub reveals_per_s: f64,
    /// Evaluate + award, per tender.
    pub award_ms_per_tender: f64,
    /// Per call over the whole run (µs).
    pub admission_us: f64,
    pub execute_us: f64,
    pub state_us: f64,
    /// The producer's time in commit: waiting for the block before to be
    /// durable, and starting this one's write.
    pub commit_us: f64,
    /// The blocks' batch writes (fsync'd), on their own thread while the
    /// next block is built.
    pub write_us: f64,
    /// Share of calls taken from a helper thread's run ahead, and share run
    /// ahead but re-executed because an earlier call wrote what they read.
    pub run_ahead_pct: f64,
    pub reexecuted_pct: f64,
    /// Cores busy on average while the phases ran: the process's CPU time
    /// over their wall time (0 where the kernel does not report it).
    pub cores_busy: f64,
    /// The producer thread (admission, execution in order, the tree
    /// update, commits) over the phases' wall time: share on a CPU, and
    /// share runnable but waiting for a core; the rest it was blocked
    /// (waiting for signature checks, helpers or the block before's
    /// write). 0 where the kernel does not report it.
    pub producer_on_cpu_pct: f64,
    pub producer_queued_pct: f64,
}

/// The result of a run, with the node's data directory kept for replay.
pub struct PipelineRun {
    pub point: PipelinePoint,
    pub dir: tempfile::TempDir,
    pub genesis: GenesisConfig,
}

pub(super) const T_OPEN: u64 = 1_800_000_000;
const BID_DEADLINE: u64 = T_OPEN + 100;
const REVEAL_DEADLINE: u64 = T_OPEN + 200;

#[derive(Default)]
struct Phase {
    wall: Duration,
    admission: Duration,
    execute: Duration,
    state: Duration,
    commit: Duration,
    written: Duration,
    calls: usize,
    blocks: u64,
    run_ahead: usize,
    reexecuted: usize,
}

impl Phase {
    fn add(&mut self, other: &Phase) {
        self.wall += other.wall;
        self.admission += other.admission;
        self.execute += other.execute;
        self.state += other.state;
        self.commit += other.commit;
        self.written += other.written;
        self.calls += other.calls;
        self.blocks += other.blocks;
        self.run_ahead += other.run_ahead;
        self.reexecuted += other.reexecuted;
    }
}

pub(super) fn call(
    key: &SigningKey,
    nonce: u64,
    contract: Address,
    method: &str,
    args: Vec<u8>,
    gas_limit: u64,
) -> SignedTransaction {
    Transaction {
        chain_id: "procura-dev".into(),
        signer: key.verifying_key().to_bytes(),
        nonce,
        gas_limit,
        action: Action::Call { contract, method: method.into(), args },
    }
    .sign(key)
}

/// The next block's transactions from `encoded[start..]`, decoded, and where
/// the block after it starts.
fn decode_block(
    encoded: &[Vec<u8>],
    start: usize,
    block_size: usize,
    budget: u64,
) -> anyhow::Result<(Vec<SignedTransaction>, usize)> {
    let mut txs = Vec::new();
    let mut gas = 0u64;
    let mut next = start;
    while next < encoded.len() && txs.len() < block_size {
        let tx = SignedTransaction::decode(&encoded[next])?;
        if !txs.is_empty() && gas.saturating_add(tx.tx.gas_limit) > budget {
            break;
        }
        gas = gas.saturating_add(tx.tx.gas_limit);
        txs.push(tx);
        next += 1;
    }
    Ok((txs, next))
}

/// Produces blocks from `encoded` transactions at `time` the way the node
/// does: admission (decode and signatures, which the API does before taking
/// the node lock, then nonces under it) then `produce_with(.., Verified)`;
/// every call must succeed. As in the node, signature checks run beside
/// block production: the next block's are started on the other cores while
/// this block is produced, and the producer joins in once it is done.
/// `admission` counts the producer's share: decoding, what is left of the
/// signature checks when it gets to them, and the nonce checks.
fn run_phase(
    chain: &mut Chain,
    encoded: &[Vec<u8>],
    block_size: usize,
    time: u64,
    write_behind: bool,
) -> anyhow::Result<Phase> {
    let mut phase = Phase::default();
    let started = Instant::now();
    let budget = chain.rules.block_gas_limit;
    let helpers = procura_chain::cores().saturating_sub(1).max(1);
    std::thread::scope(|s| -> anyhow::Result<()> {
        let check_ahead = |start: usize| -> anyhow::Result<_> {
            if start >= encoded.len() {
                return Ok(None);
            }
            let (txs, next) = decode_block(encoded, start, block_size, budget)?;
            Ok(Some((SharedChecks::start(s, txs, helpers), next)))
        };
        let t = Instant::now();
        let mut ahead = check_ahead(0)?;
        phase.admission += t.elapsed();
        while let Some((checks, next)) = ahead.take() {
            let t = Instant::now();
            let (txs, bad) = checks.finish();
            anyhow::ensure!(bad.is_none(), "a bench signature does not verify");
            ahead = check_ahead(next)?;
            let pending = BTreeMap::new();
            let state = chain.state();
            let mut view = NonceView::new(&state, &pending);
            for tx in &txs {
                check_presigned(tx, &chain.rules, &view)?;
                view.local.insert(tx.tx.sender(), tx.tx.nonce + 1);
            }
            phase.admission += t.elapsed();
            let count = txs.len();
            // Behind, as the solo node under load: each block's state tree,
            // header and write are finished while the next executes
            // (`Chain::produce_behind`).
            let receipts = if write_behind {
                chain.produce_behind(txs, time, TxSignatures::Verified)?.receipts
            } else {
                chain.produce_with(txs, time, TxSignatures::Verified)?.1
            };
            anyhow::ensure!(receipts.len() == count, "the proposer dropped {} transactions", count - receipts.len());
            if let Some(r) = receipts.iter().find(|r| r.status != ReceiptStatus::Success) {
                anyhow::bail!("a bench call failed: {:?}", r.status);
            }
            phase.execute += chain.last_timings.execute;
            phase.state += chain.last_timings.state_update;
            phase.commit += chain.last_timings.commit;
            phase.written += chain.last_timings.written;
            phase.run_ahead += chain.last_timings.parallel.run_ahead;
            phase.reexecuted += chain.last_timings.parallel.reexecuted;
            phase.calls += count;
            phase.blocks += 1;
        }
        // The phase ends when its last block is durable.
        let t = Instant::now();
        let last = chain.flush_timed()?;
        phase.commit += t.elapsed();
        phase.written += last.write;
        phase.state += last.tree;
        Ok(())
    })?;
    phase.wall = started.elapsed();
    Ok(phase)
}

/// A fresh dev chain with sealed-bid at genesis, in a temporary directory.
pub(super) struct BenchChain {
    pub dir: tempfile::TempDir,
    pub genesis: GenesisConfig,
    pub chain: Chain,
    /// Sealed-bid's address.
    pub contract: Address,
}

pub(super) fn bench_chain(contracts_dir: &Path) -> anyhow::Result<BenchChain> {
    let dir = tempfile::tempdir()?;
    let validator = SigningKey::from_bytes(&[0x11; 32]);
    let genesis = GenesisConfig::dev(hex::encode(validator.verifying_key().to_bytes()), vec!["sealed-bid".into()]);
    let chain = Chain::open(dir.path(), genesis.clone(), contracts_dir, Some(validator))?;
    let code = std::fs::read(contracts_dir.join("sealed-bid.wasm"))?;
    let contract = contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0);
    Ok(BenchChain { dir, genesis, chain, contract })
}

/// The tenders the bench opens: bids until `T_OPEN + 100`, reveals until
/// `T_OPEN + 200`, any price.
pub(super) fn tender_params() -> TenderParams {
    TenderParams {
        description_hash: [1; 32],
        budget: u128::MAX,
        currency: "EUR".into(),
        bid_deadline: BID_DEADLINE,
        reveal_deadline: REVEAL_DEADLINE,
        min_bids: 1,
        standstill_secs: 60,
    }
}

pub fn run(contracts_dir: &Path, shape: &Shape) -> anyhow::Result<PipelineRun> {
    let BenchChain { dir, genesis, mut chain, contract } = bench_chain(contracts_dir)?;
    chain.set_execution_threads(shape.exec_threads);
    let buyer = SigningKey::from_bytes(&[1; 32]);
    let per_tender = shape.bidders_per_tender.max(1);
    let tenders = shape.bids.div_ceil(per_tender);
    let params = tender_params();
    let mut buyer_nonce = 0u64;
    let mut buyer_call = |method: &str, args: Vec<u8>, gas: u64| {
        buyer_nonce += 1;
        call(&buyer, buyer_nonce - 1, contract, method, args, gas).encode()
    };
    // Everything is signed before timing starts.
    let opens: Vec<Vec<u8>> = (0..tenders)
        .map(|_| buyer_call("open_tender", borsh::to_vec(&(params.clone(),)).expect("encodes"), 1_000_000))
        .collect();
    let keys: Vec<SigningKey> = (0..shape.bids as u64).map(bidder_key).collect();
    // Bids arrive interleaved across the open tenders, as they would from
    // many suppliers at once (tender by tender, every bid would depend on
    // the one before through its tender's bid counter).
    let tender_of = |i: usize| (i % tenders) as u64;
    let price_of = |i: usize| 1_000 + (i as u128 * 7_919) % 100_000;
    let bids: Vec<Vec<u8>> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| submit_bid_tx(k, 0, contract, tender_of(i), price_of(i)).encode())
        .collect();
    let reveals: Vec<Vec<u8>> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let bidder = procura_chain::account_address(&k.verifying_key().to_bytes());
            let bid = Bid { tender_id: tender_of(i), bidder, price: price_of(i) };
            call(
                k,
                1,
                contract,
                "reveal_bid",
                borsh::to_vec(&(bid.tender_id, bid, salt_of(k))).expect("encodes"),
                1_000_000,
            )
            .encode()
        })
        .collect();
    // Evaluation and award read every bid of the tender.
    let closing_gas = 2_000_000 + 40_000 * per_tender as u64;
    let closes: Vec<Vec<u8>> = (0..tenders as u64)
        .flat_map(|t| {
            let args = borsh::to_vec(&(t,)).expect("encodes");
            [buyer_call("evaluate", args.clone(), closing_gas), buyer_call("award", args, closing_gas)]
        })
        .collect();

    let mut total = Phase::default();
    let cpu_before = super::timing::process_cpu();
    let sched_before = super::timing::thread_sched();
    let behind = shape.write_behind;
    let open = run_phase(&mut chain, &opens, shape.block_size, T_OPEN, behind)?;
    let bid = run_phase(&mut chain, &bids, shape.block_size, T_OPEN + 1, behind)?;
    let reveal = run_phase(&mut chain, &reveals, shape.block_size, BID_DEADLINE, behind)?;
    let close = run_phase(&mut chain, &closes, shape.block_size, REVEAL_DEADLINE, behind)?;
    let cpu = super::timing::process_cpu().zip(cpu_before).map(|(after, before)| after - before);
    let sched = super::timing::thread_sched().zip(sched_before);
    for p in [&open, &bid, &reveal, &close] {
        total.add(p);
    }
    let share = |d: Duration| 100.0 * d.as_secs_f64() / total.wall.as_secs_f64();
    let sched = sched.map(|((cpu, queued), (cpu0, queued0))| (share(cpu - cpu0), share(queued - queued0)));
    let rate = |p: &Phase| p.calls as f64 / p.wall.as_secs_f64();
    let point = PipelinePoint {
        shape: *shape,
        tenders,
        calls: total.calls,
        blocks: total.blocks,
        calls_per_s: rate(&total),
        bids_per_s: rate(&bid),
        reveals_per_s: rate(&reveal),
        award_ms_per_tender: close.wall.as_secs_f64() * 1e3 / tenders as f64,
        admission_us: micros_per(total.admission, total.calls),
        execute_us: micros_per(total.execute, total.calls),
        state_us: micros_per(total.state, total.calls),
        commit_us: micros_per(total.commit, total.calls),
        write_us: micros_per(total.written, total.calls),
        run_ahead_pct: 100.0 * total.run_ahead as f64 / total.calls as f64,
        reexecuted_pct: 100.0 * total.reexecuted as f64 / total.calls as f64,
        cores_busy: cpu.map_or(0.0, |c| c.as_secs_f64() / total.wall.as_secs_f64()),
        producer_on_cpu_pct: sched.map_or(0.0, |s| s.0),
        producer_queued_pct: sched.map_or(0.0, |s| s.1),
    };
    drop(chain);
    Ok(PipelineRun { point, dir, genesis })
}

/// Audit replay of a chain of about `calls` calls.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReplayFigures {
    /// The pipeline run that built the chain.
    pub built_by: PipelinePoint,
    pub txs: u64,
    pub blocks: u64,
    /// `audit verify --data`: replay and compare every stored record.
    pub data_calls_per_s: f64,
    /// `audit verify --file` on the exported chain file.
    pub file_calls_per_s: f64,
    pub file_mb: f64,
}

pub fn replay(contracts_dir: &Path, calls: usize, block_size: usize, progress: bool) -> anyhow::Result<ReplayFigures> {
    // Bids and reveals are two calls per bid; 1,000 bidders per tender.
    let shape = Shape {
        bids: calls.div_ceil(2),
        bidders_per_tender: 1_000,
        block_size,
        exec_threads: crate::chain::default_execution_threads(),
        write_behind: true,
    };
    let run = run(contracts_dir, &shape)?;
    let db = procura_storage::Db::open(&run.dir.path().join("db"))?;
    let data = crate::audit::verify(&db, run.genesis.clone(), contracts_dir, progress)?;
    let file = run.dir.path().join("chain.procura");
    crate::export::export(&db, &run.genesis, contracts_dir, &file)?;
    let from_file = crate::audit::verify_file(&file, progress)?;
    anyhow::ensure!(from_file.head_hash == data.head_hash, "the chain file replayed to another head");
    Ok(ReplayFigures {
        built_by: run.point,
        txs: data.txs,
        blocks: data.blocks,
        data_calls_per_s: data.txs as f64 / data.elapsed.as_secs_f64(),
        file_calls_per_s: from_file.txs as f64 / from_file.elapsed.as_secs_f64(),
        file_mb: std::fs::metadata(&file)?.len() as f64 / 1e6,
    })
}
