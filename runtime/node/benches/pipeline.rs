//! The benchmark suite as a bench binary (not a timed test): the same run as
//! `procura bench`, measured in one process so ratios are meaningful on a
//! noisy machine.
//!
//!   cargo bench --workspace --profile dev --bench pipeline [-- --quick] [-- --out DIR]
//!
//! Needs the compiled contracts (`scripts/build-contracts`). Writes
//! bench.md, bench.json and the SVG plots to DIR (default:
//! $CARGO_TARGET_TMPDIR/bench-results).

use procura_node::bench::{self, BenchConfig};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let contracts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/contracts");
    let config =
        if args.iter().any(|a| a == "--quick") { BenchConfig::quick(contracts) } else { BenchConfig::full(contracts) };
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-results"));
    let report = bench::run(&config)?;
    println!("{}", bench::report::markdown(&report));
    bench::write(&report, &out)?;
    println!("wrote {}", out.display());
    Ok(())
}
