//! Native unit tests against the mock host: each rule's happy path and each
//! refusal.
extern crate std;

use super::*;
use alloc::string::ToString;
use procura_sdk::testing::MockHost;
use proptest::prelude::*;

const OPERATOR_ADDR: Address = Address([0x0f; 32]);
const ACME: Address = Address([0xa1; 32]);
const BETA: Address = Address([0xb2; 32]);
const T0: u64 = 1_000_000;
const DAY: u64 = 86_400;

fn setup() {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::init(OPERATOR_ADDR)).unwrap();
    MockHost::call_as(ACME, || SupplierRegistry::register("UA-EDR:40996564".into(), "Acme LLC".into())).unwrap();
}

fn err<T: core::fmt::Debug>(r: ContractResult<T>) -> String {
    r.expect_err("expected the call to fail").0
}

fn eligible(who: Address, at: u64) -> bool {
    SupplierRegistry::is_eligible(who, at).unwrap()
}

#[test]
fn registered_supplier_is_eligible_from_registration_on() {
    setup();
    assert!(eligible(ACME, T0));
    assert!(!eligible(ACME, T0 - 1), "not eligible before it registered");
    assert!(!eligible(BETA, T0), "unknown suppliers are not eligible");
    let s = SupplierRegistry::supplier(ACME).unwrap();
    assert_eq!(s.identifier, "UA-EDR:40996564");
    assert_eq!(SupplierRegistry::supplier_by_identifier("UA-EDR:40996564".into()).unwrap().address, ACME);
    assert_eq!(MockHost::topics(), ["registry_opened", "supplier_registered"]);
}

#[test]
fn registration_refuses_duplicates_and_bad_identifiers() {
    setup();
    assert!(err(MockHost::call_as(ACME, || SupplierRegistry::register("UA-EDR:1".into(), "Acme".into())))
        .contains("already registered"));
    assert!(err(MockHost::call_as(BETA, || SupplierRegistry::register("UA-EDR:40996564".into(), "Beta".into())))
        .contains("identifier UA-EDR:40996564 is already registered"));
    for bad in ["40996564", ":1", "UA-EDR:", "UA EDR:1", ""] {
        assert!(err(MockHost::call_as(BETA, || SupplierRegistry::register(bad.into(), "Beta".into())))
            .contains("SCHEME:ID"));
    }
    assert!(err(MockHost::call_as(BETA, || SupplierRegistry::register("GB-COH:1".into(), " ".into()))).contains("name"));
}

#[test]
fn documents_are_pinned_by_hash_once() {
    setup();
    MockHost::call_as(ACME, || SupplierRegistry::add_document("tax-clearance".into(), [1; 32])).unwrap();
    assert!(err(MockHost::call_as(ACME, || SupplierRegistry::add_document("again".into(), [1; 32])))
        .contains("already registered"));
    assert!(err(MockHost::call_as(BETA, || SupplierRegistry::add_document("iso".into(), [2; 32])))
        .contains("not a registered supplier"));
    let docs = SupplierRegistry::supplier(ACME).unwrap().documents;
    assert_eq!(docs.len(), 1);
    assert_eq!((docs[0].kind.as_str(), docs[0].sha256, docs[0].added_at), ("tax-clearance", [1; 32], T0));
}

#[test]
fn debarment_applies_for_its_period_only() {
    setup();
    MockHost::set_time(T0 + DAY);
    MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, T0 + 31 * DAY, "bid rigging".into())).unwrap();
    assert!(eligible(ACME, T0), "the past is not rewritten");
    assert!(!eligible(ACME, T0 + DAY));
    assert!(!eligible(ACME, T0 + 31 * DAY - 1));
    assert!(eligible(ACME, T0 + 31 * DAY), "eligible again when the period ends");
    assert!(MockHost::topics().contains(&"supplier_debarred".to_string()));
}

#[test]
fn only_the_operator_debars_and_with_a_reason_and_a_bounded_period() {
    setup();
    assert!(err(MockHost::call_as(BETA, || SupplierRegistry::debar(ACME, T0 + DAY, "x".into())))
        .contains("only the registry operator"));
    assert!(err(MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, T0 + DAY, " ".into())))
        .contains("needs a reason"));
    assert!(err(MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, T0, "fraud".into())))
        .contains("in the future"));
    let too_long = T0 + MAX_DEBARMENT_SECS + 1;
    assert!(err(MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, too_long, "fraud".into())))
        .contains("at most"));
    assert!(err(MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(BETA, T0 + DAY, "fraud".into())))
        .contains("not a registered supplier"));
    MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, T0 + DAY, "fraud".into())).unwrap();
    assert!(err(MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, T0 + 2 * DAY, "again".into())))
        .contains("already debarred"));
}

#[test]
fn lifting_ends_a_debarment_early_and_keeps_the_history() {
    setup();
    MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, T0 + 30 * DAY, "fraud".into())).unwrap();
    MockHost::set_time(T0 + 5 * DAY);
    assert!(err(MockHost::call_as(ACME, || SupplierRegistry::lift_debarment(ACME, "appeal".into())))
        .contains("only the registry operator"));
    MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::lift_debarment(ACME, "appeal upheld".into())).unwrap();
    assert!(eligible(ACME, T0 + 5 * DAY));
    assert!(!eligible(ACME, T0 + 4 * DAY), "it was debarred until lifted");
    assert!(err(MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::lift_debarment(ACME, "again".into())))
        .contains("no debarment is running"));
    assert_eq!(SupplierRegistry::supplier(ACME).unwrap().debarments.len(), 1);
}

#[test]
fn operator_hands_over() {
    setup();
    assert!(err(MockHost::call_as(ACME, || SupplierRegistry::change_operator(ACME))).contains("only the registry"));
    MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::change_operator(BETA)).unwrap();
    assert_eq!(SupplierRegistry::operator().unwrap(), BETA);
    assert!(err(MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, T0 + DAY, "x".into())))
        .contains("only the registry operator"));
    MockHost::call_as(BETA, || SupplierRegistry::debar(ACME, T0 + DAY, "x".into())).unwrap();
}

#[test]
fn a_refused_call_changes_nothing() {
    setup();
    let before = MockHost::storage();
    let events = MockHost::events().len();
    let _ = MockHost::call_as(BETA, || SupplierRegistry::debar(ACME, T0 + DAY, "x".into()));
    assert_eq!(MockHost::storage(), before);
    assert_eq!(MockHost::events().len(), events);
}

proptest! {
    /// Eligibility equals a plain reference: registered by `at` and no
    /// debarment (as possibly lifted) covering `at`.
    #[test]
    fn eligibility_matches_reference(
        steps in proptest::collection::vec((0u64..50, 1u64..40, any::<bool>()), 0..6),
        probes in proptest::collection::vec(0u64..400, 1..20),
    ) {
        setup();
        let mut periods: alloc::vec::Vec<(u64, u64)> = alloc::vec::Vec::new();
        let mut now = T0;
        for (gap, length, lift_early) in steps {
            now += gap * DAY;
            MockHost::set_time(now);
            let until = now + length * DAY;
            if MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::debar(ACME, until, "r".into())).is_err() {
                continue;
            }
            let mut end = until;
            if lift_early && length > 1 {
                now += DAY;
                MockHost::set_time(now);
                MockHost::call_as(OPERATOR_ADDR, || SupplierRegistry::lift_debarment(ACME, "r".into())).unwrap();
                end = now;
            }
            periods.push((until - length * DAY, end));
        }
        for p in probes {
            let at = T0 - 1 + p * DAY / 4;
            let expected = at >= T0 && !periods.iter().any(|(from, end)| *from <= at && at < *end);
            prop_assert_eq!(eligible(ACME, at), expected, "at {}", at);
        }
    }
}
