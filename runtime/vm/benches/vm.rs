//! VM benchmark (a bench binary, not a timed test): single-threaded figures
//! for the host's hot paths, measured in one run so ratios are meaningful on
//! a noisy machine.
//!
//!   cargo bench -p procura-vm --bench vm
//!
//! Needs the compiled contracts (`scripts/build-contracts`).

use procura_primitives::Address;
use procura_vm::{CallContext, CallRequest, Contract, MemStorage, Metering, Mode, Vm, VmConfig};
use sealed_bid::{commitment, Bid, TenderParams};
use std::time::{Duration, Instant};

const ROUNDS: usize = 7;
const ROUND_TIME: Duration = Duration::from_millis(400);

/// Median over rounds of the time per call, in nanoseconds.
fn measure(mut f: impl FnMut(u64)) -> f64 {
    for i in 0..200 {
        f(i);
    }
    let mut per_call = Vec::new();
    let mut i = 1_000u64;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < ROUND_TIME {
            for _ in 0..64 {
                f(i);
                i += 1;
            }
            n += 64;
        }
        per_call.push(start.elapsed().as_nanos() as f64 / n as f64);
    }
    per_call.sort_by(|a, b| a.partial_cmp(b).unwrap());
    per_call[ROUNDS / 2]
}

fn ctx(caller: Address, time: u64) -> CallContext {
    CallContext { caller, contract: Address([0xc0; 32]), block_height: 1, block_time: time }
}

fn vm(metering: Metering) -> Vm {
    Vm::new(VmConfig { metering, ..VmConfig::default() }).expect("vm")
}

struct SubmitBid {
    vm: Vm,
    contract: std::sync::Arc<Contract>,
    storage: MemStorage,
}

const T0: u64 = 1_000_000;

impl SubmitBid {
    fn new(metering: Metering, wasm: &[u8]) -> Self {
        let vm = vm(metering);
        let contract = vm.prepare(wasm).expect("sealed-bid uploads");
        let mut storage = MemStorage::default();
        let params = TenderParams {
            description_hash: [1; 32],
            budget: 1_000_000,
            currency: "EUR".into(),
            bid_deadline: T0 + 1_000,
            reveal_deadline: T0 + 2_000,
            min_bids: 1,
            standstill_secs: 10,
        };
        let input = borsh::to_vec(&(params,)).unwrap();
        let req = CallRequest {
            ctx: ctx(Address([0xb0; 32]), T0),
            method: "open_tender",
            input: &input,
            gas_limit: 100_000_000,
            mode: Mode::Call,
        };
        let o = vm.execute(&contract, req, &storage);
        assert!(o.is_ok(), "{:?}", o.status);
        storage.apply(&o.changes);
        SubmitBid { vm, contract, storage }
    }

    /// One `submit_bid` by a fresh bidder (state is not committed, so every
    /// call sees the same tender and writes a new bid record).
    fn call(&self, i: u64) -> u64 {
        let mut who = [0u8; 32];
        who[..8].copy_from_slice(&i.to_le_bytes());
        let bidder = Address(who);
        let c = commitment(&Bid { tender_id: 0, bidder, price: 500 + i as u128 }, &[7; 32]);
        let input = borsh::to_vec(&(0u64, c)).unwrap();
        let req = CallRequest {
            ctx: ctx(bidder, T0 + 10),
            method: "submit_bid",
            input: &input,
            gas_limit: 100_000_000,
            mode: Mode::Call,
        };
        let o = self.vm.execute(&self.contract, req, &self.storage);
        assert!(o.is_ok(), "{:?}", o.status);
        o.gas_used
    }
}

fn main() {
    let wasm = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../artifacts/contracts/sealed-bid.wasm"))
        .expect("build the contracts first: scripts/build-contracts");
    let noop = wat::parse_str(r#"(module (memory (export "memory") 1 1) (func (export "noop")))"#).unwrap();
    let spin = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
             (func (export "spin") (local $i i32)
               (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))))"#,
    )
    .unwrap();

    println!("procura-vm benchmark: single thread, median of {ROUNDS} rounds of {} ms", ROUND_TIME.as_millis());
    let run_trivial = |m: Metering, code: &[u8], method: &'static str| {
        let vm = vm(m);
        let contract = vm.prepare(code).unwrap();
        let storage = MemStorage::default();
        measure(|_| {
            let req =
                CallRequest { ctx: ctx(Address::ZERO, 0), method, input: &[], gas_limit: 10_000_000, mode: Mode::Call };
            let o = vm.execute(&contract, req, &storage);
            assert!(o.is_ok());
        })
    };
    let noop_ns = run_trivial(Metering::Metered, &noop, "noop");
    let spin_metered = run_trivial(Metering::Metered, &spin, "spin");
    let spin_unmetered = run_trivial(Metering::Unmetered, &spin, "spin");

    let metered = SubmitBid::new(Metering::Metered, &wasm);
    let unmetered = SubmitBid::new(Metering::Unmetered, &wasm);
    let gas = metered.call(1);
    let bid_metered = measure(|i| {
        metered.call(i);
    });
    let bid_unmetered = measure(|i| {
        unmetered.call(i);
    });

    let row = |name: &str, ns: f64| println!("  {name:<58} {:>9.2} µs/call {:>10.0} calls/s", ns / 1e3, 1e9 / ns);
    row("cached module: instantiate + trivial call", noop_ns);
    row("sealed-bid submit_bid (metered, incl. storage writes)", bid_metered);
    row("sealed-bid submit_bid (compiled without fuel)", bid_unmetered);
    row("compute loop, 100k iterations (metered)", spin_metered);
    row("compute loop, 100k iterations (without fuel)", spin_unmetered);
    println!("  submit_bid gas used: {gas}");
    println!("  fuel overhead, submit_bid:   {:.3}x", bid_metered / bid_unmetered);
    println!("  fuel overhead, compute loop: {:.3}x", spin_metered / spin_unmetered);
}
