//! Single-validator ordering: this node proposes a block whenever the
//! mempool holds transactions, and its proposal is the decision. It goes
//! through the same [`NodeApp`] propose → commit path as replicated mode.

use super::NodeApp;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Returns the fault that stopped production, if one did.
pub fn run(mut app: NodeApp, stop: Arc<AtomicBool>, interval: Duration) -> Option<anyhow::Error> {
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(interval);
        if !app.has_work() {
            continue;
        }
        let height = app.head() + 1;
        let outcome = app
            .propose(height)
            .map_err(|e| e.context("cannot build the block"))
            .and_then(|block| app.commit(&block).map_err(anyhow::Error::from));
        if let Err(e) = outcome {
            // A block that cannot be committed (disk full, read-only data
            // directory) stops the node loudly; the block's batch is atomic,
            // so nothing partial is written and the database reopens at the
            // previous block.
            eprintln!("procura: cannot commit block {height}: {e:#}; stopping the node");
            stop.store(true, Ordering::SeqCst);
            return Some(e.context(format!(
                "block production stopped at height {}: free disk space or make the data directory \
                 writable, then restart the node (committed blocks are intact)",
                height - 1
            )));
        }
    }
    None
}
