//! The run as Markdown tables (printed, and written next to the plots).

use super::floor::{Floor, FLOOR_BLOCK_SIZE, STATE_WRITES_PER_BID, VERIFY_BATCH};
use super::pipeline::PipelinePoint;
use super::BenchReport;
use std::fmt::Write;

fn floor_table(f: &Floor, cores: usize, out: &mut String) {
    let row = |out: &mut String, what: &str, us: f64| {
        let _ = writeln!(out, "| {what} | {us:.2} | {:.0} |", 1e6 / us);
    };
    out.push_str("| floor (one thread) | µs | per second |\n|---|---:|---:|\n");
    row(out, "ed25519 verify, one signature (the chain's rule: ZIP-215), key decoded before", f.verify_us);
    row(
        out,
        "ed25519 verify, one signature, `verify_strict` (the rule before batching), key decoded before",
        f.verify_strict_us,
    );
    row(out, &format!("ed25519 verify, batches of {VERIFY_BATCH}, new keys (per signature)"), f.verify_batch_us);
    row(
        out,
        &format!("ed25519 verify, batches of {VERIFY_BATCH}, keys decoded before (per signature)"),
        f.verify_batch_known_us,
    );
    row(
        out,
        &format!("ed25519 verify, 1,000 transactions of new keys in batches on {cores} cores (per signature)"),
        f.verify_parallel_us,
    );
    row(out, &format!("sha256 of a `submit_bid` transaction ({} B)", f.tx_bytes), f.sha256_tx_us);
    row(out, "instantiate a cached module + trivial call", f.instantiate_call_us);
    row(out, "sealed-bid `submit_bid`, cached module, metered", f.submit_bid_us);
    row(out, "one key into the state tree (JMT, in memory, 3,000-key blocks)", f.state_write_us);
    row(out, &format!("one fsync'd RocksDB batch of {FLOOR_BLOCK_SIZE} transactions' bytes"), f.fsync_batch_us);
    let _ = writeln!(
        out,
        "\nPer-tx floor (batched verify + sha256 + `submit_bid` + {STATE_WRITES_PER_BID} state writes + 1/{FLOOR_BLOCK_SIZE} \
         of a block fsync): {:.2} µs, so 1/floor = {:.0} calls/s on one core; with signatures checked on {cores} \
         cores: {:.2} µs, {:.0} calls/s.",
        f.per_tx_us(),
        1e6 / f.per_tx_us(),
        f.per_tx_us_parallel_verify(cores),
        1e6 / f.per_tx_us_parallel_verify(cores)
    );
}

fn pipeline_table(points: &[PipelinePoint], out: &mut String) {
    out.push_str(
        "| block size | bidders/tender | tenders | calls | blocks | calls/s | bids/s | reveals/s | evaluate+award ms/tender | \
         admission µs | execute µs | state µs | commit wait µs | write µs | run ahead % | re-executed % | cores busy | \
         producer on CPU % | producer waiting for a core % |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for p in points {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.2} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} | {:.0} | {:.0} |",
            p.shape.block_size,
            p.shape.bidders_per_tender,
            p.tenders,
            p.calls,
            p.blocks,
            p.calls_per_s,
            p.bids_per_s,
            p.reveals_per_s,
            p.award_ms_per_tender,
            p.admission_us,
            p.execute_us,
            p.state_us,
            p.commit_us,
            p.write_us,
            p.run_ahead_pct,
            p.reexecuted_pct,
            p.cores_busy,
            p.producer_on_cpu_pct,
            p.producer_queued_pct
        );
    }
}

/// One side's calls/s in each round of an alternating measurement.
fn rates<R>(rounds: &[R], side: impl Fn(&R) -> &PipelinePoint) -> String {
    rounds.iter().map(|r| format!("{:.0}", side(r).calls_per_s)).collect::<Vec<_>>().join(", ")
}

fn threads(n: usize) -> String {
    if n == 1 {
        "one thread".into()
    } else {
        format!("{n} threads")
    }
}

pub fn markdown(r: &BenchReport) -> String {
    let mut out = String::new();
    floor_table(&r.floor, r.cores, &mut out);
    out.push_str(
        "\nPipeline against block size (per-call µs are shares of the whole run; state and write: the block's \
         state-tree update and its batch's write, on the commit thread behind the next block; commit wait: \
         the producer's time waiting for them; the producer thread's share of the wall time on a CPU and \
         runnable but waiting for a core, the rest it was blocked on other threads or the disk):\n\n",
    );
    pipeline_table(&r.by_block_size, &mut out);
    out.push_str("\nPipeline against bidders per tender:\n\n");
    pipeline_table(&r.by_bidders, &mut out);
    let best = r.by_block_size.iter().chain(&r.by_bidders).map(|p| p.calls_per_s).fold(0.0, f64::max);
    let ceiling = 1e6 / r.floor.per_tx_us_parallel_verify(r.cores);
    let _ = writeln!(
        out,
        "\nBest pipeline point: {best:.0} calls/s = {:.2} of 1/floor ({ceiling:.0} calls/s, signatures on {} cores).",
        best / ceiling,
        r.cores
    );
    let em = &r.exec_modes;
    let (shape, first) = (&r.by_bidders[0].shape, &em.rounds[0]);
    let _ = writeln!(
        out,
        "\nParallel execution: {} calls/s on {} threads against {} on one ({} bidders per tender, blocks of {}, \
         alternating rounds; the sweeps above use {}): median ratio {:.2}×; execute µs per call {:.1} against \
         {:.1} (first round).",
        rates(&em.rounds, |r| &r.every_core),
        first.every_core.shape.exec_threads,
        rates(&em.rounds, |r| &r.one_thread),
        shape.bidders_per_tender,
        shape.block_size,
        threads(shape.exec_threads),
        em.ratio,
        first.every_core.execute_us,
        first.one_thread.execute_us
    );
    let cm = &r.commit_modes;
    let (shape, first) = (&r.by_bidders[0].shape, &cm.rounds[0]);
    let _ = writeln!(
        out,
        "\nBlocks sealed and written behind: {} calls/s against {} with each block finished before the next starts \
         ({} bidders per tender, blocks of {}, alternating rounds): median ratio {:.2}×; the producer waited \
         {:.1} µs per call in commit against {:.1}, with {:.2} cores busy against {:.2} (first round).",
        rates(&cm.rounds, |r| &r.behind),
        rates(&cm.rounds, |r| &r.synchronous),
        shape.bidders_per_tender,
        shape.block_size,
        cm.ratio,
        first.behind.commit_us,
        first.synchronous.commit_us,
        first.behind.cores_busy,
        first.synchronous.cores_busy
    );
    let sc = &r.scaling;
    let _ = writeln!(
        out,
        "\nExecution alone (a block of {} independent `submit_bid` calls, no signature checks beside it, median of \
         alternating rounds): {:.1} µs per call on one thread, {:.1} on {}: {:.2}× ({:.0}% of calls taken from a \
         helper's run ahead).",
        sc.block_size, sc.serial_us, sc.parallel_us, sc.threads, sc.speedup, sc.run_ahead_pct
    );
    let rp = &r.replay;
    let _ = writeln!(
        out,
        "\nAudit replay of {} calls in {} blocks: `audit verify --data` {:.0} calls/s, `--file` {:.0} calls/s \
         ({:.1} MB chain file).",
        rp.txs, rp.blocks, rp.data_calls_per_s, rp.file_calls_per_s, rp.file_mb
    );
    out
}
