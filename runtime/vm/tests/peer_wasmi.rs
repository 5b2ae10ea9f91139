//! The wasmi peer runs the sealed-bid lifecycle exactly as production's
//! wasmtime VM does: same return data, storage writes, events and errors at
//! every step, failing steps included. Gas is printed, not compared: wasmi
//! meters instructions with its own fuel.
//!
//!   cargo test --workspace --features procura-vm/peer-wasmi --test peer_wasmi -- --nocapture
#![cfg(feature = "peer-wasmi")]

use procura_primitives::Address;
use procura_vm::{CallContext, CallRequest, ExecError, MemStorage, Mode, Outcome, PeerVm, Vm, VmConfig};
use sealed_bid::{commitment, Bid, TenderParams};
use std::path::PathBuf;

const BUYER: Address = Address([0xb0; 32]);
const BIDDERS: [Address; 3] = [Address([0x0a; 32]), Address([0x0b; 32]), Address([0x0c; 32])];
const T0: u64 = 1_767_225_600;
const BID_DEADLINE: u64 = T0 + 7 * 86_400;
const REVEAL_DEADLINE: u64 = BID_DEADLINE + 86_400;

fn sealed_bid_wasm() -> Vec<u8> {
    let dir = std::env::var_os("PROCURA_CONTRACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/contracts"));
    let path = dir.join("sealed-bid.wasm");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{} ({e}): run scripts/build-contracts", path.display()))
}

fn salt(who: Address) -> [u8; 32] {
    let mut s = [0x5a; 32];
    s[0] = who.0[0];
    s
}

fn sealed(bidder: Address, price: u128) -> (Bid, [u8; 32]) {
    let bid = Bid { tender_id: 0, bidder, price };
    let c = commitment(&bid, &salt(bidder));
    (bid, c)
}

struct Step {
    name: &'static str,
    caller: Address,
    time: u64,
    method: &'static str,
    input: Vec<u8>,
    mode: Mode,
}

/// Open, three sealed bids and a replacement, reveals (one stale), the
/// evaluation, an award refused to a non-buyer, the award, and views.
fn lifecycle() -> Vec<Step> {
    let [a, b, c] = BIDDERS;
    let params = TenderParams {
        description_hash: [0x42; 32],
        budget: 100_000_000,
        currency: "EUR".into(),
        bid_deadline: BID_DEADLINE,
        reveal_deadline: REVEAL_DEADLINE,
        min_bids: 2,
        standstill_secs: 10 * 86_400,
    };
    let step = |name, caller, time, method, input, mode| Step { name, caller, time, method, input, mode };
    let open = borsh::to_vec(&(params,)).unwrap();
    let mut steps = vec![
        step("open_tender as a view (fails)", BUYER, T0, "open_tender", open.clone(), Mode::View),
        step("open_tender", BUYER, T0, "open_tender", open, Mode::Call),
        step("tender_count", BUYER, T0, "tender_count", vec![], Mode::View),
    ];
    for (who, price, name) in
        [(a, 900u128, "submit A"), (b, 450, "submit B"), (c, 480, "submit C"), (a, 700, "replace A")]
    {
        let input = borsh::to_vec(&(0u64, sealed(who, price).1)).unwrap();
        steps.push(step(name, who, T0 + 3_600, "submit_bid", input, Mode::Call));
    }
    let stale = borsh::to_vec(&(0u64, sealed(a, 900).0, salt(a))).unwrap();
    steps.push(step("reveal A stale (fails)", a, BID_DEADLINE, "reveal_bid", stale, Mode::Call));
    for (who, price, name) in [(a, 700u128, "reveal A"), (b, 450, "reveal B"), (c, 480, "reveal C")] {
        let input = borsh::to_vec(&(0u64, sealed(who, price).0, salt(who))).unwrap();
        steps.push(step(name, who, BID_DEADLINE, "reveal_bid", input, Mode::Call));
    }
    let id = borsh::to_vec(&(0u64,)).unwrap();
    steps.extend([
        step("evaluate", c, REVEAL_DEADLINE, "evaluate", id.clone(), Mode::Call),
        step("award by non-buyer (fails)", a, REVEAL_DEADLINE, "award", id.clone(), Mode::Call),
        step("award", BUYER, REVEAL_DEADLINE, "award", id.clone(), Mode::Call),
        step("view tender", a, REVEAL_DEADLINE, "tender", id.clone(), Mode::View),
        step("view bids", a, REVEAL_DEADLINE, "bids", id, Mode::View),
        step("unknown method (fails)", a, REVEAL_DEADLINE, "no_such_method", vec![], Mode::Call),
    ]);
    steps
}

fn request(s: &Step) -> CallRequest<'_> {
    let ctx = CallContext { caller: s.caller, contract: Address([0xc0; 32]), block_height: 1, block_time: s.time };
    CallRequest { ctx, method: s.method, input: &s.input, gas_limit: 100_000_000, mode: s.mode }
}

#[test]
fn sealed_bid_lifecycle_is_identical_on_wasmtime_and_wasmi() {
    let wasm = sealed_bid_wasm();
    let vm = Vm::new(VmConfig::default()).unwrap();
    let peer = PeerVm::new(VmConfig::default()).unwrap();
    let (contract, peer_contract) = (vm.prepare(&wasm).unwrap(), peer.prepare(&wasm).unwrap());
    let (mut state, mut peer_state) = (MemStorage::default(), MemStorage::default());
    let (mut ok, mut failed) = (0, 0);

    println!("{:<32} {:>10} {:>10}", "step (gas used)", "wasmtime", "wasmi");
    for s in &lifecycle() {
        let w: Outcome = vm.execute(&contract, request(s), &state);
        let p: Outcome = peer.execute(&peer_contract, request(s), &peer_state);
        println!("{:<32} {:>10} {:>10}", s.name, w.gas_used, p.gas_used);
        assert_eq!(w.status, p.status, "step `{}`: status", s.name);
        assert_eq!(w.status.is_ok(), !s.name.ends_with("(fails)"), "step `{}`: {:?}", s.name, w.status);
        assert_eq!(w.return_data, p.return_data, "step `{}`: return data", s.name);
        assert_eq!(w.changes, p.changes, "step `{}`: storage writes", s.name);
        assert_eq!(w.events, p.events, "step `{}`: events", s.name);
        assert_eq!(w.logs, p.logs, "step `{}`: debug logs", s.name);
        assert!(p.gas_used > 0, "step `{}`: the peer charged gas", s.name);
        if w.is_ok() {
            ok += 1;
            state.apply(&w.changes);
            peer_state.apply(&p.changes);
        } else {
            failed += 1;
        }
    }
    assert_eq!(state, peer_state);
    assert_eq!((ok, failed), (13, 4));
    let steps = lifecycle();
    let view = steps.iter().find(|s| s.name == "view tender").unwrap();
    let tender: sealed_bid::Tender =
        borsh::from_slice(&vm.execute(&contract, request(view), &state).return_data).unwrap();
    let award = tender.award.unwrap();
    assert_eq!((award.bidder, award.price), (BIDDERS[1], 450), "the lowest revealed price wins");
}

#[test]
fn both_engines_run_out_of_gas_the_same_way() {
    let wasm = sealed_bid_wasm();
    let vm = Vm::new(VmConfig::default()).unwrap();
    let peer = PeerVm::new(VmConfig::default()).unwrap();
    let steps = lifecycle();
    let open = steps.iter().find(|s| s.name == "open_tender").unwrap();
    let mut req = request(open);
    req.gas_limit = 30_000;
    let w = vm.execute(&vm.prepare(&wasm).unwrap(), req, &MemStorage::default());
    let mut req = request(open);
    req.gas_limit = 30_000;
    let p = peer.execute(&peer.prepare(&wasm).unwrap(), req, &MemStorage::default());
    assert_eq!((w.status, w.gas_used), (Err(ExecError::OutOfGas), 30_000));
    assert_eq!((p.status, p.gas_used), (Err(ExecError::OutOfGas), 30_000));
    assert!(p.changes.is_empty() && p.events.is_empty());
}
