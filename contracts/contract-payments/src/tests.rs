//! Native unit tests against the SDK's mock host: each rule's happy path and
//! each rejection, then a property test of the money rules against a plain
//! reference model.
extern crate std;

use super::*;
use crate::events::*;
use alloc::vec;
use procura_sdk::testing::MockHost;
use procura_sdk::Address;

const BUYER: Address = Address([0xb0; 32]);
const SUPPLIER: Address = Address([0x5a; 32]);
const OUTSIDER: Address = Address([0xee; 32]);
const TENDER: Address = Address([0x7e; 32]);
const T0: u64 = 1_767_225_600;
const DAY: u64 = 86_400;

type Cp = ContractPayments;

fn spec(title: &str, amount: u128, due: u64) -> MilestoneSpec {
    MilestoneSpec { title: title.into(), amount, due }
}

fn params() -> ContractParams {
    ContractParams {
        tender: TenderRef { contract: TENDER, tender_id: 3, lot_id: 1 },
        supplier: SUPPLIER,
        value: 1_000,
        currency: "EUR".into(),
        budget_line: "2026/KYIV/0451/3110".into(),
        document_hash: [0xd0; 32],
        milestones: vec![
            spec("design", 400, T0 + 30 * DAY),
            spec("build", 300, T0 + 60 * DAY),
            spec("handover", 200, T0 + 90 * DAY),
        ],
        amendment_cap_bps: None,
    }
}

fn err<T: core::fmt::Debug>(r: ContractResult<T>) -> String {
    r.expect_err("expected the call to fail").0
}

fn register() -> u64 {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::call_as(BUYER, || Cp::register_contract(params())).unwrap()
}

fn deliver_and_accept(id: u64, m: u32) {
    MockHost::call_as(SUPPLIER, || Cp::record_delivery(id, m, [m as u8; 32])).unwrap();
    MockHost::call_as(BUYER, || Cp::accept_delivery(id, m)).unwrap();
}

fn pay(id: u64, m: u32, amount: u128) -> ContractResult<Payment> {
    MockHost::call_as(BUYER, || Cp::record_payment(id, m, amount, "TRX-1".into()))
}

fn terms(new_value: u128, amounts: Vec<(u32, u128)>, new: Vec<MilestoneSpec>) -> AmendmentTerms {
    AmendmentTerms { new_value, milestone_amounts: amounts, new_milestones: new, reason: "extra works".into() }
}

fn propose(id: u64, who: Address, t: AmendmentTerms) -> ContractResult<u32> {
    MockHost::call_as(who, || Cp::propose_amendment(id, t))
}

fn last<T: borsh::BorshDeserialize>(topic: &str) -> T {
    let e = MockHost::events().into_iter().rev().find(|e| e.topic == topic).expect("event emitted");
    borsh::from_slice(&e.payload).unwrap()
}

#[test]
fn registration_validates_parties_money_and_milestones() {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::set_caller(BUYER);
    let bad = |f: fn(&mut ContractParams)| {
        let mut p = params();
        f(&mut p);
        err(MockHost::call(|| Cp::register_contract(p)))
    };
    assert!(bad(|p| p.currency = "Euro".into()).contains("ISO 4217"));
    assert!(bad(|p| p.supplier = BUYER).contains("its own supplier"));
    assert!(bad(|p| p.supplier = Address::ZERO).contains("supplier address"));
    assert!(bad(|p| p.value = 0).contains("value must be positive"));
    assert!(bad(|p| p.budget_line = " ".into()).contains("budget line"));
    assert!(bad(|p| p.budget_line = "x".repeat(65)).contains("longer than 64"));
    assert!(bad(|p| p.milestones.clear()).contains("at least one milestone"));
    assert!(bad(|p| p.milestones[0].title = "".into()).contains("title"));
    assert!(bad(|p| p.milestones[1].amount = 0).contains("must be positive"));
    assert!(bad(|p| p.milestones[2].amount = 301).contains("total 1001, more than the value 1000"));
    assert!(bad(|p| p.milestones[2].amount = u128::MAX).contains("overflow"));
    assert!(bad(|p| p.amendment_cap_bps = Some(5_001)).contains("5000 bps"));
    assert!(MockHost::events().is_empty());
    assert_eq!(MockHost::call(|| Cp::register_contract(params())).unwrap(), 0);
    let c = Cp::contract(0).unwrap();
    assert_eq!((c.buyer, c.supplier, c.value, c.original_value, c.paid), (BUYER, SUPPLIER, 1_000, 1_000, 0));
    assert_eq!((c.amendment_cap_bps, c.status, c.milestone_count), (1_000, Status::Active, 3));
    let ev: ContractRegistered = last(CONTRACT_REGISTERED);
    assert_eq!(
        (ev.budget_line.as_str(), ev.supplier, ev.value, ev.milestones),
        ("2026/KYIV/0451/3110", SUPPLIER, 1_000, 3)
    );
    assert_eq!(ev.tender, TenderRef { contract: TENDER, tender_id: 3, lot_id: 1 });
    let ms = Cp::milestones(0).unwrap();
    assert_eq!(
        ms.iter().map(|m| (m.index, m.amount, m.status)).collect::<Vec<_>>(),
        vec![
            (0, 400, MilestoneStatus::Pending),
            (1, 300, MilestoneStatus::Pending),
            (2, 200, MilestoneStatus::Pending)
        ]
    );
    assert_eq!(Cp::contract_count().unwrap(), 1);
    assert!(err(Cp::contract(5)).contains("does not exist"));
}

#[test]
fn deliveries_are_recorded_by_a_party_and_decided_by_the_buyer() {
    let id = register();
    assert!(err(MockHost::call_as(OUTSIDER, || Cp::record_delivery(id, 0, [1; 32]))).contains("buyer or the supplier"));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::record_delivery(id, 9, [1; 32]))).contains("no milestone 9"));
    assert!(err(MockHost::call_as(BUYER, || Cp::accept_delivery(id, 0))).contains("Pending, not Delivered"));
    MockHost::call_as(SUPPLIER, || Cp::record_delivery(id, 0, [1; 32])).unwrap();
    let ev: DeliveryRecorded = last(DELIVERY_RECORDED);
    assert_eq!((ev.milestone, ev.by, ev.late), (0, SUPPLIER, false));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::record_delivery(id, 0, [2; 32]))).contains("nothing to deliver"));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::accept_delivery(id, 0))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || Cp::reject_delivery(id, 0, "".into()))).contains("needs a reason"));
    MockHost::call_as(BUYER, || Cp::reject_delivery(id, 0, "drawings incomplete".into())).unwrap();
    let m = &Cp::milestones(id).unwrap()[0];
    assert_eq!((m.status, m.rejection.as_deref()), (MilestoneStatus::Rejected, Some("drawings incomplete")));
    // Delivered again, late this time, and accepted.
    MockHost::set_time(T0 + 31 * DAY);
    MockHost::call_as(SUPPLIER, || Cp::record_delivery(id, 0, [3; 32])).unwrap();
    assert!(last::<DeliveryRecorded>(DELIVERY_RECORDED).late);
    MockHost::call_as(BUYER, || Cp::accept_delivery(id, 0)).unwrap();
    let m = &Cp::milestones(id).unwrap()[0];
    assert_eq!((m.status, m.rejection.clone()), (MilestoneStatus::Accepted, None));
    assert_eq!(m.delivery.as_ref().unwrap().document_hash, [3; 32]);
    // The buyer may record a delivery too (e.g. an on-site acceptance).
    MockHost::call_as(BUYER, || Cp::record_delivery(id, 1, [4; 32])).unwrap();
    let topics = MockHost::topics();
    assert_eq!(
        topics[1..],
        [DELIVERY_RECORDED, DELIVERY_REJECTED, DELIVERY_RECORDED, DELIVERY_ACCEPTED, DELIVERY_RECORDED]
    );
}

#[test]
fn payments_only_against_accepted_milestones_and_within_their_amount() {
    let id = register();
    assert!(err(pay(id, 0, 100)).contains("only accepted work is paid"));
    deliver_and_accept(id, 0);
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::record_payment(id, 0, 100, "x".into()))).contains("only the buyer"));
    assert!(err(pay(id, 0, 0)).contains("positive"));
    assert!(err(pay(id, 0, 401)).contains("above its amount 400"));
    assert!(err(pay(id, 7, 1)).contains("no milestone 7"));
    let long_ref = MockHost::call_as(BUYER, || Cp::record_payment(id, 0, 1, "r".repeat(129)));
    assert!(err(long_ref).contains("reference"));
    let p = pay(id, 0, 150).unwrap();
    assert_eq!((p.seq, p.amount, p.cumulative_paid), (0, 150, 150));
    pay(id, 0, 250).unwrap();
    assert!(err(pay(id, 0, 1)).contains("bring it to 401"));
    // Every fund movement names budget line, contract, supplier, currency.
    let ev: PaymentRecorded = last(PAYMENT_RECORDED);
    assert_eq!(
        ev,
        PaymentRecorded {
            budget_line: "2026/KYIV/0451/3110".into(),
            contract_id: id,
            milestone: 0,
            supplier: SUPPLIER,
            amount: 250,
            currency: "EUR".into(),
            cumulative_paid: 400,
            milestone_paid: 400,
            payment_seq: 1,
            reference: "TRX-1".into(),
        }
    );
    deliver_and_accept(id, 1);
    pay(id, 1, 100).unwrap();
    assert_eq!(Cp::payments(id).unwrap().iter().map(|p| p.cumulative_paid).collect::<Vec<_>>(), vec![150, 400, 500]);
    assert_eq!(
        Cp::totals(id).unwrap(),
        Totals {
            original_value: 1_000,
            value: 1_000,
            value_cap: 1_100,
            milestones_total: 900,
            accepted_total: 700,
            paid: 500,
            unpaid: 500,
        }
    );
}

#[test]
fn an_amendment_needs_both_signatures() {
    let id = register();
    let t = terms(1_050, vec![(2, 250)], vec![spec("extra", 100, T0 + 120 * DAY)]);
    assert!(err(propose(id, OUTSIDER, t.clone())).contains("buyer or the supplier"));
    let a = propose(id, SUPPLIER, t.clone()).unwrap();
    assert_eq!(a, 0);
    assert!(err(propose(id, BUYER, t.clone())).contains("already awaits signature"));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::accept_amendment(id, a))).contains("other party"));
    assert!(err(MockHost::call_as(OUTSIDER, || Cp::accept_amendment(id, a))).contains("buyer or the supplier"));
    assert!(err(MockHost::call_as(BUYER, || Cp::accept_amendment(id, 7))).contains("pending amendment is 0"));
    // Until signed nothing changes.
    assert_eq!(Cp::contract(id).unwrap().value, 1_000);
    MockHost::call_as(BUYER, || Cp::accept_amendment(id, a)).unwrap();
    let c = Cp::contract(id).unwrap();
    assert_eq!((c.value, c.original_value, c.milestone_count, c.pending_amendment), (1_050, 1_000, 4, None));
    let ms = Cp::milestones(id).unwrap();
    assert_eq!(ms.iter().map(|m| m.amount).collect::<Vec<_>>(), vec![400, 300, 250, 100]);
    let ev: AmendmentAccepted = last(AMENDMENT_ACCEPTED);
    assert_eq!(
        (ev.budget_line.as_str(), ev.old_value, ev.new_value, ev.supplier),
        ("2026/KYIV/0451/3110", 1_000, 1_050, SUPPLIER)
    );
    let signed = Cp::amendments(id).unwrap();
    assert_eq!((signed.len(), signed[0].proposer, signed[0].accepted_at), (1, SUPPLIER, Some(T0)));
    // The raised value is payable: the new milestone once delivered.
    deliver_and_accept(id, 3);
    assert_eq!(pay(id, 3, 100).unwrap().cumulative_paid, 100);
    // The buyer may propose too; the supplier signs.
    let b = propose(id, BUYER, terms(1_100, vec![], vec![])).unwrap();
    MockHost::call_as(SUPPLIER, || Cp::accept_amendment(id, b)).unwrap();
    assert_eq!(Cp::contract(id).unwrap().value, 1_100);
}

#[test]
fn amendments_stay_under_the_cap_and_above_what_is_paid() {
    let id = register();
    deliver_and_accept(id, 0);
    pay(id, 0, 300).unwrap();
    let refuse = |t: AmendmentTerms| err(propose(id, BUYER, t));
    // Default cap 10%: 1 100 is the most.
    assert!(refuse(terms(1_101, vec![], vec![])).contains("exceeds the cap of 1100 (1000 bps above the original 1000)"));
    assert!(refuse(terms(299, vec![], vec![])).contains("below what is already paid (300)"));
    assert!(refuse(terms(1_000, vec![(0, 299)], vec![])).contains("below what is paid (300)"));
    assert!(refuse(terms(1_000, vec![(1, 0)], vec![])).contains("must be positive"));
    assert!(refuse(terms(1_000, vec![(9, 10)], vec![])).contains("no milestone 9"));
    assert!(refuse(terms(1_000, vec![(1, 10), (1, 20)], vec![])).contains("amended twice"));
    assert!(refuse(terms(1_000, vec![(1, 301)], vec![spec("more", 100, 0)]))
        .contains("total 1001, more than the new value 1000"));
    assert!(refuse(terms(850, vec![], vec![])).contains("total 900, more than the new value 850"));
    assert!(refuse(terms(1_000, vec![(1, 300)], vec![])).contains("changes nothing"));
    assert!(refuse(terms(1_000, vec![], vec![spec("", 1, 0)])).contains("title"));
    let mut no_reason = terms(1_050, vec![], vec![]);
    no_reason.reason = " ".into();
    assert!(refuse(no_reason).contains("needs a reason"));
    // Lowering is allowed down to the milestones' total.
    let a = propose(id, BUYER, terms(900, vec![], vec![])).unwrap();
    MockHost::call_as(SUPPLIER, || Cp::accept_amendment(id, a)).unwrap();
    // The cap stays relative to the original value, not the current one.
    let a = propose(id, BUYER, terms(1_100, vec![(2, 400)], vec![])).unwrap();
    MockHost::call_as(SUPPLIER, || Cp::accept_amendment(id, a)).unwrap();
    assert_eq!(Cp::totals(id).unwrap().milestones_total, 1_100);
    assert!(refuse(terms(1_101, vec![], vec![])).contains("cap of 1100"));
}

#[test]
fn a_custom_cap_applies_and_the_cap_arithmetic_does_not_overflow() {
    MockHost::reset();
    MockHost::set_time(T0);
    let mut p = params();
    p.amendment_cap_bps = Some(5_000);
    let id = MockHost::call_as(BUYER, || Cp::register_contract(p)).unwrap();
    let a = propose(id, SUPPLIER, terms(1_500, vec![], vec![])).unwrap();
    MockHost::call_as(BUYER, || Cp::accept_amendment(id, a)).unwrap();
    assert!(err(propose(id, SUPPLIER, terms(1_501, vec![], vec![]))).contains("cap of 1500"));
    assert_eq!(amendment::value_cap(u128::MAX, 5_000), u128::MAX);
    assert_eq!(amendment::value_cap(12_345, 1_000), 13_579); // 12 345 + 1 234 (rounded down)
    assert_eq!(amendment::value_cap(1_000, 0), 1_000);
}

#[test]
fn acceptance_rechecks_the_terms_against_later_payments() {
    let id = register();
    deliver_and_accept(id, 0);
    let a = propose(id, SUPPLIER, terms(1_000, vec![(0, 100)], vec![])).unwrap();
    pay(id, 0, 200).unwrap();
    assert!(err(MockHost::call_as(BUYER, || Cp::accept_amendment(id, a))).contains("below what is paid (200)"));
    // Still pending after the failed signature; withdrawn with a reason.
    assert!(err(MockHost::call_as(OUTSIDER, || Cp::withdraw_amendment(id, a, "x".into())))
        .contains("buyer or the supplier"));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::withdraw_amendment(id, a, "".into()))).contains("reason"));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::withdraw_amendment(id, 3, "x".into()))).contains("not 3"));
    MockHost::call_as(BUYER, || Cp::withdraw_amendment(id, a, "overtaken by payment".into())).unwrap();
    assert_eq!(Cp::contract(id).unwrap().pending_amendment, None);
    assert!(err(MockHost::call_as(BUYER, || Cp::accept_amendment(id, a))).contains("no amendment awaits"));
    assert!(Cp::amendments(id).unwrap().is_empty());
    // Ids keep counting.
    assert_eq!(propose(id, SUPPLIER, terms(1_050, vec![], vec![])).unwrap(), 1);
}

#[test]
fn completion_needs_every_milestone_accepted_and_paid() {
    let id = register();
    for m in 0..3 {
        deliver_and_accept(id, m);
    }
    pay(id, 0, 400).unwrap();
    pay(id, 1, 300).unwrap();
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::complete(id, "done".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || Cp::complete(id, "done".into()))).contains("milestone 2 is paid 0 of 200"));
    pay(id, 2, 200).unwrap();
    assert!(err(MockHost::call_as(BUYER, || Cp::complete(id, "".into()))).contains("reason"));
    MockHost::call_as(BUYER, || Cp::complete(id, "all works handed over".into())).unwrap();
    let c = Cp::contract(id).unwrap();
    assert_eq!(
        (c.status, c.paid, c.closing_reason.as_deref()),
        (Status::Completed, 900, Some("all works handed over"))
    );
    let ev: ContractClosed = last(CONTRACT_COMPLETED);
    assert_eq!((ev.value, ev.paid, ev.by), (1_000, 900, BUYER));
    assert!(err(pay(id, 2, 1)).contains("Completed"));
    assert!(err(MockHost::call_as(BUYER, || Cp::terminate(id, "x".into()))).contains("Completed"));
}

#[test]
fn completion_refuses_undelivered_milestones() {
    let id = register();
    deliver_and_accept(id, 0);
    MockHost::call_as(SUPPLIER, || Cp::record_delivery(id, 1, [1; 32])).unwrap();
    assert!(err(MockHost::call_as(BUYER, || Cp::complete(id, "x".into()))).contains("milestone 0 is paid 0 of 400"));
    pay(id, 0, 400).unwrap();
    assert!(err(MockHost::call_as(BUYER, || Cp::complete(id, "x".into()))).contains("milestone 1 is Delivered"));
}

#[test]
fn either_party_terminates_with_a_reason_and_then_nothing_moves() {
    let id = register();
    deliver_and_accept(id, 0);
    propose(id, BUYER, terms(1_050, vec![], vec![])).unwrap();
    assert!(err(MockHost::call_as(OUTSIDER, || Cp::terminate(id, "x".into()))).contains("buyer or the supplier"));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::terminate(id, " ".into()))).contains("reason"));
    MockHost::call_as(SUPPLIER, || Cp::terminate(id, "buyer stopped paying".into())).unwrap();
    let c = Cp::contract(id).unwrap();
    assert_eq!((c.status, c.pending_amendment), (Status::Terminated, None));
    let ev: ContractClosed = last(CONTRACT_TERMINATED);
    assert_eq!(
        (ev.by, ev.reason.as_str(), ev.budget_line.as_str()),
        (SUPPLIER, "buyer stopped paying", "2026/KYIV/0451/3110")
    );
    assert!(err(pay(id, 0, 1)).contains("Terminated"));
    assert!(err(MockHost::call_as(SUPPLIER, || Cp::record_delivery(id, 1, [1; 32]))).contains("Terminated"));
    assert!(err(MockHost::call_as(BUYER, || Cp::accept_delivery(id, 0))).contains("Terminated"));
    assert!(err(propose(id, BUYER, terms(1_050, vec![], vec![]))).contains("Terminated"));
}

#[test]
fn a_failed_call_leaves_no_trace() {
    let id = register();
    deliver_and_accept(id, 0);
    let before = MockHost::storage();
    let events = MockHost::events().len();
    assert!(pay(id, 0, 401).is_err());
    assert!(propose(id, BUYER, terms(5_000, vec![], vec![])).is_err());
    assert_eq!(MockHost::storage(), before);
    assert_eq!(MockHost::events().len(), events);
}

#[test]
fn abi_lists_calls_and_views() {
    let abi: &str = Cp::ABI_JSON;
    assert!(abi.contains(r#""kind":"call","name":"record_payment","returns":"Payment""#), "{abi}");
    assert!(abi.contains(r#""kind":"view","name":"totals","returns":"Totals""#), "{abi}");
}

mod money_properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Pay { milestone: u32, amount: u128 },
        Amend { by_buyer: bool, new_value: u128, raise: Option<(u32, u128)>, add: Option<u128> },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0u32..5, 1u128..400).prop_map(|(milestone, amount)| Op::Pay { milestone, amount }),
            1 => (any::<bool>(), 600u128..1_300, proptest::option::of((0u32..4, 1u128..600)), proptest::option::of(1u128..300))
                .prop_map(|(by_buyer, new_value, raise, add)| Op::Amend { by_buyer, new_value, raise, add }),
        ]
    }

    /// The reference model: the rules written out plainly.
    struct Model {
        original: u128,
        value: u128,
        /// (amount, paid) per milestone.
        milestones: Vec<(u128, u128)>,
    }

    impl Model {
        fn paid(&self) -> u128 {
            self.milestones.iter().map(|m| m.1).sum()
        }
        fn pay(&mut self, m: u32, amount: u128) -> bool {
            let Some(&(cap, paid)) = self.milestones.get(m as usize) else { return false };
            if paid + amount > cap || self.paid() + amount > self.value {
                return false;
            }
            self.milestones[m as usize].1 += amount;
            true
        }
        fn amend(&mut self, new_value: u128, raise: Option<(u32, u128)>, add: Option<u128>) -> bool {
            let mut ms = self.milestones.clone();
            let mut changed = new_value != self.value || add.is_some();
            if let Some((i, amount)) = raise {
                let Some(m) = ms.get_mut(i as usize) else { return false };
                if amount < m.1 {
                    return false;
                }
                changed |= amount != m.0;
                m.0 = amount;
            }
            if let Some(a) = add {
                ms.push((a, 0));
            }
            let total: u128 = ms.iter().map(|m| m.0).sum();
            let ok = changed && new_value <= self.original * 11 / 10 && new_value >= self.paid() && total <= new_value;
            if ok {
                self.value = new_value;
                self.milestones = ms;
            }
            ok
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// For any sequence of payments and amendments, the contract accepts
        /// exactly what the model accepts, and paid never exceeds the value,
        /// the value never exceeds the cap, no milestone is overpaid.
        #[test]
        fn paid_never_exceeds_the_allowed_value(ops in proptest::collection::vec(op(), 1..40)) {
            let id = register();
            for m in 0..3 { deliver_and_accept(id, m); }
            let mut model = Model { original: 1_000, value: 1_000, milestones: vec![(400, 0), (300, 0), (200, 0)] };
            for op in ops {
                match op {
                    Op::Pay { milestone, amount } => {
                        let got = pay(id, milestone, amount).is_ok();
                        prop_assert_eq!(got, model.pay(milestone, amount), "pay {} to {}", amount, milestone);
                    }
                    Op::Amend { by_buyer, new_value, raise, add } => {
                        let (proposer, signer) = if by_buyer { (BUYER, SUPPLIER) } else { (SUPPLIER, BUYER) };
                        let t = terms(new_value, raise.into_iter().collect(), add.into_iter().map(|a| spec("extra", a, 0)).collect());
                        let got = propose(id, proposer, t).and_then(|a| MockHost::call_as(signer, || Cp::accept_amendment(id, a)));
                        prop_assert_eq!(got.is_ok(), model.amend(new_value, raise, add));
                        if add.is_some() && got.is_ok() {
                            let last = Cp::contract(id).unwrap().milestone_count - 1;
                            deliver_and_accept(id, last);
                        }
                    }
                }
                let t = Cp::totals(id).unwrap();
                prop_assert_eq!((t.paid, t.value), (model.paid(), model.value));
                prop_assert!(t.paid <= t.value && t.value <= t.value_cap && t.value_cap == 1_100);
                prop_assert!(t.milestones_total <= t.value);
                for m in Cp::milestones(id).unwrap() { prop_assert!(m.paid <= m.amount); }
                let payments = Cp::payments(id).unwrap();
                prop_assert_eq!(payments.iter().map(|p| p.amount).sum::<u128>(), t.paid);
            }
        }
    }
}
