//! Parallel execution on its own: one block of independent `submit_bid`
//! calls executed (never committed) again and again over the same state, on
//! one thread and on every core in alternating rounds, so the ratio holds on
//! a noisy machine. The pipeline runs the same executor while the other
//! core checks the next block's signatures; this is what it gains when a
//! core is free (a validator re-executing a proposal after checking its
//! signatures, or a machine with more cores than the pipeline keeps busy).

use super::floor::{bidder_key, submit_bid_tx};
use super::pipeline::{bench_chain, call, tender_params, BenchChain, T_OPEN};
use crate::executor::BlockContext;
use ed25519_dalek::SigningKey;
use procura_chain::ReceiptStatus;
use std::path::Path;

const ROUNDS: usize = 7;
const BIDDERS_PER_TENDER: usize = 10;

#[derive(Clone, Debug, serde::Serialize)]
pub struct ExecutionScaling {
    pub block_size: usize,
    pub threads: usize,
    /// Execution only (no state tree, no commit), per call, median round.
    pub serial_us: f64,
    pub parallel_us: f64,
    /// Median over rounds of serial ÷ parallel time (above 1: faster).
    pub speedup: f64,
    /// Share of calls taken from a helper's run ahead.
    pub run_ahead_pct: f64,
}

pub fn measure(contracts_dir: &Path, block_size: usize) -> anyhow::Result<ExecutionScaling> {
    let BenchChain { mut chain, contract, .. } = bench_chain(contracts_dir)?;
    let buyer = SigningKey::from_bytes(&[1; 32]);
    let tenders = block_size.div_ceil(BIDDERS_PER_TENDER).max(1);
    let args = borsh::to_vec(&(tender_params(),)).expect("encodes");
    let opens =
        (0..tenders as u64).map(|n| call(&buyer, n, contract, "open_tender", args.clone(), 1_000_000)).collect();
    chain.produce(opens, T_OPEN)?;
    // Interleaved across tenders, as in the pipeline.
    let bids: Vec<_> = (0..block_size)
        .map(|i| submit_bid_tx(&bidder_key(i as u64), 0, contract, (i % tenders) as u64, 1_000 + i as u128))
        .collect();
    let block = BlockContext { height: chain.head().height + 1, time: T_OPEN + 1 };
    let threads = procura_chain::cores().max(2);
    let (mut serial, mut parallel, mut ratios, mut run_ahead) = (vec![], vec![], vec![], 0);
    let mut root = None;
    for _ in 0..ROUNDS {
        let mut per_call = [0.0; 2];
        for (slot, n) in [1, threads].into_iter().enumerate() {
            chain.set_execution_threads(n);
            let state = chain.state();
            let executed = chain.executor.execute_block(&state, &state, &block, &bids)?;
            anyhow::ensure!(
                executed.receipts.iter().all(|r| r.status == ReceiptStatus::Success),
                "a bench call failed"
            );
            anyhow::ensure!(*root.get_or_insert(executed.update.root) == executed.update.root, "the roots differ");
            per_call[slot] = executed.execute_time.as_secs_f64() * 1e6 / block_size as f64;
            run_ahead += executed.parallel.run_ahead;
        }
        serial.push(per_call[0]);
        parallel.push(per_call[1]);
        ratios.push(per_call[0] / per_call[1]);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Ok(ExecutionScaling {
        block_size,
        threads,
        serial_us: median(&mut serial),
        parallel_us: median(&mut parallel),
        speedup: median(&mut ratios),
        run_ahead_pct: 100.0 * run_ahead as f64 / (ROUNDS * block_size) as f64,
    })
}
