//! A sealed-bid tender from opening to final award, run as real Wasm in the
//! Procura runtime: a buyer, three bidders, a replaced bid, a bad reveal, a
//! rejection that passes the award on, a complaint in standstill.
//!
//!   cargo run -p procura-examples --bin sealed-bid-tender

use procura_harness::{contract_wasm, Harness};
use procura_tests::{full_lifecycle, BIDDERS, BUYER};
use sealed_bid::Tender;

fn who(a: &procura_primitives::Address) -> &'static str {
    match a {
        a if *a == BUYER => "buyer",
        a if *a == BIDDERS[0] => "bidder A",
        a if *a == BIDDERS[1] => "bidder B",
        a if *a == BIDDERS[2] => "bidder C",
        _ => "someone",
    }
}

fn main() -> anyhow::Result<()> {
    let wasm = contract_wasm("sealed-bid");
    println!(
        "sealed-bid.wasm: {} bytes, code hash {}",
        wasm.len(),
        procura_primitives::to_hex(&procura_vm::code_hash(&wasm))
    );
    let mut h = Harness::new(&wasm);
    let steps = full_lifecycle(&mut h);
    println!("\n{:<30} {:>10}  result", "step", "gas");
    let mut total = 0;
    for s in &steps {
        total += s.outcome.gas_used;
        let result = match &s.outcome.status {
            Ok(()) => {
                let topics: Vec<&str> = s.outcome.events.iter().map(|e| e.topic.as_str()).collect();
                format!("ok  events: {}", topics.join(", "))
            }
            Err(e) => format!("refused: {e}"),
        };
        println!("{:<30} {:>10}  {}", s.name, s.outcome.gas_used, result);
    }
    println!("{:<30} {:>10}", "total", total);
    let tender: Tender = h.view("tender", &(0u64,));
    let award = tender.award.ok_or_else(|| anyhow::anyhow!("no award"))?;
    println!(
        "\ntender 0 is {:?}: awarded to {} ({}) at {} {} minor units",
        tender.stage,
        who(&award.bidder),
        award.bidder,
        award.price,
        tender.params.currency
    );
    Ok(())
}
