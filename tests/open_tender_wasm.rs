//! The open-tender contract as real Wasm in the real runtime: a two-lot
//! tender through enquiries, an amendment, sealed bids, an e-auction, the
//! rejection cascade, a complaint and the final award, with the gas of every
//! step printed as a table (`cargo test --test open_tender_wasm -- --nocapture`).
//! No supplier registry here: cross-contract wiring is tested elsewhere.

use open_tender::{
    commitment, Amendment, AuctionConfig, AuctionState, AwardCriterion, Bid, BidRecord, Criterion, Lot, LotParams,
    LotStatus, MinStep, Procedure, TenderParams, TenderStatus,
};
use procura_harness::{contract_wasm, Harness};
use procura_primitives::Address;
use procura_vm::{ExecError, Mode, Outcome};

const BUYER: Address = Address([0xb0; 32]);
const A: Address = Address([0x0a; 32]);
const B: Address = Address([0x0b; 32]);
const C: Address = Address([0x0c; 32]);
const EVAL: Address = Address([0xe1; 32]);
const DAY: u64 = 86_400;
const T0: u64 = 1_767_225_600; // 2026-01-01
const BID_DEADLINE: u64 = T0 + 10 * DAY;
const REVEAL_DEADLINE: u64 = BID_DEADLINE + DAY;
const STANDSTILL: u64 = 2 * DAY;
const TURN: u64 = 3_600;

fn params() -> TenderParams {
    TenderParams {
        procedure: Procedure::BelowThreshold,
        criterion: AwardCriterion::PriceOnly,
        criteria: vec![],
        evaluators: vec![],
        currency: "EUR".into(),
        documents_hash: [0x42; 32],
        enquiry_end: T0 + 5 * DAY,
        bid_deadline: BID_DEADLINE,
        reveal_deadline: REVEAL_DEADLINE,
        standstill_secs: STANDSTILL,
        min_bids: 2,
        registry: None,
        review_body: None,
        auction: Some(AuctionConfig { rounds: Some(1), min_step: MinStep::Bps(50), turn_secs: TURN }),
    }
}

fn lots() -> Vec<LotParams> {
    vec![
        LotParams { value: 1_000_000_00, description_hash: [1; 32] },
        LotParams { value: 500_000_00, description_hash: [2; 32] },
    ]
}

fn salt(bidder: Address) -> [u8; 32] {
    let mut s = [0x5a; 32];
    s[..8].copy_from_slice(&bidder.0[..8]);
    s
}

fn sealed(lot_id: u32, bidder: Address, price: u128) -> (Bid, [u8; 32]) {
    let bid = Bid { tender_id: 0, lot_id, bidder, price, life_cycle_cost: 0 };
    let c = commitment(&bid, &salt(bidder));
    (bid, c)
}

/// Runs the steps, keeping every outcome for the assertions and the table.
struct Run {
    h: Harness,
    steps: Vec<(String, Outcome)>,
}

impl Run {
    fn new() -> Self {
        Run { h: Harness::new(&contract_wasm("open-tender")), steps: Vec::new() }
    }
    fn step<T: borsh::BorshSerialize>(&mut self, name: &str, caller: Address, method: &str, args: &T) -> &Outcome {
        self.h.set_caller(caller);
        let outcome = self.h.run(method, &borsh::to_vec(args).unwrap(), Mode::Call);
        let expect_ok = !name.ends_with("(fails)");
        assert_eq!(outcome.is_ok(), expect_ok, "step `{name}`: {:?}", outcome.status);
        assert!(outcome.gas_used > 0);
        self.steps.push((name.into(), outcome));
        &self.steps.last().unwrap().1
    }
    fn aborted(&self, name: &str) -> String {
        match &self.steps.iter().find(|(n, _)| n == name).unwrap().1.status {
            Err(ExecError::Aborted(m)) => m.clone(),
            other => panic!("step `{name}`: {other:?}"),
        }
    }
    fn print_gas(&self, title: &str) {
        println!("\n{title}\n| step | method | gas_used |\n|---|---|---:|");
        for (name, o) in &self.steps {
            println!("| {name} | {} | {} |", method_of(name), o.gas_used);
        }
    }
}

fn name(a: Address) -> &'static str {
    match a {
        A => "A",
        B => "B",
        C => "C",
        _ => "?",
    }
}

fn method_of(step: &str) -> &str {
    step.split_whitespace().next().unwrap_or(step)
}

#[test]
fn two_lot_tender_with_auction_runs_as_wasm() {
    let mut r = Run::new();
    r.h.set_time(T0);
    r.step("open_tender (2 lots, auction)", BUYER, "open_tender", &(params(), lots()));
    r.h.set_time(T0 + DAY);
    r.step("ask_question", A, "ask_question", &(0u64, Some(1u32), String::from("Is installation included?")));
    r.step("answer_question", BUYER, "answer_question", &(0u64, 0u64, String::from("Yes, see annex C")));
    for (who, price) in [(A, 800_000_00u128), (B, 700_000_00), (C, 900_000_00)] {
        r.step(&format!("submit_bid lot 0 {}", name(who)), who, "submit_bid", &(0u64, 0u32, sealed(0, who, price).1));
    }
    r.step("submit_bid lot 1 A", A, "submit_bid", &(0u64, 1u32, sealed(1, A, 450_000_00).1));
    r.step("withdraw_bid lot 1 A", A, "withdraw_bid", &(0u64, 1u32));
    r.step("submit_bid lot 1 A (again)", A, "submit_bid", &(0u64, 1u32, sealed(1, A, 450_000_00).1));
    let amendment =
        Amendment { documents_hash: [0x43; 32], lots: vec![1], new_values: vec![(1, 480_000_00)], bid_deadline: None };
    r.step("amend lot 1 (voids its bids)", BUYER, "amend", &(0u64, amendment));
    r.step("submit_bid lot 1 A (re-submit)", A, "submit_bid", &(0u64, 1u32, sealed(1, A, 470_000_00).1));
    r.step("submit_bid lot 1 B", B, "submit_bid", &(0u64, 1u32, sealed(1, B, 460_000_00).1));
    r.h.set_time(BID_DEADLINE);
    let (stale, _) = sealed(1, A, 450_000_00);
    r.step("reveal_bid lot 1 A stale (fails)", A, "reveal_bid", &(0u64, 1u32, stale, salt(A)));
    for (who, price) in [(A, 800_000_00u128), (B, 700_000_00), (C, 900_000_00)] {
        r.step(
            &format!("reveal_bid lot 0 {}", name(who)),
            who,
            "reveal_bid",
            &(0u64, 0u32, sealed(0, who, price).0, salt(who)),
        );
    }
    for (who, price) in [(A, 470_000_00u128), (B, 460_000_00)] {
        r.step(
            &format!("reveal_bid lot 1 {}", name(who)),
            who,
            "reveal_bid",
            &(0u64, 1u32, sealed(1, who, price).0, salt(who)),
        );
    }
    r.h.set_time(REVEAL_DEADLINE);
    r.step("evaluate_lot 0 (3 bids -> auction)", C, "evaluate_lot", &(0u64, 0u32));
    r.step("evaluate_lot 1 (2 bids -> auction)", C, "evaluate_lot", &(0u64, 1u32));
    r.step("auction_bid A out of turn (fails)", A, "auction_bid", &(0u64, 0u32, 600_000_00u128));
    r.step("auction_bid C", C, "auction_bid", &(0u64, 0u32, 690_000_00u128));
    r.step("auction_pass A", A, "auction_pass", &(0u64, 0u32));
    r.h.set_time(REVEAL_DEADLINE + 2 * TURN);
    r.step("skip_turn B (timed out; last turn)", C, "skip_turn", &(0u64, 0u32));
    r.step("cancel_lot 1", BUYER, "cancel_lot", &(0u64, 1u32, String::from("merged into a framework agreement")));
    r.step("reject_bidder C (cascade)", BUYER, "reject_bidder", &(0u64, 0u32, C, String::from("no tax certificate")));
    r.step("award by non-buyer (fails)", A, "award", &(0u64, 0u32));
    r.step("award lot 0", BUYER, "award", &(0u64, 0u32));
    r.h.set_time(REVEAL_DEADLINE + DAY);
    r.step("complain A", A, "complain", &(0u64, 0u32, String::from("B's offer misses spec 4.2")));
    r.step("resolve_complaint (dismissed)", BUYER, "resolve_complaint", &(0u64, 0u32, false, String::from("spec met")));
    r.step("finalize early (fails)", A, "finalize", &(0u64, 0u32));
    r.h.set_time(REVEAL_DEADLINE + 2 * TURN + STANDSTILL);
    r.step("finalize lot 0", A, "finalize", &(0u64, 0u32));
    r.print_gas("open-tender, two lots with auction: gas per step");

    assert!(r.aborted("reveal_bid lot 1 A stale (fails)").contains("does not match"));
    assert!(r.aborted("auction_bid A out of turn (fails)").contains("not your turn"));
    assert!(r.aborted("award by non-buyer (fails)").contains("only the buyer"));
    assert!(r.aborted("finalize early (fails)").contains("not ended"));

    let status: TenderStatus = r.h.view("tender_status", &(0u64,));
    assert_eq!(status, TenderStatus::Complete);
    let lots: Vec<Lot> = r.h.view("lots", &(0u64,));
    assert_eq!((lots[0].status, lots[1].status), (LotStatus::Complete, LotStatus::Cancelled));
    let award = lots[0].award.clone().unwrap();
    assert_eq!((award.bidder, award.price), (B, 700_000_00), "C won the auction, was rejected; B is next");
    let bids: Vec<BidRecord> = r.h.view("bids", &(0u64, 0u32));
    assert_eq!(bids[2].price, Some(690_000_00));
    assert_eq!(bids[2].revealed_price, Some(900_000_00));
    let auction: Option<AuctionState> = r.h.view("auction", &(0u64, 0u32));
    assert!(auction.unwrap().finished);

    // Failed steps left nothing behind: replaying the successful ones gives
    // the same storage.
    let mut replay = Harness::new(&contract_wasm("open-tender"));
    for (_, o) in r.steps.iter().filter(|(_, o)| o.is_ok()) {
        replay.storage.apply(&o.changes);
    }
    assert_eq!(replay.storage, r.h.storage);
    let topics: Vec<&str> = r.h.events.iter().map(|e| e.topic.as_str()).collect();
    for t in [
        "question_answered",
        "bids_invalidated",
        "auction_finished",
        "bidder_rejected",
        "complaint_resolved",
        "award_final",
        "lot_cancelled",
    ] {
        assert!(topics.contains(&t), "missing event {t}");
    }
}

#[test]
fn rated_lot_with_abnormally_low_price_runs_as_wasm() {
    let mut r = Run::new();
    r.h.set_time(T0);
    let p = TenderParams {
        criterion: AwardCriterion::RatedCriteria,
        criteria: vec![Criterion { name: "quality".into(), weight_bps: 3_000 }],
        evaluators: vec![EVAL],
        auction: None,
        ..params()
    };
    r.step("open_tender (rated, 1 lot)", BUYER, "open_tender", &(p, vec![lots().remove(0)]));
    let prices = [(A, 300_000_00u128), (B, 600_000_00), (C, 650_000_00)];
    for (who, price) in prices {
        r.step(&format!("submit_bid {}", name(who)), who, "submit_bid", &(0u64, 0u32, sealed(0, who, price).1));
    }
    r.h.set_time(BID_DEADLINE);
    for (who, price) in prices {
        r.step(
            &format!("reveal_bid {}", name(who)),
            who,
            "reveal_bid",
            &(0u64, 0u32, sealed(0, who, price).0, salt(who)),
        );
    }
    r.h.set_time(REVEAL_DEADLINE);
    r.step("evaluate_lot (-> qualification)", B, "evaluate_lot", &(0u64, 0u32));
    for (who, s) in [(A, 60u8), (B, 90), (C, 100)] {
        r.step(&format!("score_bid {}", name(who)), EVAL, "score_bid", &(0u64, 0u32, who, vec![s]));
    }
    r.step("award while flagged (fails)", BUYER, "award", &(0u64, 0u32));
    r.step("explain_price A", A, "explain_price", &(0u64, 0u32, [0x77u8; 32]));
    r.step("accept_explanation A", BUYER, "accept_explanation", &(0u64, 0u32, A));
    r.step("award", BUYER, "award", &(0u64, 0u32));
    r.print_gas("open-tender, rated criteria with an abnormally low price: gas per step");
    assert!(r.aborted("award while flagged (fails)").contains("abnormally low"));
    let lot: Lot = r.h.view("lot", &(0u64, 0u32));
    // A: 7000*100 + 3000*60 = 880_000; B: 7000*50 + 270_000 = 620_000.
    assert_eq!(lot.award.map(|a| (a.bidder, a.score)), Some((A, Some(880_000))));
}

#[test]
fn no_bid_value_is_on_chain_before_reveal() {
    let mut h = Harness::new(&contract_wasm("open-tender"));
    h.set_caller(BUYER).set_time(T0);
    let id: u64 = h.call_ok("open_tender", &(params(), lots()));
    let price = 123_456_789u128;
    h.set_caller(A);
    let outcome = h.call("submit_bid", &(id, 0u32, sealed(0, A, price).1));
    assert!(outcome.is_ok());
    let needle = price.to_le_bytes();
    let visible =
        outcome.changes.iter().filter_map(|(_, v)| v.as_ref()).chain(outcome.events.iter().map(|e| &e.payload));
    for bytes in visible {
        assert!(!bytes.windows(16).any(|w| w == needle), "the price leaked before reveal");
    }
    let bids: Vec<BidRecord> = h.view("bids", &(id, 0u32));
    assert_eq!(bids[0].price, None);
}

#[test]
fn the_module_carries_its_abi() {
    let vm = procura_vm::Vm::new(Default::default()).unwrap();
    let contract = vm.prepare(&contract_wasm("open-tender")).unwrap();
    let abi = contract.info.abi.as_ref().expect("ABI section present");
    assert_eq!(abi.contract, "OpenTender");
    assert_eq!(abi.method("tender_status").unwrap().kind, procura_vm::MethodKind::View);
    assert_eq!(abi.method("reveal_bid").unwrap().args.len(), 4);
}
