//! A block's transactions on several cores, with exactly the serial result.
//!
//! The calling thread applies the block in order. Helper threads run
//! transactions a few places ahead of it over the writes applied so far,
//! each recording what it read and how far the block had got when it read
//! it. When the calling thread reaches a transaction a helper ran, it keeps
//! the run if no transaction applied since wrote anything the run read:
//! every read then returned what it would have in block order, and
//! execution is deterministic given what it reads, so receipt, gas and
//! writes are the serial ones. Otherwise, or if the run is not finished yet
//! (the calling thread never waits), it executes the transaction itself.
//! Receipts, gas and the state root therefore never depend on the number of
//! threads or on timing; only the work done does. Transactions of different
//! tenders do not touch each other's keys, so most runs are kept; a chain of
//! dependent transactions (one sender's nonces, one tender's bid counter)
//! runs at serial speed.

use super::pending::{BlockWrites, PendingState, ReadSet, Writes};
use super::{BlockContext, Executor};
use procura_chain::{Receipt, SignedTransaction};
use procura_state::StateStore;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How far ahead of the calling thread helpers start: far enough that a run
/// is usually finished when its turn comes, near enough that few of the
/// transactions in between have written what it reads.
const LEAD: usize = 4;

const UNCLAIMED: u8 = 0;
const HELPER: u8 = 1;
const IN_TURN: u8 = 2;

/// A transaction run ahead of its turn.
struct RunAhead {
    receipt: Receipt,
    writes: Writes,
    reads: ReadSet,
}

/// How a block's transactions were executed (benchmarks and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParallelStats {
    /// Executed by the calling thread in its turn (no run ahead was ready).
    pub in_order: usize,
    /// Taken from a helper's run ahead.
    pub run_ahead: usize,
    /// Run ahead, but a transaction applied since wrote what the run read:
    /// executed again in its turn.
    pub reexecuted: usize,
}

/// Executes `txs` on the caller and `helpers` more threads; returns the
/// receipts in order and the block's writes.
pub(super) fn execute(
    executor: &Executor,
    committed: &(dyn StateStore + Sync),
    block: &BlockContext,
    txs: &[SignedTransaction],
    helpers: usize,
) -> (Vec<Receipt>, Writes, ParallelStats) {
    let applied = BlockWrites::default();
    // Who runs each transaction: the first to claim it.
    let claims: Vec<AtomicU8> = txs.iter().map(|_| AtomicU8::new(UNCLAIMED)).collect();
    let ahead: Vec<Mutex<Option<RunAhead>>> = txs.iter().map(|_| Mutex::new(None)).collect();
    // The calling thread's position, and where helpers look for work next.
    let turn = AtomicUsize::new(0);
    let next_ahead = AtomicUsize::new(LEAD);
    let finished = AtomicBool::new(false);
    let mut receipts = Vec::with_capacity(txs.len());
    let mut stats = ParallelStats::default();
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|| {
                let mut view = PendingState::over(committed, &applied, true);
                while !finished.load(Ordering::Relaxed) {
                    next_ahead.fetch_max(turn.load(Ordering::Acquire) + LEAD, Ordering::Relaxed);
                    let i = next_ahead.fetch_add(1, Ordering::Relaxed);
                    let Some(tx) = txs.get(i) else { return };
                    if claims[i].compare_exchange(UNCLAIMED, HELPER, Ordering::AcqRel, Ordering::Relaxed).is_err() {
                        continue;
                    }
                    let receipt = executor.execute_tx(&mut view, block, tx);
                    let (writes, reads) = view.take_run();
                    *ahead[i].lock().expect("no helper panics holding it") = Some(RunAhead { receipt, writes, reads });
                }
            });
        }
        let mut view = PendingState::over(committed, &applied, false);
        let mut in_turn = |tx| {
            let receipt = executor.execute_tx(&mut view, block, tx);
            applied.apply(view.take_run().0);
            receipt
        };
        for (i, tx) in txs.iter().enumerate() {
            turn.store(i, Ordering::Release);
            let claimed = claims[i].compare_exchange(UNCLAIMED, IN_TURN, Ordering::AcqRel, Ordering::Relaxed);
            // A helper's run, if it claimed this one and has finished it.
            let run = claimed.is_err().then(|| ahead[i].lock().expect("no helper panics holding it").take()).flatten();
            match run {
                Some(run) if !run.reads.stale(&applied.read()) => {
                    stats.run_ahead += 1;
                    applied.apply(run.writes);
                    receipts.push(run.receipt);
                }
                Some(_) => {
                    stats.reexecuted += 1;
                    receipts.push(in_turn(tx));
                }
                None => {
                    stats.in_order += 1;
                    receipts.push(in_turn(tx));
                }
            }
        }
        finished.store(true, Ordering::Relaxed);
    });
    (receipts, applied.into_writes(), stats)
}
