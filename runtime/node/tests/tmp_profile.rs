mod common;
use common::contracts_dir;
use procura_node::bench::pipeline;

#[test]
#[ignore]
fn profile_point() {
    let n = |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let shape = pipeline::Shape {
        bids: n("BIDS", 20_000),
        bidders_per_tender: n("PER", 100),
        block_size: n("BLOCK", 2_000),
        exec_threads: n("THREADS", 1),
        write_behind: true,
    };
    for _ in 0..n("ROUNDS", 1) {
        let run = pipeline::run(&contracts_dir(), &shape).unwrap();
        println!("{}", serde_json::to_string(&run.point).unwrap());
    }
}
