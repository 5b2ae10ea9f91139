//! The framework-agreement contract as real Wasm in the real runtime: stage 1
//! from opening to the agreement in force, then call-offs, with a gas table
//! per step.

use framework_agreement::events::CallOffFinal;
use framework_agreement::{
    commitment, BidRecord, CallOff, CallOffBid, CallOffParams, CallOffStage, Framework, FrameworkBid, FrameworkParams,
    Procedure, Stage, Supplier,
};
use procura_harness::{contract_wasm, Harness};
use procura_primitives::Address;
use procura_tests::Recorder;

const BUYER: Address = Address([0xb0; 32]);
const S: [Address; 4] = [Address([0x0a; 32]), Address([0x0b; 32]), Address([0x0c; 32]), Address([0x0d; 32])];
const OUTSIDER: Address = Address([0xee; 32]);
const DAY: u64 = 86_400;
const T0: u64 = 1_767_225_600; // 2026-01-01
const BID_DEADLINE: u64 = T0 + 30 * DAY;
const REVEAL_DEADLINE: u64 = BID_DEADLINE + DAY;
const STANDSTILL: u64 = 10 * DAY;
const ACTIVE_AT: u64 = REVEAL_DEADLINE + STANDSTILL;
const TERM_END: u64 = T0 + 3 * 365 * DAY;
const MAX_VALUE: u128 = 5_000_000_00;

fn harness() -> Harness {
    Harness::new(&contract_wasm("framework-agreement"))
}

fn params() -> FrameworkParams {
    FrameworkParams {
        procedure: Procedure::Open,
        description_hash: [0x42; 32],
        currency: "EUR".into(),
        max_value: MAX_VALUE,
        max_suppliers: 3,
        min_bids: 2,
        bid_deadline: BID_DEADLINE,
        reveal_deadline: REVEAL_DEADLINE,
        standstill_secs: STANDSTILL,
        term_end: TERM_END,
    }
}

fn salt(who: Address) -> [u8; 32] {
    let mut s = [0x5a; 32];
    s[..8].copy_from_slice(&who.0[..8]);
    s
}

fn fw_bid(id: u64, who: Address, price: u128) -> (FrameworkBid, [u8; 32]) {
    let bid = FrameworkBid { framework_id: id, bidder: who, price };
    let c = commitment(&bid, &salt(who));
    (bid, c)
}

fn co_bid(fw: u64, co: u64, who: Address, price: u128) -> (CallOffBid, [u8; 32]) {
    let bid = CallOffBid { framework_id: fw, call_off_id: co, bidder: who, price };
    let c = commitment(&bid, &salt(who));
    (bid, c)
}

fn call_off_params(now: u64, budget: u128, standstill_secs: u64) -> CallOffParams {
    CallOffParams {
        description_hash: [0x43; 32],
        budget,
        bid_deadline: now + 5 * DAY,
        reveal_deadline: now + 6 * DAY,
        standstill_secs,
    }
}

/// Stage 1: four suppliers bid (A replaces its bid), A's stale reveal fails,
/// D is rejected, B C A are selected; a complaint is dismissed; the
/// agreement comes into force. Then call-off 0 (3-day standstill, C's
/// lowest price wins), call-off 1 (no standstill: final at once), call-off 2
/// cancelled; an outsider's bid and an over-budget call-off are refused; the
/// framework expires at its term end.
#[test]
fn full_framework_lifecycle_runs_as_wasm() {
    let mut h = harness();
    let mut r = Recorder::new();
    let [a, b, c, d] = S;

    h.set_time(T0);
    let id: u64 = r.ok(&mut h, "open framework", BUYER, "open_framework", &(params(),));
    h.set_time(T0 + DAY);
    r.ok::<_, ()>(&mut h, "submit bid A (first)", a, "submit_bid", &(id, fw_bid(id, a, 900_00).1));
    for (who, price, name) in [(b, 450_00, "submit bid B"), (c, 480_00, "submit bid C"), (d, 300_00, "submit bid D")] {
        r.ok::<_, ()>(&mut h, name, who, "submit_bid", &(id, fw_bid(id, who, price).1));
    }
    r.ok::<_, ()>(&mut h, "submit bid A (replace)", a, "submit_bid", &(id, fw_bid(id, a, 500_00).1));
    r.fails(&mut h, "buyer bids", BUYER, "submit_bid", &(id, [0u8; 32]), "buyer cannot bid");

    h.set_time(BID_DEADLINE);
    let stale = fw_bid(id, a, 900_00).0;
    r.fails(&mut h, "reveal A stale bid", a, "reveal_bid", &(id, stale, salt(a)), "does not match");
    for (who, price, name) in
        [(a, 500_00u128, "reveal A"), (b, 450_00, "reveal B"), (c, 480_00, "reveal C"), (d, 300_00, "reveal D")]
    {
        r.ok::<_, ()>(&mut h, name, who, "reveal_bid", &(id, fw_bid(id, who, price).0, salt(who)));
    }
    h.set_time(REVEAL_DEADLINE);
    let stage: Stage = r.ok(&mut h, "evaluate", OUTSIDER, "evaluate", &(id,));
    assert_eq!(stage, Stage::Qualification);
    r.ok::<_, ()>(&mut h, "reject D", BUYER, "reject_bidder", &(id, d, String::from("abnormally low, not justified")));
    r.fails(&mut h, "conclude by a supplier", a, "conclude", &(id,), "only the buyer");
    let selected: Vec<Supplier> = r.ok(&mut h, "conclude (select 3)", BUYER, "conclude", &(id,));
    assert_eq!(selected.iter().map(|s| s.address).collect::<Vec<_>>(), vec![b, c, a]);

    h.set_time(REVEAL_DEADLINE + DAY);
    r.ok::<_, ()>(&mut h, "complain D", d, "complain", &(id, String::from("my price was justified")));
    r.ok::<_, ()>(
        &mut h,
        "resolve complaint (dismissed)",
        BUYER,
        "resolve_complaint",
        &(id, false, String::from("justification insufficient")),
    );
    r.fails(&mut h, "finalize early", a, "finalize", &(id,), "not ended");
    h.set_time(ACTIVE_AT);
    let _: Vec<Supplier> = r.ok(&mut h, "finalize (agreement active)", OUTSIDER, "finalize", &(id,));

    // Call-off 0: budget 200 000.00, standstill 3 days.
    let co: u64 =
        r.ok(&mut h, "open call-off 0", BUYER, "open_call_off", &(id, call_off_params(ACTIVE_AT, 200_000_00, 3 * DAY)));
    r.fails(&mut h, "outsider bids in call-off", d, "submit_call_off_bid", &(co, [0u8; 32]), "only suppliers");
    for (who, price, name) in [
        (b, 150_000_00u128, "call-off 0 bid B"),
        (c, 120_000_00, "call-off 0 bid C"),
        (a, 199_000_00, "call-off 0 bid A"),
    ] {
        r.ok::<_, ()>(&mut h, name, who, "submit_call_off_bid", &(co, co_bid(id, co, who, price).1));
    }
    h.set_time(ACTIVE_AT + 5 * DAY);
    for (who, price, name) in [
        (b, 150_000_00u128, "call-off 0 reveal B"),
        (c, 120_000_00, "call-off 0 reveal C"),
        (a, 199_000_00, "call-off 0 reveal A"),
    ] {
        r.ok::<_, ()>(&mut h, name, who, "reveal_call_off_bid", &(co, co_bid(id, co, who, price).0, salt(who)));
    }
    h.set_time(ACTIVE_AT + 6 * DAY);
    let s: CallOffStage = r.ok(&mut h, "evaluate call-off 0", OUTSIDER, "evaluate_call_off", &(co,));
    assert_eq!(s, CallOffStage::Qualification);
    let award: framework_agreement::CallOffAward = r.ok(&mut h, "award call-off 0", BUYER, "award_call_off", &(co,));
    assert_eq!((award.supplier, award.price), (c, 120_000_00));
    r.fails(&mut h, "finalize call-off 0 early", a, "finalize_call_off", &(co,), "not ended");
    h.set_time(ACTIVE_AT + 9 * DAY);
    let _: framework_agreement::CallOffAward = r.ok(&mut h, "finalize call-off 0", a, "finalize_call_off", &(co,));

    // Call-off 1: the rest of the value is too much; then no standstill.
    let now = ACTIVE_AT + 10 * DAY;
    h.set_time(now);
    r.fails(
        &mut h,
        "open call-off over remaining value",
        BUYER,
        "open_call_off",
        &(id, call_off_params(now, MAX_VALUE, 0)),
        "remaining value",
    );
    let co1: u64 = r.ok(
        &mut h,
        "open call-off 1 (no standstill)",
        BUYER,
        "open_call_off",
        &(id, call_off_params(now, 50_000_00, 0)),
    );
    r.ok::<_, ()>(&mut h, "call-off 1 bid A", a, "submit_call_off_bid", &(co1, co_bid(id, co1, a, 40_000_00).1));
    h.set_time(now + 5 * DAY);
    r.ok::<_, ()>(
        &mut h,
        "call-off 1 reveal A",
        a,
        "reveal_call_off_bid",
        &(co1, co_bid(id, co1, a, 40_000_00).0, salt(a)),
    );
    h.set_time(now + 6 * DAY);
    let _: CallOffStage = r.ok(&mut h, "evaluate call-off 1", BUYER, "evaluate_call_off", &(co1,));
    let _: framework_agreement::CallOffAward =
        r.ok(&mut h, "award call-off 1 (final at once)", BUYER, "award_call_off", &(co1,));

    // Call-off 2: cancelled.
    let co2: u64 =
        r.ok(&mut h, "open call-off 2", BUYER, "open_call_off", &(id, call_off_params(now + 6 * DAY, 10_000_00, 0)));
    r.ok::<_, ()>(&mut h, "cancel call-off 2", BUYER, "cancel_call_off", &(co2, String::from("need met elsewhere")));

    h.set_time(TERM_END);
    r.fails(
        &mut h,
        "open call-off after term",
        BUYER,
        "open_call_off",
        &(id, call_off_params(TERM_END, 1, 0)),
        "term has ended",
    );
    r.ok::<_, ()>(&mut h, "expire", OUTSIDER, "expire", &(id,));

    println!("{}", r.gas_table("framework-agreement: gas per step"));
    assert!(r.steps.iter().all(|s| s.outcome.gas_used > 0));

    // Views.
    let fw: Framework = h.view("framework", &(id,));
    assert_eq!(fw.stage, Stage::Expired);
    assert_eq!((fw.awarded_value, fw.reserved_value), (160_000_00, 0));
    assert_eq!(fw.remaining_value(), MAX_VALUE - 160_000_00);
    let suppliers: Vec<Supplier> = h.view("suppliers", &(id,));
    assert_eq!(
        suppliers.iter().map(|s| (s.address, s.price, s.rank)).collect::<Vec<_>>(),
        vec![(b, 450_00, 1), (c, 480_00, 2), (a, 500_00, 3)]
    );
    let bids: Vec<BidRecord> = h.view("bids", &(id,));
    assert_eq!(bids.len(), 4);
    assert_eq!(bids[0].price, Some(500_00), "A's replacement counts, not the stale bid");
    assert!(bids[3].rejection.is_some());
    let call_offs: Vec<CallOff> = h.view("call_offs", &(id,));
    assert_eq!(
        call_offs.iter().map(|c| c.stage).collect::<Vec<_>>(),
        vec![CallOffStage::Awarded, CallOffStage::Awarded, CallOffStage::Cancelled]
    );
    let co_bids: Vec<BidRecord> = h.view("call_off_bids", &(co,));
    assert_eq!(co_bids.iter().filter_map(|b| b.price).sum::<u128>(), 469_000_00);
    let fin = h.events.iter().filter(|e| e.topic == "call_off_award_final").last().unwrap();
    let fin: CallOffFinal = borsh::from_slice(&fin.payload).unwrap();
    assert_eq!((fin.price, fin.framework_awarded), (40_000_00, 160_000_00));

    // Failed steps left nothing: replaying the successful ones gives the
    // same storage.
    let mut replay = harness();
    for s in r.steps.iter().filter(|s| s.outcome.is_ok()) {
        replay.storage.apply(&s.outcome.changes);
    }
    assert_eq!(replay.storage, h.storage);
    let topics: Vec<&str> = h.events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(topics.first(), Some(&"framework_opened"));
    assert_eq!(topics.last(), Some(&"framework_expired"));
    assert_eq!(topics.iter().filter(|t| **t == "call_off_award_final").count(), 2);
}

#[test]
fn no_bid_value_is_on_chain_before_reveal() {
    let mut h = harness();
    h.set_caller(BUYER).set_time(T0);
    let id: u64 = h.call_ok("open_framework", &(params(),));
    let price = 123_456_789u128;
    h.set_caller(S[0]);
    let outcome = h.call("submit_bid", &(id, fw_bid(id, S[0], price).1));
    assert!(outcome.is_ok());
    let needle = price.to_le_bytes();
    let visible =
        outcome.changes.iter().filter_map(|(_, v)| v.as_ref()).chain(outcome.events.iter().map(|e| &e.payload));
    for bytes in visible {
        assert!(!bytes.windows(16).any(|w| w == needle), "the price leaked before reveal");
    }
}

#[test]
fn the_module_carries_its_abi() {
    let vm = procura_vm::Vm::new(Default::default()).unwrap();
    let contract = vm.prepare(&contract_wasm("framework-agreement")).unwrap();
    let abi = contract.info.abi.as_ref().expect("ABI section present");
    assert_eq!(abi.contract, "FrameworkAgreement");
    assert_eq!(abi.method("call_offs").unwrap().kind, procura_vm::MethodKind::View);
    assert_eq!(abi.method("reveal_call_off_bid").unwrap().args.len(), 3);
}
