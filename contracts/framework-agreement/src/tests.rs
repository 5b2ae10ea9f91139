//! Native unit tests against the SDK's mock host: each rule's happy path and
//! each rejection, then property tests of the award rules against a plain
//! reference implementation.
extern crate std;

use super::*;
use crate::events::*;
use alloc::string::ToString;
use alloc::vec;
use procura_sdk::testing::MockHost;
use procurement_core::DAY;

const BUYER: Address = Address([0xb0; 32]);
const A: Address = Address([0x0a; 32]);
const B: Address = Address([0x0b; 32]);
const C: Address = Address([0x0c; 32]);
const D: Address = Address([0x0d; 32]);
const E: Address = Address([0x0e; 32]);
const OUTSIDER: Address = Address([0xee; 32]);
const T0: u64 = 1_767_225_600;
const BID_DEADLINE: u64 = T0 + 30 * DAY;
const REVEAL_DEADLINE: u64 = BID_DEADLINE + DAY;
const STANDSTILL: u64 = 10 * DAY;
const ACTIVE_AT: u64 = REVEAL_DEADLINE + STANDSTILL;
const TERM_END: u64 = T0 + 2 * 365 * DAY;
const MAX_VALUE: u128 = 1_000_000;

type Fa = FrameworkAgreement;

fn params() -> FrameworkParams {
    FrameworkParams {
        procedure: Procedure::Open,
        description_hash: [7; 32],
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
    [who.0[0] ^ 0x55; 32]
}

fn err<T: core::fmt::Debug>(r: ContractResult<T>) -> String {
    r.expect_err("expected the call to fail").0
}

fn open() -> u64 {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::call_as(BUYER, || Fa::open_framework(params())).unwrap()
}

fn fw_bid(id: u64, who: Address, price: u128) -> FrameworkBid {
    FrameworkBid { framework_id: id, bidder: who, price }
}

fn bid(id: u64, who: Address, price: u128) {
    let c = commitment(&fw_bid(id, who, price), &salt(who));
    MockHost::call_as(who, || Fa::submit_bid(id, c)).unwrap();
}

fn reveal(id: u64, who: Address, price: u128) -> ContractResult<()> {
    MockHost::call_as(who, || Fa::reveal_bid(id, fw_bid(id, who, price), salt(who)))
}

/// Bids in order A 500, B 300, C 300, D 400, E 900; all revealed; evaluated.
fn to_qualification() -> u64 {
    let id = open();
    let offers = [(A, 500), (B, 300), (C, 300), (D, 400), (E, 900)];
    for (who, p) in offers {
        bid(id, who, p);
    }
    MockHost::set_time(BID_DEADLINE);
    for (who, p) in offers {
        reveal(id, who, p).unwrap();
    }
    MockHost::set_time(REVEAL_DEADLINE);
    assert_eq!(Fa::evaluate(id).unwrap(), Stage::Qualification);
    id
}

fn addresses(s: &[Supplier]) -> Vec<Address> {
    s.iter().map(|s| s.address).collect()
}

/// An active framework with suppliers B, C, D (the three best).
fn active() -> u64 {
    let id = to_qualification();
    MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    MockHost::set_time(ACTIVE_AT);
    MockHost::call(|| Fa::finalize(id)).unwrap();
    id
}

fn co_params(budget: u128, standstill: u64) -> CallOffParams {
    CallOffParams {
        description_hash: [9; 32],
        budget,
        bid_deadline: ACTIVE_AT + 5 * DAY,
        reveal_deadline: ACTIVE_AT + 6 * DAY,
        standstill_secs: standstill,
    }
}

fn open_co(fw: u64, budget: u128, standstill: u64) -> u64 {
    MockHost::call_as(BUYER, || Fa::open_call_off(fw, co_params(budget, standstill))).unwrap()
}

fn co_bid_of(fw: u64, co: u64, who: Address, price: u128) -> CallOffBid {
    CallOffBid { framework_id: fw, call_off_id: co, bidder: who, price }
}

fn co_bid(fw: u64, co: u64, who: Address, price: u128) {
    let c = commitment(&co_bid_of(fw, co, who, price), &salt(who));
    MockHost::call_as(who, || Fa::submit_call_off_bid(co, c)).unwrap();
}

fn co_reveal(fw: u64, co: u64, who: Address, price: u128) -> ContractResult<()> {
    MockHost::call_as(who, || Fa::reveal_call_off_bid(co, co_bid_of(fw, co, who, price), salt(who)))
}

/// A call-off in qualification with bids D 200, B 150, C 150 (in that order).
fn co_to_qualification(budget: u128, standstill: u64) -> (u64, u64) {
    let fw = active();
    let co = open_co(fw, budget, standstill);
    let offers = [(D, 200), (B, 150), (C, 150)];
    for (who, p) in offers {
        co_bid(fw, co, who, p);
    }
    MockHost::set_time(ACTIVE_AT + 5 * DAY);
    for (who, p) in offers {
        co_reveal(fw, co, who, p).unwrap();
    }
    MockHost::set_time(ACTIVE_AT + 6 * DAY);
    assert_eq!(Fa::evaluate_call_off(co).unwrap(), CallOffStage::Qualification);
    (fw, co)
}

// ---- Stage 1 ----

#[test]
fn open_framework_validates_parameters_and_the_preset() {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::set_caller(BUYER);
    let bad = |f: fn(&mut FrameworkParams)| {
        let mut p = params();
        f(&mut p);
        err(MockHost::call(|| Fa::open_framework(p)))
    };
    assert!(bad(|p| p.currency = "eur".into()).contains("ISO 4217"));
    assert!(bad(|p| p.max_value = 0).contains("maximum value"));
    assert!(bad(|p| p.max_suppliers = 2).contains("1 supplier or between 3"));
    assert!(bad(|p| p.max_suppliers = 0).contains("1 supplier or between 3"));
    assert!(bad(|p| p.max_suppliers = 101).contains("1 supplier or between 3"));
    assert!(bad(|p| p.bid_deadline = T0).contains("future"));
    assert!(bad(|p| p.reveal_deadline = p.bid_deadline).contains("reveal deadline must follow"));
    // The Open procedure's floors: 30-day tender period, 1-day reveal,
    // 2 bids, 10-day standstill.
    assert!(bad(|p| p.bid_deadline = T0 + DAY).contains("tender period"));
    assert!(bad(|p| p.reveal_deadline = BID_DEADLINE + 60).contains("reveal period"));
    assert!(bad(|p| p.min_bids = 1).contains("at least 2 bids"));
    assert!(bad(|p| p.standstill_secs = DAY).contains("standstill period must be at least"));
    assert!(bad(|p| p.term_end = REVEAL_DEADLINE + STANDSTILL).contains("term must end after"));
    assert!(bad(|p| p.term_end = T0 + 5 * 365 * DAY).contains("four years"));
    assert_eq!(Fa::framework_count().unwrap(), 0);
    assert!(MockHost::events().is_empty());
    // A looser procedure accepts shorter periods.
    let mut below = params();
    below.procedure = Procedure::BelowThreshold;
    below.bid_deadline = T0 + 2 * DAY;
    below.reveal_deadline = T0 + 3 * DAY;
    below.min_bids = 1;
    below.standstill_secs = 2 * DAY;
    below.max_suppliers = 1;
    assert_eq!(MockHost::call(|| Fa::open_framework(params())).unwrap(), 0);
    assert_eq!(MockHost::call(|| Fa::open_framework(below)).unwrap(), 1);
    assert_eq!(MockHost::topics(), vec![FRAMEWORK_OPENED, FRAMEWORK_OPENED]);
    let fw = Fa::framework(0).unwrap();
    assert_eq!((fw.buyer, fw.stage, fw.remaining_value()), (BUYER, Stage::Open, MAX_VALUE));
    assert!(err(Fa::framework(9)).contains("does not exist"));
}

#[test]
fn sealed_bids_hide_prices_and_can_be_replaced_or_withdrawn() {
    let id = open();
    bid(id, A, 500);
    bid(id, A, 450); // replaces
    let bids = Fa::bids(id).unwrap();
    assert_eq!((bids.len(), bids[0].price, bids[0].seq), (1, None, 1));
    assert_eq!(Fa::framework(id).unwrap().live_bids, 1);
    let price_le = 450u128.to_le_bytes();
    for value in MockHost::storage().values() {
        assert!(!value.windows(16).any(|w| w == price_le), "a bid value is readable before reveal");
    }
    for e in MockHost::events() {
        assert!(!e.payload.windows(16).any(|w| w == price_le), "a bid value leaked in an event");
    }
    MockHost::call_as(A, || Fa::withdraw_bid(id)).unwrap();
    assert!(Fa::bids(id).unwrap().is_empty());
    assert_eq!(Fa::framework(id).unwrap().live_bids, 0);
    assert_eq!(MockHost::topics()[1..], [FRAMEWORK_BID_SUBMITTED, FRAMEWORK_BID_SUBMITTED, FRAMEWORK_BID_WITHDRAWN]);
}

#[test]
fn bidding_checks_role_time_and_stage() {
    let id = open();
    assert!(err(MockHost::call_as(BUYER, || Fa::submit_bid(id, [1; 32]))).contains("buyer cannot bid"));
    assert!(err(MockHost::call_as(A, || Fa::submit_bid(99, [1; 32]))).contains("does not exist"));
    assert!(err(MockHost::call_as(A, || Fa::withdraw_bid(id))).contains("no bid"));
    bid(id, A, 500);
    MockHost::set_time(BID_DEADLINE);
    assert!(err(MockHost::call_as(B, || Fa::submit_bid(id, [1; 32]))).contains("deadline has passed"));
    assert!(err(MockHost::call_as(A, || Fa::withdraw_bid(id))).contains("deadline has passed"));
    MockHost::set_time(REVEAL_DEADLINE);
    Fa::evaluate(id).unwrap(); // one bid, none revealed: unsuccessful
    assert!(err(MockHost::call_as(B, || Fa::submit_bid(id, [1; 32]))).contains("Unsuccessful"));
}

#[test]
fn reveal_checks_commitment_window_and_max_value() {
    let id = open();
    bid(id, A, 500);
    bid(id, B, MAX_VALUE + 1);
    assert!(err(reveal(id, A, 500)).contains("reveals open"));
    MockHost::set_time(BID_DEADLINE);
    assert!(err(reveal(id, A, 400)).contains("does not match"));
    let forged = MockHost::call_as(C, || Fa::reveal_bid(id, fw_bid(id, A, 500), salt(A)));
    assert!(err(forged).contains("another framework or bidder"));
    let copied = MockHost::call_as(C, || Fa::reveal_bid(id, fw_bid(id, C, 500), salt(C)));
    assert!(err(copied).contains("no bid"));
    let other_framework = MockHost::call_as(A, || Fa::reveal_bid(id, fw_bid(id + 1, A, 500), salt(A)));
    assert!(err(other_framework).contains("another framework"));
    assert!(err(reveal(id, B, MAX_VALUE + 1)).contains("exceeds the maximum"));
    reveal(id, A, 500).unwrap();
    assert!(err(reveal(id, A, 500)).contains("already revealed"));
    assert_eq!(Fa::bids(id).unwrap()[0].price, Some(500));
    MockHost::set_time(REVEAL_DEADLINE);
    assert!(err(reveal(id, B, MAX_VALUE + 1)).contains("reveal deadline has passed"));
    // Only A is valid: below min_bids = 2.
    assert_eq!(Fa::evaluate(id).unwrap(), Stage::Unsuccessful);
    let last: Evaluated =
        borsh::from_slice(&MockHost::events().iter().find(|e| e.topic == FRAMEWORK_EVALUATED).unwrap().payload)
            .unwrap();
    assert_eq!((last.valid_bids, last.unrevealed_bids), (1, 1));
    assert!(MockHost::topics().contains(&FRAMEWORK_UNSUCCESSFUL.to_string()));
}

#[test]
fn evaluation_waits_for_the_reveal_deadline_and_runs_once() {
    let id = open();
    MockHost::set_time(BID_DEADLINE);
    assert!(err(MockHost::call(|| Fa::evaluate(id))).contains("still open"));
    let id = to_qualification();
    assert!(err(MockHost::call(|| Fa::evaluate(id))).contains("Qualification"));
}

#[test]
fn conclusion_selects_the_n_best_with_ties_to_the_earlier_commitment() {
    let id = to_qualification();
    assert!(err(MockHost::call_as(A, || Fa::conclude(id))).contains("only the buyer"));
    let selected = MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    // B and C both 300, B committed first; then D 400. A 500 and E 900 miss.
    assert_eq!(addresses(&selected), vec![B, C, D]);
    assert_eq!(selected.iter().map(|s| (s.price, s.rank)).collect::<Vec<_>>(), vec![(300, 1), (300, 2), (400, 3)]);
    let fw = Fa::framework(id).unwrap();
    assert_eq!((fw.stage, fw.standstill_ends), (Stage::Standstill, Some(REVEAL_DEADLINE + STANDSTILL)));
    assert_eq!(Fa::suppliers(id).unwrap(), selected);
    let sel: Selection = borsh::from_slice(&MockHost::events().last().unwrap().payload).unwrap();
    assert_eq!((sel.suppliers, sel.prices), (vec![B, C, D], vec![300, 300, 400]));
    assert!(err(MockHost::call_as(BUYER, || Fa::conclude(id))).contains("Standstill"));
}

#[test]
fn fewer_qualified_bids_than_n_select_them_all() {
    let id = open();
    bid(id, A, 500);
    bid(id, B, 300);
    MockHost::set_time(BID_DEADLINE);
    reveal(id, A, 500).unwrap();
    reveal(id, B, 300).unwrap();
    MockHost::set_time(REVEAL_DEADLINE);
    Fa::evaluate(id).unwrap();
    assert_eq!(addresses(&MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap()), vec![B, A]);
}

#[test]
fn rejection_cascades_and_too_few_left_is_unsuccessful() {
    let id = to_qualification();
    assert!(err(MockHost::call_as(A, || Fa::reject_bidder(id, B, "x".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || Fa::reject_bidder(id, B, " ".into()))).contains("needs a reason"));
    assert!(err(MockHost::call_as(BUYER, || Fa::reject_bidder(id, OUTSIDER, "x".into()))).contains("no bid"));
    MockHost::call_as(BUYER, || Fa::reject_bidder(id, B, "missing licence".into())).unwrap();
    assert!(err(MockHost::call_as(BUYER, || Fa::reject_bidder(id, B, "again".into()))).contains("already rejected"));
    assert_eq!(addresses(&MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap()), vec![C, D, A]);
    // Rejecting a bidder outside the selection leaves it in place.
    MockHost::call_as(BUYER, || Fa::reject_bidder(id, E, "late documents".into())).unwrap();
    assert_eq!(Fa::framework(id).unwrap().stage, Stage::Standstill);
    assert_eq!(addresses(&Fa::suppliers(id).unwrap()), vec![C, D, A]);
    // Rejecting a selected supplier during standstill withdraws the selection.
    MockHost::call_as(BUYER, || Fa::reject_bidder(id, D, "false declaration".into())).unwrap();
    let fw = Fa::framework(id).unwrap();
    assert_eq!((fw.stage, fw.suppliers.len(), fw.standstill_ends), (Stage::Qualification, 0, None));
    assert!(MockHost::topics().contains(&SELECTION_REVOKED.to_string()));
    assert_eq!(addresses(&MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap()), vec![C, A]);
    // Rejecting C leaves only A, below min_bids = 2: unsuccessful.
    MockHost::call_as(BUYER, || Fa::reject_bidder(id, C, "conflict of interest".into())).unwrap();
    let fw = Fa::framework(id).unwrap();
    assert_eq!((fw.stage, fw.suppliers.len()), (Stage::Unsuccessful, 0));
    assert_eq!(fw.close_reason.as_deref(), Some("too few qualified bids remain"));
}

#[test]
fn unrevealed_bids_cannot_be_rejected_and_the_standstill_end_closes_rejections() {
    let id = open();
    bid(id, A, 500);
    bid(id, B, 300);
    bid(id, C, 200);
    MockHost::set_time(BID_DEADLINE);
    reveal(id, A, 500).unwrap();
    reveal(id, B, 300).unwrap();
    MockHost::set_time(REVEAL_DEADLINE);
    Fa::evaluate(id).unwrap();
    assert!(err(MockHost::call_as(BUYER, || Fa::reject_bidder(id, C, "x".into()))).contains("never revealed"));
    MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    MockHost::set_time(ACTIVE_AT);
    assert!(err(MockHost::call_as(BUYER, || Fa::reject_bidder(id, A, "late".into()))).contains("selection stands"));
}

#[test]
fn complaint_suspends_until_resolved() {
    let id = to_qualification();
    MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    assert!(err(MockHost::call_as(OUTSIDER, || Fa::complain(id, "x".into()))).contains("only a bidder"));
    assert!(err(MockHost::call_as(A, || Fa::complain(id, "".into()))).contains("needs a reason"));
    assert!(err(MockHost::call_as(BUYER, || Fa::resolve_complaint(id, false, "".into()))).contains("Standstill"));
    MockHost::call_as(A, || Fa::complain(id, "D's price is abnormally low".into())).unwrap();
    assert_eq!(Fa::framework(id).unwrap().open_complaint, Some(A));
    MockHost::set_time(ACTIVE_AT);
    assert!(err(MockHost::call(|| Fa::finalize(id))).contains("Suspended"));
    assert!(err(MockHost::call_as(A, || Fa::resolve_complaint(id, false, "".into()))).contains("only the buyer"));
    MockHost::call_as(BUYER, || Fa::resolve_complaint(id, false, "price justified".into())).unwrap();
    assert_eq!(addresses(&MockHost::call(|| Fa::finalize(id)).unwrap()), vec![B, C, D]);
    let fw = Fa::framework(id).unwrap();
    assert_eq!((fw.stage, fw.open_complaint), (Stage::Active, None));
    assert_eq!(MockHost::topics().last().unwrap(), AGREEMENT_ACTIVE);
}

#[test]
fn upheld_complaint_withdraws_the_selection() {
    let id = to_qualification();
    MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    MockHost::call_as(E, || Fa::complain(id, "tie broken wrongly".into())).unwrap();
    MockHost::call_as(BUYER, || Fa::resolve_complaint(id, true, "re-evaluate".into())).unwrap();
    let fw = Fa::framework(id).unwrap();
    assert_eq!((fw.stage, fw.suppliers.len()), (Stage::Qualification, 0));
    let topics = MockHost::topics();
    assert_eq!(topics[topics.len() - 2..], [COMPLAINT_RESOLVED, SELECTION_REVOKED]);
}

#[test]
fn finalize_waits_for_the_standstill_and_complaints_close_with_it() {
    let id = to_qualification();
    MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    assert!(err(MockHost::call(|| Fa::finalize(id))).contains("has not ended"));
    MockHost::set_time(ACTIVE_AT);
    assert!(err(MockHost::call_as(A, || Fa::complain(id, "late".into()))).contains("over"));
    MockHost::call(|| Fa::finalize(id)).unwrap();
    assert!(err(MockHost::call(|| Fa::finalize(id))).contains("Active"));
}

#[test]
fn the_agreement_expires_at_its_term_end() {
    let id = active();
    assert!(err(MockHost::call(|| Fa::expire(id))).contains("has not ended"));
    MockHost::set_time(TERM_END);
    assert!(err(MockHost::call_as(BUYER, || Fa::open_call_off(id, co_params(10, 0)))).contains("term has ended"));
    MockHost::call_as(OUTSIDER, || Fa::expire(id)).unwrap();
    assert_eq!(Fa::framework(id).unwrap().stage, Stage::Expired);
    assert_eq!(MockHost::topics().last().unwrap(), FRAMEWORK_EXPIRED);
    assert!(err(MockHost::call_as(BUYER, || Fa::open_call_off(id, co_params(10, 0)))).contains("Expired"));
}

#[test]
fn cancel_by_buyer_with_reason_before_selection_or_while_idle() {
    let id = open();
    assert!(err(MockHost::call_as(A, || Fa::cancel(id, "x".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || Fa::cancel(id, "".into()))).contains("needs a reason"));
    MockHost::call_as(BUYER, || Fa::cancel(id, "needs changed".into())).unwrap();
    let fw = Fa::framework(id).unwrap();
    assert_eq!((fw.stage, fw.close_reason.as_deref()), (Stage::Cancelled, Some("needs changed")));
    assert!(err(MockHost::call_as(A, || Fa::submit_bid(id, [0; 32]))).contains("Cancelled"));
    // During the standstill: no (complaints are the route).
    let id = to_qualification();
    MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    assert!(err(MockHost::call_as(BUYER, || Fa::cancel(id, "late".into()))).contains("cannot cancel"));
    // Active: only with no call-off running.
    MockHost::set_time(ACTIVE_AT);
    MockHost::call(|| Fa::finalize(id)).unwrap();
    let co = open_co(id, 100, 0);
    assert!(err(MockHost::call_as(BUYER, || Fa::cancel(id, "early end".into()))).contains("call-offs are running"));
    MockHost::call_as(BUYER, || Fa::cancel_call_off(co, "not needed".into())).unwrap();
    MockHost::call_as(BUYER, || Fa::cancel(id, "early end".into())).unwrap();
    assert_eq!(Fa::framework(id).unwrap().stage, Stage::Cancelled);
}

// ---- Call-offs ----

#[test]
fn open_call_off_checks_role_state_budget_and_deadlines() {
    let id = to_qualification();
    assert!(err(MockHost::call_as(BUYER, || Fa::open_call_off(id, co_params(10, 0)))).contains("Qualification"));
    MockHost::call_as(BUYER, || Fa::conclude(id)).unwrap();
    MockHost::set_time(ACTIVE_AT);
    MockHost::call(|| Fa::finalize(id)).unwrap();
    let bad = |who: Address, f: fn(&mut CallOffParams)| {
        let mut p = co_params(1000, DAY);
        f(&mut p);
        err(MockHost::call_as(who, || Fa::open_call_off(id, p)))
    };
    assert!(bad(B, |_| ()).contains("only the buyer"));
    assert!(bad(BUYER, |p| p.budget = 0).contains("positive"));
    assert!(bad(BUYER, |p| p.budget = MAX_VALUE + 1).contains("remaining value of 1000000"));
    assert!(bad(BUYER, |p| p.bid_deadline = ACTIVE_AT).contains("future"));
    assert!(bad(BUYER, |p| p.reveal_deadline = p.bid_deadline).contains("follow"));
    assert!(bad(BUYER, |p| p.reveal_deadline = TERM_END + 1).contains("within the framework's term"));
    assert!(bad(BUYER, |p| p.standstill_secs = STANDSTILL + 1).contains("may not exceed the framework's"));
    assert!(err(MockHost::call_as(BUYER, || Fa::open_call_off(99, co_params(1, 0)))).contains("does not exist"));
    let co = open_co(id, 600_000, DAY);
    let fw = Fa::framework(id).unwrap();
    assert_eq!((fw.reserved_value, fw.remaining_value(), fw.call_offs), (600_000, 400_000, 1));
    // Concurrent call-offs can never together exceed the maximum value.
    assert!(bad(BUYER, |p| p.budget = 400_001).contains("remaining value of 400000"));
    let co2 = open_co(id, 400_000, 0);
    assert_eq!(Fa::framework(id).unwrap().remaining_value(), 0);
    assert_eq!(Fa::call_offs(id).unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), vec![co, co2]);
    assert_eq!(Fa::call_off_count().unwrap(), 2);
    let opened: CallOffOpened =
        borsh::from_slice(&MockHost::events().iter().rev().find(|e| e.topic == CALL_OFF_OPENED).unwrap().payload)
            .unwrap();
    assert_eq!((opened.call_off_id, opened.budget, opened.framework_remaining), (co2, 400_000, 0));
}

#[test]
fn only_framework_suppliers_bid_in_call_offs() {
    let fw = active();
    let co = open_co(fw, 1000, DAY);
    for outsider in [A, E, OUTSIDER, BUYER] {
        assert!(err(MockHost::call_as(outsider, || Fa::submit_call_off_bid(co, [1; 32]))).contains("only suppliers"));
    }
    co_bid(fw, co, B, 900);
    co_bid(fw, co, B, 800); // replaces
    co_bid(fw, co, C, 700);
    MockHost::call_as(C, || Fa::withdraw_call_off_bid(co)).unwrap();
    assert!(err(MockHost::call_as(C, || Fa::withdraw_call_off_bid(co))).contains("no bid"));
    let bids = Fa::call_off_bids(co).unwrap();
    assert_eq!((bids.len(), bids[0].bidder, bids[0].price, bids[0].seq), (1, B, None, 1));
    MockHost::set_time(ACTIVE_AT + 5 * DAY);
    assert!(err(MockHost::call_as(D, || Fa::submit_call_off_bid(co, [1; 32]))).contains("deadline has passed"));
    assert!(err(MockHost::call_as(B, || Fa::withdraw_call_off_bid(co))).contains("deadline has passed"));
}

#[test]
fn call_off_reveal_checks_commitment_window_and_budget() {
    let fw = active();
    let co = open_co(fw, 1000, DAY);
    co_bid(fw, co, B, 900);
    co_bid(fw, co, C, 1001);
    // A framework-bid-shaped commitment for the same numbers never matches.
    let replay = commitment(&fw_bid(co, D, 500), &salt(D));
    MockHost::call_as(D, || Fa::submit_call_off_bid(co, replay)).unwrap();
    assert!(err(co_reveal(fw, co, B, 900)).contains("reveals open"));
    MockHost::set_time(ACTIVE_AT + 5 * DAY);
    assert!(err(co_reveal(fw, co, B, 901)).contains("does not match"));
    assert!(err(co_reveal(fw, co, D, 500)).contains("does not match"));
    let wrong_co = MockHost::call_as(B, || Fa::reveal_call_off_bid(co, co_bid_of(fw, co + 1, B, 900), salt(B)));
    assert!(err(wrong_co).contains("another call-off"));
    let wrong_fw = MockHost::call_as(B, || Fa::reveal_call_off_bid(co, co_bid_of(fw + 1, co, B, 900), salt(B)));
    assert!(err(wrong_fw).contains("framework"));
    assert!(err(co_reveal(fw, co, C, 1001)).contains("exceeds the maximum of 1000"));
    co_reveal(fw, co, B, 900).unwrap();
    assert!(err(co_reveal(fw, co, B, 900)).contains("already revealed"));
    assert!(err(MockHost::call(|| Fa::evaluate_call_off(co))).contains("still open"));
    MockHost::set_time(ACTIVE_AT + 6 * DAY);
    assert!(err(co_reveal(fw, co, C, 1000)).contains("reveal deadline has passed"));
    assert_eq!(Fa::evaluate_call_off(co).unwrap(), CallOffStage::Qualification);
    assert_eq!(Fa::call_off_bids(co).unwrap().iter().filter(|b| b.price.is_some()).count(), 1);
}

#[test]
fn call_off_award_goes_to_lowest_price_then_standstill_then_final() {
    let (fw, co) = co_to_qualification(1000, DAY);
    assert!(err(MockHost::call_as(B, || Fa::award_call_off(co))).contains("only the buyer"));
    let award = MockHost::call_as(BUYER, || Fa::award_call_off(co)).unwrap();
    assert_eq!((award.supplier, award.price), (B, 150)); // B committed before C
    assert_eq!(Fa::call_off(co).unwrap().stage, CallOffStage::Standstill);
    // Still held back at the budget until final.
    assert_eq!(Fa::framework(fw).unwrap().remaining_value(), MAX_VALUE - 1000);
    assert!(err(MockHost::call(|| Fa::finalize_call_off(co))).contains("has not ended"));
    assert!(err(MockHost::call_as(BUYER, || Fa::cancel_call_off(co, "x".into()))).contains("cannot cancel"));
    MockHost::set_time(ACTIVE_AT + 7 * DAY);
    assert_eq!(MockHost::call_as(OUTSIDER, || Fa::finalize_call_off(co)).unwrap(), award);
    let f = Fa::framework(fw).unwrap();
    assert_eq!((f.awarded_value, f.reserved_value, f.remaining_value()), (150, 0, MAX_VALUE - 150));
    let fin: CallOffFinal = borsh::from_slice(&MockHost::events().last().unwrap().payload).unwrap();
    assert_eq!(
        (fin.supplier, fin.price, fin.framework_awarded, fin.framework_remaining),
        (B, 150, 150, MAX_VALUE - 150)
    );
    assert!(err(MockHost::call(|| Fa::finalize_call_off(co))).contains("Awarded"));
}

#[test]
fn a_zero_standstill_makes_the_call_off_award_final_at_once() {
    let (fw, co) = co_to_qualification(1000, 0);
    MockHost::call_as(BUYER, || Fa::award_call_off(co)).unwrap();
    assert_eq!(Fa::call_off(co).unwrap().stage, CallOffStage::Awarded);
    assert_eq!(Fa::framework(fw).unwrap().awarded_value, 150);
    let topics = MockHost::topics();
    assert_eq!(topics[topics.len() - 2..], [CALL_OFF_AWARD_MADE, CALL_OFF_AWARD_FINAL]);
}

#[test]
fn call_off_rejection_cascades_and_all_rejected_is_unsuccessful() {
    let (fw, co) = co_to_qualification(1000, DAY);
    assert!(err(MockHost::call_as(C, || Fa::reject_call_off_bidder(co, B, "x".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || Fa::reject_call_off_bidder(co, B, "".into()))).contains("reason"));
    MockHost::call_as(BUYER, || Fa::award_call_off(co)).unwrap();
    MockHost::call_as(BUYER, || Fa::reject_call_off_bidder(co, B, "cannot deliver in time".into())).unwrap();
    let c = Fa::call_off(co).unwrap();
    assert_eq!((c.stage, c.award), (CallOffStage::Qualification, None));
    assert!(MockHost::topics().contains(&CALL_OFF_AWARD_REVOKED.to_string()));
    assert_eq!(MockHost::call_as(BUYER, || Fa::award_call_off(co)).unwrap().supplier, C);
    MockHost::set_time(ACTIVE_AT + 7 * DAY);
    let late = MockHost::call_as(BUYER, || Fa::reject_call_off_bidder(co, C, "late".into()));
    assert!(err(late).contains("award stands"));
    MockHost::set_time(ACTIVE_AT + 6 * DAY);
    MockHost::call_as(BUYER, || Fa::reject_call_off_bidder(co, C, "x".into())).unwrap();
    MockHost::call_as(BUYER, || Fa::reject_call_off_bidder(co, D, "x".into())).unwrap();
    let c = Fa::call_off(co).unwrap();
    assert_eq!(c.stage, CallOffStage::Unsuccessful);
    // Its budget returned to the framework.
    let f = Fa::framework(fw).unwrap();
    assert_eq!((f.reserved_value, f.awarded_value, f.remaining_value()), (0, 0, MAX_VALUE));
}

#[test]
fn a_call_off_without_valid_bids_is_unsuccessful_and_releases_its_budget() {
    let fw = active();
    let co = open_co(fw, 5000, DAY);
    co_bid(fw, co, B, 100); // never revealed
    MockHost::set_time(ACTIVE_AT + 6 * DAY);
    assert_eq!(MockHost::call_as(OUTSIDER, || Fa::evaluate_call_off(co)).unwrap(), CallOffStage::Unsuccessful);
    assert_eq!(Fa::framework(fw).unwrap().remaining_value(), MAX_VALUE);
    assert!(err(MockHost::call_as(BUYER, || Fa::award_call_off(co))).contains("Unsuccessful"));
}

#[test]
fn call_off_awards_add_up_and_never_exceed_the_maximum() {
    let fw = active();
    let mut now = ACTIVE_AT;
    for round in 0..3u128 {
        MockHost::set_time(now);
        let p = CallOffParams {
            description_hash: [1; 32],
            budget: 400_000,
            bid_deadline: now + DAY,
            reveal_deadline: now + 2 * DAY,
            standstill_secs: 0,
        };
        let opened = MockHost::call_as(BUYER, || Fa::open_call_off(fw, p));
        if round == 2 {
            // 2 × 350 000 awarded: 300 000 left, below the 400 000 budget.
            assert!(err(opened).contains("remaining value of 300000"));
            break;
        }
        let co = opened.unwrap();
        co_bid(fw, co, D, 350_000);
        MockHost::set_time(now + DAY);
        co_reveal(fw, co, D, 350_000).unwrap();
        MockHost::set_time(now + 2 * DAY);
        Fa::evaluate_call_off(co).unwrap();
        MockHost::call_as(BUYER, || Fa::award_call_off(co)).unwrap();
        now += 3 * DAY;
    }
    let f = Fa::framework(fw).unwrap();
    assert_eq!((f.awarded_value, f.remaining_value()), (700_000, 300_000));
}

#[test]
fn cancel_call_off_by_buyer_with_reason() {
    let fw = active();
    let co = open_co(fw, 5000, DAY);
    assert!(err(MockHost::call_as(B, || Fa::cancel_call_off(co, "x".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || Fa::cancel_call_off(co, "".into()))).contains("reason"));
    MockHost::call_as(BUYER, || Fa::cancel_call_off(co, "need met elsewhere".into())).unwrap();
    let c = Fa::call_off(co).unwrap();
    assert_eq!((c.stage, c.close_reason.as_deref()), (CallOffStage::Cancelled, Some("need met elsewhere")));
    assert_eq!(Fa::framework(fw).unwrap().remaining_value(), MAX_VALUE);
    assert!(err(MockHost::call_as(B, || Fa::submit_call_off_bid(co, [1; 32]))).contains("Cancelled"));
    assert!(err(MockHost::call_as(BUYER, || Fa::cancel_call_off(co, "again".into()))).contains("cannot cancel"));
}

#[test]
fn a_failed_call_leaves_no_trace() {
    let fw = active();
    let before = MockHost::storage();
    let events = MockHost::events().len();
    assert!(MockHost::call_as(BUYER, || Fa::open_call_off(fw, co_params(MAX_VALUE + 1, 0))).is_err());
    assert!(MockHost::call_as(A, || Fa::submit_bid(fw, [0; 32])).is_err());
    assert_eq!(MockHost::storage(), before);
    assert_eq!(MockHost::events().len(), events);
}

#[test]
fn abi_lists_calls_and_views() {
    let abi: &str = Fa::ABI_JSON;
    assert!(abi.contains(r#""kind":"call","name":"open_call_off","returns":"u64""#), "{abi}");
    assert!(abi.contains(r#""kind":"view","name":"suppliers","returns":"Vec<Supplier>""#), "{abi}");
    assert!(abi.contains(r#""kind":"view","name":"call_offs","returns":"Vec<CallOff>""#), "{abi}");
}

mod award_rule_properties {
    use super::*;
    use proptest::prelude::*;

    /// The reference rule, written plainly: indices of unrejected bids
    /// ordered by (price, submission order), the first `n`.
    fn reference(prices: &[u128], rejected: &[bool], n: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..prices.len()).filter(|&i| !rejected[i]).collect();
        idx.sort_by_key(|&i| (prices[i], i));
        idx.truncate(n);
        idx
    }

    fn bidder(i: usize) -> Address {
        Address([i as u8 + 1; 32])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// For any bids and rejections, the selected suppliers equal the
        /// reference (or the framework is unsuccessful when fewer than
        /// min_bids remain).
        #[test]
        fn supplier_selection_matches_reference(
            prices in proptest::collection::vec(1u128..50, 2..10),
            rejected in proptest::collection::vec(any::<bool>(), 10),
            n in prop_oneof![Just(1u32), 3u32..6],
        ) {
            let id = open_with(n);
            let bidders: Vec<Address> = (0..prices.len()).map(bidder).collect();
            for (who, p) in bidders.iter().zip(&prices) { bid(id, *who, *p); }
            MockHost::set_time(BID_DEADLINE);
            for (who, p) in bidders.iter().zip(&prices) { reveal(id, *who, *p).unwrap(); }
            MockHost::set_time(REVEAL_DEADLINE);
            Fa::evaluate(id).unwrap();
            for (i, who) in bidders.iter().enumerate() {
                if rejected[i] {
                    let _ = MockHost::call_as(BUYER, || Fa::reject_bidder(id, *who, "r".into()));
                }
            }
            let kept = (0..prices.len()).filter(|&i| !rejected[i]).count();
            let got = MockHost::call_as(BUYER, || Fa::conclude(id));
            if kept < 2 {
                prop_assert!(got.is_err());
                prop_assert_eq!(Fa::framework(id).unwrap().stage, Stage::Unsuccessful);
            } else {
                let expected: Vec<(Address, u128)> =
                    reference(&prices, &rejected, n as usize).into_iter().map(|i| (bidders[i], prices[i])).collect();
                let got: Vec<(Address, u128)> = got.unwrap().into_iter().map(|s| (s.address, s.price)).collect();
                prop_assert_eq!(got, expected);
            }
        }

        /// For any call-off bids (some unrevealed) and rejections, the award
        /// equals the reference: lowest price among revealed, unrejected
        /// bids, earliest commitment first; none left means unsuccessful.
        #[test]
        fn call_off_award_matches_reference(
            prices in proptest::collection::vec(1u128..30, 1..6),
            revealed in proptest::collection::vec(prop::bool::weighted(0.8), 6),
            rejected in proptest::collection::vec(prop::bool::weighted(0.3), 6),
            order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        ) {
            let fw = open_with(5);
            let suppliers: Vec<Address> = (0..5).map(bidder).collect();
            for (i, who) in suppliers.iter().enumerate() { bid(fw, *who, 100 + i as u128); }
            MockHost::set_time(BID_DEADLINE);
            for (i, who) in suppliers.iter().enumerate() { reveal(fw, *who, 100 + i as u128).unwrap(); }
            MockHost::set_time(REVEAL_DEADLINE);
            Fa::evaluate(fw).unwrap();
            MockHost::call_as(BUYER, || Fa::conclude(fw)).unwrap();
            MockHost::set_time(ACTIVE_AT);
            MockHost::call(|| Fa::finalize(fw)).unwrap();
            let co = open_co(fw, 1000, 0);
            // Suppliers commit in a random order: that order breaks ties.
            let bidders: Vec<usize> = order.iter().copied().filter(|&i| i < prices.len() && i < 5).collect();
            for &i in &bidders { co_bid(fw, co, suppliers[i], prices[i]); }
            MockHost::set_time(ACTIVE_AT + 5 * DAY);
            for &i in &bidders { if revealed[i] { co_reveal(fw, co, suppliers[i], prices[i]).unwrap(); } }
            MockHost::set_time(ACTIVE_AT + 6 * DAY);
            let stage = Fa::evaluate_call_off(co).unwrap();
            for &i in &bidders {
                if rejected[i] && stage == CallOffStage::Qualification {
                    let _ = MockHost::call_as(BUYER, || Fa::reject_call_off_bidder(co, suppliers[i], "r".into()));
                }
            }
            let expected = bidders.iter().enumerate()
                .filter(|(_, &i)| revealed[i] && !rejected[i])
                .min_by_key(|(pos, &i)| (prices[i], *pos))
                .map(|(_, &i)| (suppliers[i], prices[i]));
            let got = MockHost::call_as(BUYER, || Fa::award_call_off(co)).ok().map(|a| (a.supplier, a.price));
            prop_assert_eq!(got, expected);
            let f = Fa::framework(fw).unwrap();
            prop_assert_eq!(f.awarded_value, expected.map_or(0, |(_, p)| p));
            prop_assert_eq!(f.reserved_value, 0);
        }
    }

    fn open_with(max_suppliers: u32) -> u64 {
        MockHost::reset();
        MockHost::set_time(T0);
        let mut p = params();
        p.max_suppliers = max_suppliers;
        MockHost::call_as(BUYER, || Fa::open_framework(p)).unwrap()
    }
}
