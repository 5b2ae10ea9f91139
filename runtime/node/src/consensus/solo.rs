//! Single-validator ordering: this node produces a block whenever the
//! mempool holds transactions, and its block is the decision.
//!
//! Blocks start at most once per `interval`. When production keeps up, the
//! last block is made durable before waiting; when it falls behind, each
//! block's state tree, header and write are finished while the next is
//! built ([`NodeApp::produce_behind`]).

use super::app::Halt;
use super::NodeApp;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Returns the fault that stopped production, if one did.
pub fn run(mut app: NodeApp, stop: Arc<AtomicBool>, interval: Duration) -> Option<anyhow::Error> {
    let mut last_start: Option<Instant> = None;
    let stopped = |e: anyhow::Error, height: u64| {
        // A block that cannot be committed (disk full, read-only data
        // directory) stops the node loudly; the block's batch is atomic,
        // so nothing partial is written and the database reopens at the
        // previous block.
        eprintln!("procura: cannot commit block {height}: {e:#}; stopping the node");
        stop.store(true, Ordering::SeqCst);
        Some(e.context(format!(
            "block production stopped at height {}: free disk space or make the data directory \
             writable, then restart the node (committed blocks are intact)",
            height - 1
        )))
    };
    while !stop.load(Ordering::SeqCst) {
        let wait = last_start.map_or(interval, |t| interval.saturating_sub(t.elapsed()));
        if !wait.is_zero() {
            // Spare time: the last block becomes durable and visible first.
            if let Err(Halt { height, reason }) = app.flush() {
                return stopped(anyhow::anyhow!(reason), height);
            }
            std::thread::sleep(wait);
        }
        last_start = Some(Instant::now());
        if !app.has_work() {
            continue;
        }
        let height = app.head() + 1;
        if let Err(e) = app.produce_behind() {
            return stopped(e, height);
        }
    }
    // A graceful stop leaves every committed block durable.
    match app.flush() {
        Ok(()) => None,
        Err(Halt { height, reason }) => stopped(anyhow::anyhow!(reason), height),
    }
}
