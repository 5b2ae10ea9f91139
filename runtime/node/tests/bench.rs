//! The benchmark suite's scenarios are real chains: a tiny run of each part
//! must do the work it reports (every call succeeds, the chain verifies) and
//! write its tables and plots. No timing is asserted.

mod common;

use common::contracts_dir;
use procura_node::bench::{self, pipeline, BenchConfig, COMMIT_MODE_ROUNDS};

#[test]
fn a_pipeline_run_commits_every_phase_of_every_tender() {
    let shape = pipeline::Shape { bids: 23, bidders_per_tender: 5, block_size: 7, exec_threads: 2, write_behind: true };
    let run = pipeline::run(&contracts_dir(), &shape).unwrap();
    let p = &run.point;
    // 5 tenders: 5 opens, 23 bids, 23 reveals, 5 evaluations and 5 awards.
    assert_eq!(p.tenders, 5);
    assert_eq!(p.calls, 5 + 23 + 23 + 2 * 5);
    // Blocks hold at most 7 transactions and phases never share a block.
    assert_eq!(p.blocks, 1 + 4 + 4 + 2);
    let db = procura_storage::Db::open(&run.dir.path().join("db")).unwrap();
    let report = procura_node::audit::verify(&db, run.genesis.clone(), &contracts_dir(), false).unwrap();
    assert_eq!(report.txs as usize, p.calls);
    assert_eq!(report.blocks, p.blocks);
    // The producer thread's scheduler times are read (Linux reports them).
    assert!(p.producer_on_cpu_pct > 0.0, "{}", p.producer_on_cpu_pct);
}

#[test]
fn a_tiny_suite_writes_tables_and_plots() {
    let config = BenchConfig {
        sweep_bids: 12,
        block_sizes: vec![4, 12],
        sweep_block_size: 6,
        bidders_per_tender: vec![3, 12],
        sweep_bidders: 6,
        replay_calls: 30,
        progress: false,
        ..BenchConfig::quick(contracts_dir())
    };
    let report = bench::run(&config).unwrap();
    assert_eq!(report.by_block_size.len(), 2);
    assert_eq!(report.by_bidders.iter().map(|p| p.tenders).collect::<Vec<_>>(), [4, 1]);
    assert!(report.replay.txs >= 30, "replayed {} calls", report.replay.txs);
    assert!(report.floor.per_tx_us() > report.floor.submit_bid_us);
    let out = tempfile::tempdir().unwrap();
    bench::write(&report, out.path()).unwrap();
    let md = std::fs::read_to_string(out.path().join("bench.md")).unwrap();
    assert!(md.contains("| 12 | 6 | 2 |"), "{md}");
    // Every core against one thread, the bidders sweep's first shape in turns.
    let exec = &report.exec_modes;
    assert_eq!(exec.rounds.len(), COMMIT_MODE_ROUNDS);
    assert!(exec.rounds.iter().all(|r| r.every_core.shape.exec_threads >= 2 && r.one_thread.shape.exec_threads == 1));
    assert!(exec.rounds.iter().all(|r| r.one_thread.calls == report.by_bidders[0].calls));
    assert!(md.contains("Parallel execution:"), "{md}");
    // Blocks finished behind against one at a time, the same shape in turns.
    let modes = &report.commit_modes;
    assert_eq!(modes.rounds.len(), COMMIT_MODE_ROUNDS);
    assert!(modes.rounds.iter().all(|r| r.behind.shape.write_behind && !r.synchronous.shape.write_behind));
    assert!(modes.rounds.iter().all(|r| r.behind.calls == report.by_bidders[0].calls));
    assert!(md.contains("Blocks sealed and written behind:"), "{md}");
    for svg in ["throughput-vs-block-size.svg", "throughput-vs-bidders.svg"] {
        let text = std::fs::read_to_string(out.path().join(svg)).unwrap();
        assert!(text.starts_with("<svg") && text.contains("bidders per tender"), "{svg}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("bench.json")).unwrap()).unwrap();
    assert_eq!(json["by_block_size"][1]["shape"]["block_size"], 12);
}
