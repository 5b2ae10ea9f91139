//! The contract-payments contract as real Wasm in the real runtime: a
//! contract from registration to completion, with deliveries, a rejected
//! delivery, payments, an amendment signed by both parties and refusals, and
//! a gas table per step.

use contract_payments::events::PaymentRecorded;
use contract_payments::{
    AmendmentTerms, ContractParams, Milestone, MilestoneSpec, MilestoneStatus, Payment, ProcurementContract, Status,
    TenderRef, Totals,
};
use procura_harness::{contract_wasm, Harness};
use procura_primitives::Address;
use procura_tests::Recorder;

const BUYER: Address = Address([0xb0; 32]);
const SUPPLIER: Address = Address([0x5a; 32]);
const OUTSIDER: Address = Address([0xee; 32]);
const DAY: u64 = 86_400;
const T0: u64 = 1_767_225_600;
const BUDGET_LINE: &str = "2026/KYIV/0451/3110";

fn harness() -> Harness {
    Harness::new(&contract_wasm("contract-payments"))
}

fn params() -> ContractParams {
    let m = |title: &str, amount: u128, due: u64| MilestoneSpec { title: title.into(), amount, due };
    ContractParams {
        tender: TenderRef { contract: Address([0xc0; 32]), tender_id: 0, lot_id: 0 },
        supplier: SUPPLIER,
        value: 450_00,
        currency: "EUR".into(),
        budget_line: BUDGET_LINE.into(),
        document_hash: [0xd0; 32],
        milestones: vec![
            m("design", 100_00, T0 + 30 * DAY),
            m("build", 250_00, T0 + 90 * DAY),
            m("handover", 100_00, T0 + 120 * DAY),
        ],
        amendment_cap_bps: None,
    }
}

#[test]
fn full_contract_lifecycle_runs_as_wasm() {
    let mut h = harness();
    let mut r = Recorder::new();
    h.set_time(T0);
    r.fails(
        &mut h,
        "register with milestones over value",
        BUYER,
        "register_contract",
        &({
            let mut p = params();
            p.value = 100_00;
            p
        },),
        "more than the value",
    );
    let id: u64 = r.ok(&mut h, "register contract", BUYER, "register_contract", &(params(),));

    h.set_time(T0 + 29 * DAY);
    r.ok::<_, ()>(&mut h, "deliver milestone 0", SUPPLIER, "record_delivery", &(id, 0u32, [1u8; 32]));
    r.fails(&mut h, "supplier accepts own delivery", SUPPLIER, "accept_delivery", &(id, 0u32), "only the buyer");
    r.ok::<_, ()>(&mut h, "accept milestone 0", BUYER, "accept_delivery", &(id, 0u32));
    r.fails(
        &mut h,
        "pay milestone 1 (not accepted)",
        BUYER,
        "record_payment",
        &(id, 1u32, 10_00u128, String::from("TRX-0")),
        "only accepted work",
    );
    let _: Payment =
        r.ok(&mut h, "pay milestone 0 (part)", BUYER, "record_payment", &(id, 0u32, 60_00u128, String::from("TRX-1")));
    let _: Payment =
        r.ok(&mut h, "pay milestone 0 (rest)", BUYER, "record_payment", &(id, 0u32, 40_00u128, String::from("TRX-2")));
    r.fails(
        &mut h,
        "overpay milestone 0",
        BUYER,
        "record_payment",
        &(id, 0u32, 1u128, String::from("TRX-3")),
        "above its amount",
    );

    h.set_time(T0 + 80 * DAY);
    r.ok::<_, ()>(&mut h, "deliver milestone 1", SUPPLIER, "record_delivery", &(id, 1u32, [2u8; 32]));
    r.ok::<_, ()>(&mut h, "reject milestone 1", BUYER, "reject_delivery", &(id, 1u32, String::from("tests failed")));
    r.ok::<_, ()>(&mut h, "deliver milestone 1 again", SUPPLIER, "record_delivery", &(id, 1u32, [3u8; 32]));
    r.ok::<_, ()>(&mut h, "accept milestone 1", BUYER, "accept_delivery", &(id, 1u32));

    // Extra works: +40.00 on "build" (within the 10% cap of 45.00).
    let over = AmendmentTerms {
        new_value: 500_00,
        milestone_amounts: vec![(1, 300_00)],
        new_milestones: vec![],
        reason: "extra works".into(),
    };
    r.fails(&mut h, "amend above the 10% cap", SUPPLIER, "propose_amendment", &(id, over), "exceeds the cap");
    let terms = AmendmentTerms {
        new_value: 490_00,
        milestone_amounts: vec![(1, 290_00)],
        new_milestones: vec![],
        reason: "unforeseen ground conditions".into(),
    };
    let a: u32 = r.ok(&mut h, "propose amendment (supplier)", SUPPLIER, "propose_amendment", &(id, terms));
    r.fails(&mut h, "supplier signs own amendment", SUPPLIER, "accept_amendment", &(id, a), "other party");
    r.ok::<_, ()>(&mut h, "accept amendment (buyer)", BUYER, "accept_amendment", &(id, a));
    let _: Payment = r.ok(
        &mut h,
        "pay milestone 1 (amended amount)",
        BUYER,
        "record_payment",
        &(id, 1u32, 290_00u128, String::from("TRX-4")),
    );

    h.set_time(T0 + 119 * DAY);
    r.ok::<_, ()>(&mut h, "deliver milestone 2", SUPPLIER, "record_delivery", &(id, 2u32, [4u8; 32]));
    r.ok::<_, ()>(&mut h, "accept milestone 2", BUYER, "accept_delivery", &(id, 2u32));
    r.fails(&mut h, "complete before paid", BUYER, "complete", &(id, String::from("done")), "paid 0 of");
    let _: Payment =
        r.ok(&mut h, "pay milestone 2", BUYER, "record_payment", &(id, 2u32, 100_00u128, String::from("TRX-5")));
    r.fails(&mut h, "outsider completes", OUTSIDER, "complete", &(id, String::from("done")), "only the buyer");
    r.ok::<_, ()>(&mut h, "complete", BUYER, "complete", &(id, String::from("handed over and paid")));
    r.fails(
        &mut h,
        "pay after completion",
        BUYER,
        "record_payment",
        &(id, 2u32, 1u128, String::from("TRX-6")),
        "Completed",
    );

    println!("{}", r.gas_table("contract-payments: gas per step"));
    assert!(r.steps.iter().all(|s| s.outcome.gas_used > 0));

    let c: ProcurementContract = h.view("contract", &(id,));
    assert_eq!((c.status, c.value, c.original_value, c.paid), (Status::Completed, 490_00, 450_00, 490_00));
    let totals: Totals = h.view("totals", &(id,));
    assert_eq!((totals.value_cap, totals.milestones_total, totals.unpaid), (495_00, 490_00, 0));
    let ms: Vec<Milestone> = h.view("milestones", &(id,));
    assert!(ms.iter().all(|m| m.status == MilestoneStatus::Accepted && m.paid == m.amount));
    let payments: Vec<Payment> = h.view("payments", &(id,));
    assert_eq!(payments.iter().map(|p| p.cumulative_paid).collect::<Vec<_>>(), vec![60_00, 100_00, 390_00, 490_00]);

    // Following the money from events alone: every payment names the budget
    // line, the supplier and the currency, and the amounts add up.
    let paid: Vec<PaymentRecorded> = h
        .events
        .iter()
        .filter(|e| e.topic == "payment_recorded")
        .map(|e| borsh::from_slice(&e.payload).unwrap())
        .collect();
    assert!(paid.iter().all(|p| p.budget_line == BUDGET_LINE && p.supplier == SUPPLIER && p.currency == "EUR"));
    assert_eq!(paid.iter().map(|p| p.amount).sum::<u128>(), 490_00);
    assert_eq!(paid.last().unwrap().cumulative_paid, 490_00);

    let mut replay = harness();
    for s in r.steps.iter().filter(|s| s.outcome.is_ok()) {
        replay.storage.apply(&s.outcome.changes);
    }
    assert_eq!(replay.storage, h.storage);
}

#[test]
fn termination_by_the_supplier_stops_everything() {
    let mut h = harness();
    h.set_caller(BUYER).set_time(T0);
    let id: u64 = h.call_ok("register_contract", &(params(),));
    h.set_caller(OUTSIDER);
    assert!(h.call_err("terminate", &(id, String::from("x"))).contains("buyer or the supplier"));
    h.set_caller(SUPPLIER);
    h.call_ok::<_, ()>("terminate", &(id, String::from("buyer insolvent")));
    assert!(h.call_err("record_delivery", &(id, 0u32, [1u8; 32])).contains("Terminated"));
    let c: ProcurementContract = h.view("contract", &(id,));
    assert_eq!((c.status, c.closing_reason.as_deref()), (Status::Terminated, Some("buyer insolvent")));
}

#[test]
fn the_module_carries_its_abi() {
    let vm = procura_vm::Vm::new(Default::default()).unwrap();
    let contract = vm.prepare(&contract_wasm("contract-payments")).unwrap();
    let abi = contract.info.abi.as_ref().expect("ABI section present");
    assert_eq!(abi.contract, "ContractPayments");
    assert_eq!(abi.method("totals").unwrap().kind, procura_vm::MethodKind::View);
    assert_eq!(abi.method("record_payment").unwrap().args.len(), 4);
}
