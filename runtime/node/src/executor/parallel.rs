//! A block's transactions on several cores, with exactly the serial result.
//!
//! The calling thread applies the block in order. Helper threads run later
//! transactions ahead of their turn over the writes applied so far, each
//! recording what it read and how far the block had got when it read it.
//! When the calling thread reaches a transaction a helper ran, it keeps the
//! run if no transaction applied since wrote anything the run read: every
//! read then returned what it would have in block order, and execution is
//! deterministic given what it reads, so receipt, gas and writes are the
//! serial ones. Otherwise it throws the run away and executes the
//! transaction itself. Receipts, gas and the state root therefore never
//! depend on the number of threads or on timing; only the work done does.
//! Transactions of different tenders do not touch each other's keys, so
//! most runs are kept; a chain of dependent transactions (one sender's
//! nonces, one tender's bid counter) runs at serial speed.

use super::pending::{BlockWrites, PendingState, ReadSet, Writes};
use super::{BlockContext, Executor};
use procura_chain::{Receipt, SignedTransaction};
use procura_state::StateStore;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A transaction run ahead of its turn.
struct RunAhead {
    receipt: Receipt,
    writes: Writes,
    reads: ReadSet,
}

/// How a block's transactions were executed (benchmarks and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParallelStats {
    /// Executed by the calling thread in its turn.
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
    // The first transaction nobody has claimed: helpers take from it; the
    // caller claims its current one when no helper has.
    let next = AtomicUsize::new(0);
    // Helpers still running: one that panicked (a store read failure) leaves
    // its claim unfilled, and the caller must not wait for it.
    let running = AtomicUsize::new(helpers);
    let ahead: Vec<Mutex<Option<RunAhead>>> = txs.iter().map(|_| Mutex::new(None)).collect();
    let mut receipts = Vec::with_capacity(txs.len());
    let mut stats = ParallelStats::default();
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|| {
                let _done = Finished(&running);
                let mut view = PendingState::over(committed, &applied, true);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(tx) = txs.get(i) else { return };
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
            if next.compare_exchange(i, i + 1, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
                stats.in_order += 1;
                receipts.push(in_turn(tx));
                continue;
            }
            match wait_for(&ahead[i], &running) {
                Some(run) if !run.reads.stale(&applied.read()) => {
                    stats.run_ahead += 1;
                    applied.apply(run.writes);
                    receipts.push(run.receipt);
                }
                Some(_) => {
                    stats.reexecuted += 1;
                    receipts.push(in_turn(tx));
                }
                // Its helper is gone; the scope re-raises its panic.
                None => receipts.push(in_turn(tx)),
            }
        }
    });
    (receipts, applied.into_writes(), stats)
}

/// The run of a claimed transaction: the helper has started it.
fn wait_for(slot: &Mutex<Option<RunAhead>>, running: &AtomicUsize) -> Option<RunAhead> {
    loop {
        let helpers_gone = running.load(Ordering::Acquire) == 0;
        if let Some(run) = slot.lock().expect("no helper panics holding it").take() {
            return Some(run);
        }
        if helpers_gone {
            return None;
        }
        std::thread::yield_now();
    }
}

/// Counts a helper out when it returns or panics.
struct Finished<'a>(&'a AtomicUsize);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Release);
    }
}
