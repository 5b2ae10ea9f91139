//! Peer VM benchmark (a bench binary, not a timed test): the same calls on
//! production's wasmtime (Cranelift JIT) and on the wasmi interpreter, both
//! metered, behind the same host functions and state, measured in one run
//! so the ratio is meaningful on a noisy machine.
//!
//!   PROCURA_CONTRACTS_DIR=artifacts/contracts cargo bench -p procura-vm --bench peer --features peer-wasmi
//!
//! Needs the compiled contracts (`scripts/build-contracts`).

use procura_primitives::Address;
use procura_vm::{CallContext, CallRequest, MemStorage, Mode, Outcome, PeerVm, Vm, VmConfig};
use sealed_bid::{commitment, Bid, TenderParams};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const ROUNDS: usize = 7;
const ROUND_TIME: Duration = Duration::from_millis(400);
const T0: u64 = 1_000_000;

/// Nanoseconds per call of `f` over one round.
fn round(f: &mut impl FnMut(u64), i: &mut u64) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < ROUND_TIME {
        for _ in 0..16 {
            f(*i);
            *i += 1;
        }
        n += 16;
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

/// The two engines' rounds alternate, so load from other processes on a
/// shared machine hits both alike. Returns the median ns/call of each and
/// the median of the per-round ratios (`wasmi` time over `wasmtime` time).
fn compare(mut jit: impl FnMut(u64), mut int: impl FnMut(u64)) -> (f64, f64, f64) {
    for i in 0..200 {
        jit(i);
        int(i);
    }
    let (mut i, mut j) = (1_000u64, 1_000u64);
    let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (x, y) = (round(&mut jit, &mut i), round(&mut int, &mut j));
        a.push(x);
        b.push(y);
        ratios.push(y / x);
    }
    (median(a), median(b), median(ratios))
}

/// One engine behind a common call signature.
trait Engine {
    fn call(&self, req: CallRequest<'_>, storage: &MemStorage) -> Outcome;
}

struct Wasmtime(Vm, std::sync::Arc<procura_vm::Contract>);
struct Wasmi(PeerVm, procura_vm::PeerContract);

impl Engine for Wasmtime {
    fn call(&self, req: CallRequest<'_>, storage: &MemStorage) -> Outcome {
        self.0.execute(&self.1, req, storage)
    }
}

impl Engine for Wasmi {
    fn call(&self, req: CallRequest<'_>, storage: &MemStorage) -> Outcome {
        self.0.execute(&self.1, req, storage)
    }
}

fn wasmtime(code: &[u8]) -> Wasmtime {
    let vm = Vm::new(VmConfig::default()).expect("vm");
    let contract = vm.prepare(code).expect("module uploads");
    Wasmtime(vm, contract)
}

fn wasmi(code: &[u8]) -> Wasmi {
    let vm = PeerVm::new(VmConfig::default()).expect("peer vm");
    let contract = vm.prepare(code).expect("module uploads");
    Wasmi(vm, contract)
}

fn ctx(caller: Address, time: u64) -> CallContext {
    CallContext { caller, contract: Address([0xc0; 32]), block_height: 1, block_time: time }
}

fn call_req<'a>(caller: Address, time: u64, method: &'a str, input: &'a [u8]) -> CallRequest<'a> {
    CallRequest { ctx: ctx(caller, time), method, input, gas_limit: 100_000_000, mode: Mode::Call }
}

/// A tender open for bids, as committed state.
fn open_tender(engine: &dyn Engine) -> MemStorage {
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
    let o = engine.call(call_req(Address([0xb0; 32]), T0, "open_tender", &input), &MemStorage::default());
    assert!(o.is_ok(), "{:?}", o.status);
    let mut storage = MemStorage::default();
    storage.apply(&o.changes);
    storage
}

/// One `submit_bid` by a fresh bidder (state is not committed, so every
/// call sees the same tender and writes a new bid record); returns its gas.
fn submit_bid(engine: &dyn Engine, storage: &MemStorage, i: u64) -> u64 {
    let mut who = [0u8; 32];
    who[..8].copy_from_slice(&i.to_le_bytes());
    let bidder = Address(who);
    let c = commitment(&Bid { tender_id: 0, bidder, price: 500 + i as u128 }, &[7; 32]);
    let input = borsh::to_vec(&(0u64, c)).unwrap();
    let o = engine.call(call_req(bidder, T0 + 10, "submit_bid", &input), storage);
    assert!(o.is_ok(), "{:?}", o.status);
    o.gas_used
}

fn trivial(engine: &dyn Engine, method: &str) {
    let o = engine.call(call_req(Address::ZERO, 0, method, &[]), &MemStorage::default());
    assert!(o.is_ok(), "{:?}", o.status);
}

fn contracts_dir() -> PathBuf {
    std::env::var_os("PROCURA_CONTRACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/contracts"))
}

fn main() {
    let path = contracts_dir().join("sealed-bid.wasm");
    let wasm = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{} ({e}): build the contracts first: scripts/build-contracts", path.display()));
    let noop = wat::parse_str(r#"(module (memory (export "memory") 1 1) (func (export "noop")))"#).unwrap();
    let spin = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
             (func (export "spin") (local $i i32)
               (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))))"#,
    )
    .unwrap();

    println!("peer VM benchmark: wasmtime (Cranelift JIT) vs wasmi 2 (interpreter), both metered,");
    println!("same host functions; single thread, median of {ROUNDS} rounds of {} ms each", ROUND_TIME.as_millis());

    let (jit_noop, int_noop) = (wasmtime(&noop), wasmi(&noop));
    let noop = compare(|_| trivial(&jit_noop, "noop"), |_| trivial(&int_noop, "noop"));

    let (jit_bid, int_bid) = (wasmtime(&wasm), wasmi(&wasm));
    let (jit_state, int_state) = (open_tender(&jit_bid), open_tender(&int_bid));
    assert_eq!(jit_state, int_state, "both engines open the same tender");
    let (jit_gas, int_gas) = (submit_bid(&jit_bid, &jit_state, 1), submit_bid(&int_bid, &int_state, 1));
    let bid = compare(
        |i| {
            submit_bid(&jit_bid, &jit_state, i);
        },
        |i| {
            submit_bid(&int_bid, &int_state, i);
        },
    );

    let (jit_spin, int_spin) = (wasmtime(&spin), wasmi(&spin));
    let spin = compare(|_| trivial(&jit_spin, "spin"), |_| trivial(&int_spin, "spin"));

    println!();
    println!(
        "  {:<44} {:>12} {:>12} {:>12} {:>12} {:>9}",
        "measurement", "wasmtime µs", "wasmi µs", "wasmtime/s", "wasmi/s", "ratio"
    );
    let row = |name: &str, (jit, int, ratio): (f64, f64, f64)| {
        println!(
            "  {name:<44} {:>12.2} {:>12.2} {:>12.0} {:>12.0} {:>8.2}x",
            jit / 1e3,
            int / 1e3,
            1e9 / jit,
            1e9 / int,
            ratio
        )
    };
    row("instantiate + trivial call", noop);
    row("sealed-bid submit_bid (incl. storage writes)", bid);
    row("compute loop, 100k iterations", spin);
    println!("  ratio = wasmtime calls/s ÷ wasmi calls/s (how many times faster the JIT is),");
    println!("          median of the per-round ratios; the engines' rounds alternate");
    println!("  submit_bid gas used: wasmtime {jit_gas}, wasmi {int_gas}");
}
