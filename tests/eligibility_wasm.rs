//! The open tender asks the supplier registry, as real Wasm through the
//! host's `call_view`, whether each bidder may bid: registered suppliers
//! may, unknown or debarred ones may not, and the registry's gas is charged
//! to the bid.

use open_tender::{commitment, AwardCriterion, Bid, LotParams, Procedure, TenderParams};
use procura_harness::{contract_wasm, Harness};
use procura_primitives::Address;
use procura_vm::Mode;

const REGISTRY: Address = Address([0x5e; 32]);
const TENDER: Address = Address([0x7e; 32]);
const OPERATOR: Address = Address([0x0f; 32]);
const BUYER: Address = Address([0xb0; 32]);
const ACME: Address = Address([0xa1; 32]);
const BETA: Address = Address([0xb2; 32]);
const STRANGER: Address = Address([0x99; 32]);
const DAY: u64 = 86_400;
const T0: u64 = 1_767_225_600;

fn params(registry: Address) -> TenderParams {
    TenderParams {
        procedure: Procedure::BelowThreshold,
        criterion: AwardCriterion::PriceOnly,
        criteria: vec![],
        evaluators: vec![],
        currency: "EUR".into(),
        documents_hash: [0x42; 32],
        enquiry_end: T0 + 5 * DAY,
        bid_deadline: T0 + 10 * DAY,
        reveal_deadline: T0 + 11 * DAY,
        standstill_secs: 2 * DAY,
        min_bids: 1,
        registry: Some(registry),
        review_body: None,
        auction: None,
    }
}

fn sealed(bidder: Address) -> [u8; 32] {
    commitment(&Bid { tender_id: 0, lot_id: 0, bidder, price: 100, life_cycle_cost: 0 }, &[1; 32])
}

/// A registry with ACME and BETA registered (BETA then debarred) and a tender
/// that consults it.
fn world() -> Harness {
    let mut h = Harness::new(&contract_wasm("supplier-registry"));
    h.ctx.contract = REGISTRY;
    h.set_time(T0).set_caller(OPERATOR);
    assert!(h.run("init", &borsh::to_vec(&(OPERATOR,)).unwrap(), Mode::Init).is_ok());
    for (who, id) in [(ACME, "UA-EDR:40996564"), (BETA, "UA-EDR:12345678")] {
        h.set_caller(who).call_ok::<_, ()>("register", &(id, "Supplier"));
    }
    h.set_caller(OPERATOR).call_ok::<_, ()>("debar", &(BETA, T0 + 365 * DAY, "collusion"));
    h.deploy(TENDER, &contract_wasm("open-tender")).select(TENDER);
    let lots = vec![LotParams { value: 1_000, description_hash: [1; 32] }];
    h.set_caller(BUYER).call_ok::<_, u64>("open_tender", &(params(REGISTRY), lots));
    h
}

#[test]
fn a_registered_supplier_may_bid_and_pays_for_the_registry_view() {
    let mut h = world();
    h.set_caller(ACME);
    let with_registry = h.call("submit_bid", &(0u64, 0u32, sealed(ACME)));
    assert!(with_registry.is_ok(), "{:?}", with_registry.status);

    // The same bid in a tender without a registry costs less: the
    // difference is the cross-contract view.
    let mut plain = Harness::new(&contract_wasm("open-tender"));
    plain.set_time(T0).set_caller(BUYER);
    let mut p = params(REGISTRY);
    p.registry = None;
    plain.call_ok::<_, u64>("open_tender", &(p, vec![LotParams { value: 1_000, description_hash: [1; 32] }]));
    plain.set_caller(ACME);
    let without = plain.call("submit_bid", &(0u64, 0u32, sealed(ACME)));
    assert!(without.is_ok());
    println!("submit_bid gas: {} with the registry view, {} without", with_registry.gas_used, without.gas_used);
    assert!(with_registry.gas_used > without.gas_used + 20_000, "{} vs {}", with_registry.gas_used, without.gas_used);
}

#[test]
fn unknown_and_debarred_suppliers_are_refused_and_nothing_changes() {
    let mut h = world();
    let before = h.storage.clone();
    for (who, _) in [(STRANGER, "unknown"), (BETA, "debarred")] {
        h.set_caller(who);
        let refused = h.call("submit_bid", &(0u64, 0u32, sealed(who)));
        let message = refused.status.unwrap_err().to_string();
        assert!(message.contains("not eligible according to the supplier registry"), "{message}");
        assert!(refused.changes.is_empty());
    }
    assert_eq!(h.storage, before);
}

#[test]
fn a_debarment_lifted_in_the_registry_lets_the_supplier_bid() {
    let mut h = world();
    h.select(REGISTRY).set_caller(OPERATOR).call_ok::<_, ()>("lift_debarment", &(BETA, "appeal upheld"));
    h.select(TENDER).set_caller(BETA);
    let outcome = h.call("submit_bid", &(0u64, 0u32, sealed(BETA)));
    assert!(outcome.is_ok(), "{:?}", outcome.status);
}

#[test]
fn a_tender_naming_a_missing_registry_refuses_every_bid() {
    let mut h = Harness::new(&contract_wasm("open-tender"));
    h.set_time(T0).set_caller(BUYER);
    h.call_ok::<_, u64>(
        "open_tender",
        &(params(REGISTRY), vec![LotParams { value: 1_000, description_hash: [1; 32] }]),
    );
    h.set_caller(ACME);
    let message = h.call("submit_bid", &(0u64, 0u32, sealed(ACME))).status.unwrap_err().to_string();
    assert!(message.contains("no contract at"), "{message}");
}
