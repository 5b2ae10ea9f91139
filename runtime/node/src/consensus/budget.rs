//! How many transactions a replicated proposer puts in one block.
//!
//! A height is decided only if the proposal is built, gossiped and
//! re-executed by the other validators within one propose timeout; a block
//! too big for that makes every round time out (each proposer builds
//! another such block) until the growing timeouts let one through. So the
//! proposer sizes its block to a share of the timeout, from its measured
//! cost per transaction. This is the proposer's own choice, like which
//! transactions it picks: validators re-execute whatever is decided, so a
//! machine-local measurement here cannot split the chain.

use std::time::Duration;

/// Until measured, assume this much per transaction (a debug build on a
/// busy machine): the first block after a burst stays small.
const FIRST_GUESS: Duration = Duration::from_millis(1);

/// Blocks this small say little about the per-transaction cost.
const MIN_SAMPLE_TXS: usize = 10;

#[derive(Clone, Debug)]
pub struct BlockBudget {
    /// Time a block may take to build (and, about as long, to re-execute).
    time: Option<Duration>,
    per_tx: Duration,
}

impl BlockBudget {
    /// No time limit: solo mode, where no peer waits on the block.
    pub fn unlimited() -> Self {
        BlockBudget { time: None, per_tx: FIRST_GUESS }
    }

    /// A quarter of the propose timeout builds the block; the rest is for
    /// gossip and the validators' re-execution, which costs about as much.
    pub fn for_propose_timeout(timeout: Duration) -> Self {
        BlockBudget { time: Some(timeout / 4), per_tx: FIRST_GUESS }
    }

    /// Transactions to take for the next block, at most `max`.
    pub fn txs(&self, max: usize) -> usize {
        match self.time {
            None => max,
            Some(t) => ((t.as_nanos() / self.per_tx.as_nanos().max(1)) as usize).clamp(1, max),
        }
    }

    /// Learns from a block of `txs` transactions that took `took` to build
    /// or re-execute (a moving average, so one slow block does not halve
    /// the next).
    pub fn observe(&mut self, txs: usize, took: Duration) {
        if txs < MIN_SAMPLE_TXS {
            return;
        }
        let sample = took / txs as u32;
        self.per_tx = (self.per_tx * 3 + sample) / 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_takes_the_cap() {
        assert_eq!(BlockBudget::unlimited().txs(5_000), 5_000);
    }

    #[test]
    fn the_budget_follows_the_measured_cost() {
        let mut b = BlockBudget::for_propose_timeout(Duration::from_secs(2));
        // 500 ms at the first guess of 1 ms per transaction.
        assert_eq!(b.txs(5_000), 500);
        for _ in 0..40 {
            b.observe(500, Duration::from_millis(50)); // 100 µs each
        }
        let n = b.txs(5_000);
        assert!((4_900..=5_000).contains(&n), "{n}");
        assert_eq!(b.txs(1_000), 1_000, "never above the cap");
        // Slower blocks shrink the next ones.
        for _ in 0..40 {
            b.observe(500, Duration::from_secs(1)); // 2 ms each
        }
        assert_eq!(b.txs(5_000), 250);
        // Tiny blocks are not evidence.
        b.observe(2, Duration::from_secs(10));
        assert_eq!(b.txs(5_000), 250);
        assert!(BlockBudget::for_propose_timeout(Duration::from_millis(1)).txs(10) >= 1);
    }
}
