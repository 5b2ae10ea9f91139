//! The benchmark suite behind `procura bench` and `cargo bench --bench
//! pipeline`: the machine's floor for one transaction, the node pipeline
//! (sealed-bid tenders through bidding, reveal and award, swept over block
//! size and bidders per tender) and audit replay, all measured in one run so
//! their ratios hold on a noisy machine. Nothing here is consensus code.

pub mod floor;
pub mod pipeline;
pub mod plot;
pub mod report;
pub mod scaling;
pub mod timing;

use std::path::PathBuf;

/// What to run. [`BenchConfig::full`] is the documented run;
/// [`BenchConfig::quick`] a smaller one for a first look (about a minute).
#[derive(Clone, Debug)]
pub struct BenchConfig {
    pub contracts_dir: PathBuf,
    /// Total calls of each pipeline point (bids, reveals and awards).
    pub sweep_bids: usize,
    pub block_sizes: Vec<usize>,
    /// Block size of the bidders sweep.
    pub sweep_block_size: usize,
    pub bidders_per_tender: Vec<usize>,
    /// Bidders per tender of the block-size sweep.
    pub sweep_bidders: usize,
    /// Calls in the replayed chain (the issue asks for at least 100,000).
    pub replay_calls: usize,
    /// Show progress bars on stderr.
    pub progress: bool,
}

impl BenchConfig {
    pub fn full(contracts_dir: PathBuf) -> Self {
        BenchConfig {
            contracts_dir,
            sweep_bids: 20_000,
            block_sizes: vec![100, 250, 500, 1_000, 2_000, 5_000],
            sweep_block_size: 1_000,
            bidders_per_tender: vec![10, 100, 1_000, 10_000],
            sweep_bidders: 100,
            replay_calls: 100_000,
            progress: true,
        }
    }

    pub fn quick(contracts_dir: PathBuf) -> Self {
        BenchConfig {
            sweep_bids: 4_000,
            block_sizes: vec![100, 500, 2_000],
            bidders_per_tender: vec![10, 100, 1_000],
            replay_calls: 10_000,
            ..Self::full(contracts_dir)
        }
    }
}

/// Everything one run measured.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BenchReport {
    pub floor: floor::Floor,
    pub by_block_size: Vec<pipeline::PipelinePoint>,
    pub by_bidders: Vec<pipeline::PipelinePoint>,
    pub replay: pipeline::ReplayFigures,
    /// The bidders sweep's first shape executing on every core and on one
    /// thread, in alternating rounds: what parallel execution gains in the
    /// pipeline, measured in this run.
    pub exec_modes: ExecModes,
    /// Parallel execution with a core free for it.
    pub scaling: scaling::ExecutionScaling,
    /// The bidders sweep's first point with blocks sealed and written
    /// behind (the node's way) and finished one at a time, in alternating
    /// rounds.
    pub commit_modes: CommitModes,
    pub cores: usize,
}

/// Runs the whole suite.
pub fn run(config: &BenchConfig) -> anyhow::Result<BenchReport> {
    let say = |what: &str| {
        if config.progress {
            eprintln!("procura bench: {what}");
        }
    };
    say("floor (signatures, hashing, the VM, the state tree, fsync)");
    let floor = floor::measure(&config.contracts_dir)?;
    let mut by_block_size = Vec::new();
    for &block_size in &config.block_sizes {
        say(&format!(
            "pipeline: {} bids, {} bidders per tender, blocks of {block_size}",
            config.sweep_bids, config.sweep_bidders
        ));
        let shape = pipeline::Shape {
            bids: config.sweep_bids,
            bidders_per_tender: config.sweep_bidders,
            block_size,
            exec_threads: crate::chain::default_execution_threads(),
            write_behind: true,
        };
        by_block_size.push(pipeline::run(&config.contracts_dir, &shape)?.point);
    }
    let mut by_bidders = Vec::new();
    for &bidders in &config.bidders_per_tender {
        say(&format!(
            "pipeline: {} bids, {bidders} bidders per tender, blocks of {}",
            config.sweep_bids, config.sweep_block_size
        ));
        let shape = pipeline::Shape {
            bids: config.sweep_bids,
            bidders_per_tender: bidders,
            block_size: config.sweep_block_size,
            exec_threads: crate::chain::default_execution_threads(),
            write_behind: true,
        };
        by_bidders.push(pipeline::run(&config.contracts_dir, &shape)?.point);
    }
    let shape = by_bidders[0].shape;
    say(&format!(
        "pipeline: {} bidders per tender, blocks of {}, executed on every core and on one thread in turns",
        shape.bidders_per_tender, shape.block_size
    ));
    let exec_modes = ExecModes::measure(&config.contracts_dir, &shape)?;
    say(&format!(
        "pipeline: {} bidders per tender, blocks of {}, blocks finished behind and one at a time, in turns",
        shape.bidders_per_tender, shape.block_size
    ));
    let commit_modes = CommitModes::measure(&config.contracts_dir, &by_bidders[0].shape)?;
    say(&format!("execution of one block of {} calls, on one thread and on every core", config.sweep_block_size));
    let scaling = scaling::measure(&config.contracts_dir, config.sweep_block_size)?;
    say(&format!("audit replay of a chain of {} calls", config.replay_calls));
    let replay =
        pipeline::replay(&config.contracts_dir, config.replay_calls, config.sweep_block_size, config.progress)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(BenchReport { floor, by_block_size, by_bidders, replay, exec_modes, scaling, commit_modes, cores })
}

/// Rounds of [`CommitModes`]: each runs the shape once per mode.
pub const COMMIT_MODE_ROUNDS: usize = 3;

/// One pipeline shape with blocks sealed and written behind and with each
/// finished before the next starts, in alternating rounds, so the
/// machine's noise hits both alike.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CommitModes {
    pub rounds: Vec<CommitRound>,
    /// Median over rounds of behind calls/s ÷ one-at-a-time calls/s.
    pub ratio: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct CommitRound {
    pub behind: pipeline::PipelinePoint,
    pub synchronous: pipeline::PipelinePoint,
}

impl CommitModes {
    fn measure(contracts_dir: &std::path::Path, shape: &pipeline::Shape) -> anyhow::Result<Self> {
        let behind = pipeline::Shape { write_behind: true, ..*shape };
        let synchronous = pipeline::Shape { write_behind: false, ..*shape };
        let (pairs, ratio) = in_turns(contracts_dir, &behind, &synchronous)?;
        let rounds = pairs.into_iter().map(|(behind, synchronous)| CommitRound { behind, synchronous }).collect();
        Ok(CommitModes { rounds, ratio })
    }
}

/// Runs shapes `a` and `b` in alternating rounds ([`COMMIT_MODE_ROUNDS`]),
/// so the machine's noise hits both alike: each round's points, and the
/// median over rounds of `a`'s calls/s ÷ `b`'s.
fn in_turns(
    contracts_dir: &std::path::Path,
    a: &pipeline::Shape,
    b: &pipeline::Shape,
) -> anyhow::Result<(Vec<(pipeline::PipelinePoint, pipeline::PipelinePoint)>, f64)> {
    let mut rounds = Vec::new();
    for _ in 0..COMMIT_MODE_ROUNDS {
        rounds.push((pipeline::run(contracts_dir, a)?.point, pipeline::run(contracts_dir, b)?.point));
    }
    let mut ratios: Vec<f64> = rounds.iter().map(|(a, b)| a.calls_per_s / b.calls_per_s).collect();
    ratios.sort_by(f64::total_cmp);
    Ok((rounds, ratios[ratios.len() / 2]))
}

/// One pipeline shape executing on every core and on one thread, in
/// alternating rounds ([`COMMIT_MODE_ROUNDS`] of each).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ExecModes {
    pub rounds: Vec<ExecRound>,
    /// Median over rounds of every-core calls/s ÷ one-thread calls/s.
    pub ratio: f64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ExecRound {
    pub every_core: pipeline::PipelinePoint,
    pub one_thread: pipeline::PipelinePoint,
}

impl ExecModes {
    fn measure(contracts_dir: &std::path::Path, shape: &pipeline::Shape) -> anyhow::Result<Self> {
        let every_core = pipeline::Shape { exec_threads: procura_chain::cores().max(2), ..*shape };
        let one_thread = pipeline::Shape { exec_threads: 1, ..*shape };
        let (pairs, ratio) = in_turns(contracts_dir, &every_core, &one_thread)?;
        let rounds = pairs.into_iter().map(|(every_core, one_thread)| ExecRound { every_core, one_thread }).collect();
        Ok(ExecModes { rounds, ratio })
    }
}

/// Writes `bench.md`, `bench.json` and the two plots into `dir`.
pub fn write(report: &BenchReport, dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("bench.md"), report::markdown(report))?;
    std::fs::write(dir.join("bench.json"), serde_json::to_string_pretty(report)?)?;
    plot::throughput_svg(
        &dir.join("throughput-vs-block-size.svg"),
        &format!(
            "Pipeline throughput against block size ({} bidders per tender)",
            report.by_block_size[0].shape.bidders_per_tender
        ),
        "transactions per block (log scale)",
        &report.by_block_size,
        |p| p.shape.block_size,
    )?;
    plot::throughput_svg(
        &dir.join("throughput-vs-bidders.svg"),
        &format!(
            "Pipeline throughput against bidders per tender (blocks of {})",
            report.by_bidders[0].shape.block_size
        ),
        "bidders per tender (log scale)",
        &report.by_bidders,
        |p| p.shape.bidders_per_tender,
    )?;
    Ok(())
}
