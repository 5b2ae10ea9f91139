//! The sealed-bid contract as real Wasm in the real runtime: the full
//! lifecycle, rule failures, views, and the ABI embedded in the module.

use procura_harness::{contract_wasm, Harness};
use procura_tests::*;
use procura_vm::{ExecError, Mode};
use sealed_bid::{Award, BidRecord, Stage, Tender};

fn harness() -> Harness {
    Harness::new(&contract_wasm("sealed-bid"))
}

#[test]
fn full_lifecycle_runs_as_wasm() {
    let mut h = harness();
    let steps = full_lifecycle(&mut h);
    for s in &steps {
        let expect_ok = !s.name.ends_with("(fails)");
        assert_eq!(s.outcome.is_ok(), expect_ok, "step `{}`: {:?}", s.name, s.outcome.status);
        assert!(s.outcome.gas_used > 0);
    }
    let failed = |name: &str| steps.iter().find(|s| s.name == name).unwrap().outcome.status.clone().unwrap_err();
    assert!(matches!(failed("reveal A stale bid (fails)"), ExecError::Aborted(m) if m.contains("does not match")));
    assert!(matches!(failed("award by non-buyer (fails)"), ExecError::Aborted(m) if m.contains("only the buyer")));
    assert!(matches!(failed("finalize early (fails)"), ExecError::Aborted(m) if m.contains("not ended")));

    let tender: Tender = h.view("tender", &(0u64,));
    assert_eq!(tender.stage, Stage::Awarded);
    let award: Award = tender.award.unwrap();
    assert_eq!((award.bidder, award.price), (BIDDERS[2], 450), "B was rejected, so the award passed to C");
    let bids: Vec<BidRecord> = h.view("bids", &(0u64,));
    assert_eq!(bids.len(), 3);
    assert_eq!(bids[0].price, Some(700), "A's replacement bid counts, not the stale one");
    assert!(bids[1].rejection.is_some());

    let topics: Vec<&str> = h.events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(
        topics,
        [
            "tender_opened",
            "bid_submitted",
            "bid_submitted",
            "bid_submitted",
            "bid_submitted",
            "bid_revealed",
            "bid_revealed",
            "bid_revealed",
            "tender_evaluated",
            "bidder_rejected",
            "award_made",
            "complaint_filed",
            "complaint_resolved",
            "award_final"
        ]
    );
    // Failed steps left no events and no state: replaying only the successful
    // ones gives the same storage.
    let mut replay = harness();
    for s in steps.iter().filter(|s| s.outcome.is_ok()) {
        replay.storage.apply(&s.outcome.changes);
    }
    assert_eq!(replay.storage, h.storage);
}

#[test]
fn no_bid_value_is_on_chain_before_reveal() {
    let mut h = harness();
    h.set_caller(BUYER).set_time(T0);
    let id: u64 = h.call_ok("open_tender", &(params(),));
    let price = 123_456_789u128;
    let (_, c) = sealed(id, BIDDERS[0], price);
    h.set_caller(BIDDERS[0]);
    let outcome = h.call("submit_bid", &(id, c));
    assert!(outcome.is_ok());
    let needle = price.to_le_bytes();
    let visible =
        outcome.changes.iter().filter_map(|(_, v)| v.as_ref()).chain(outcome.events.iter().map(|e| &e.payload));
    for bytes in visible {
        assert!(!bytes.windows(16).any(|w| w == needle), "the price leaked before reveal");
    }
    let bids: Vec<BidRecord> = h.view("bids", &(id,));
    assert_eq!(bids[0].price, None);
}

#[test]
fn views_cannot_write_and_bad_arguments_are_refused() {
    let mut h = harness();
    h.set_caller(BUYER).set_time(T0);
    let o = h.run("open_tender", &borsh::to_vec(&(params(),)).unwrap(), Mode::View);
    assert_eq!(o.status, Err(ExecError::WriteInView));
    assert!(o.changes.is_empty());
    let o = h.run("open_tender", b"\x01\x02", Mode::Call);
    assert!(matches!(o.status, Err(ExecError::Aborted(m)) if m.contains("invalid arguments for `open_tender`")));
    assert!(h.storage.0.is_empty());
}

#[test]
fn out_of_gas_in_a_contract_changes_nothing() {
    let mut h = harness();
    h.set_caller(BUYER).set_time(T0);
    h.gas_limit = 30_000;
    let o = h.call("open_tender", &(params(),));
    assert_eq!(o.status, Err(ExecError::OutOfGas));
    assert_eq!(o.gas_used, 30_000);
    assert!(h.storage.0.is_empty() && h.events.is_empty());
}

#[test]
fn the_module_carries_its_abi() {
    let vm = procura_vm::Vm::new(Default::default()).unwrap();
    let contract = vm.prepare(&contract_wasm("sealed-bid")).unwrap();
    let abi = contract.info.abi.as_ref().expect("ABI section present");
    assert_eq!(abi.contract, "SealedBid");
    assert_eq!(abi.method("bids").unwrap().kind, procura_vm::MethodKind::View);
    assert_eq!(abi.method("reveal_bid").unwrap().args.len(), 3);
    assert_eq!(serde_json_roundtrip(sealed_bid::SealedBid::ABI_JSON), serde_json_roundtrip(&serde_json_of(abi)));
}

fn serde_json_of(abi: &procura_vm::ContractAbi) -> String {
    procura_vm::abi::to_json(abi)
}

fn serde_json_roundtrip(s: &str) -> procura_vm::ContractAbi {
    procura_vm::ContractAbi::from_json(s.as_bytes()).unwrap()
}
