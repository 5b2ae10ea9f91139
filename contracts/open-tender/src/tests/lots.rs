//! Lots, sealed bids, qualification, award, standstill, cancellation and the
//! tender status derived from the lots.

use super::*;
use crate::events::*;

#[test]
fn open_tender_creates_lots_and_validates_them() {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::set_caller(BUYER);
    let bad = |l: Vec<LotParams>| err(MockHost::call(|| OpenTender::open_tender(params(), l)));
    assert!(bad(vec![]).contains("at least one lot"));
    assert!(bad(vec![LotParams { value: 0, description_hash: [0; 32] }]).contains("value"));
    assert!(bad(vec![LotParams { value: MAX_AMOUNT + 1, description_hash: [0; 32] }]).contains("value"));
    assert!(bad(lots(MAX_LOTS + 1)).contains("at most"));
    let bad_p = |f: fn(&mut TenderParams)| {
        let mut p = params();
        f(&mut p);
        err(MockHost::call(|| OpenTender::open_tender(p, lots(1))))
    };
    assert!(bad_p(|p| p.bid_deadline = T0).contains("future"));
    assert!(bad_p(|p| p.currency = "euro".into()).contains("ISO 4217"));
    assert!(bad_p(|p| p.enquiry_end = T0).contains("enquiry period"));
    assert_eq!(OpenTender::tender_count().unwrap(), 0);
    let id = MockHost::call(|| OpenTender::open_tender(params(), lots(3))).unwrap();
    assert_eq!(OpenTender::tender_count().unwrap(), 1);
    let t = OpenTender::tender(id).unwrap();
    assert_eq!((t.buyer, t.lot_count, t.opened_at), (BUYER, 3, T0));
    let all = OpenTender::lots(id).unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|l| l.status == LotStatus::Bidding && l.value == BUDGET));
    assert_eq!(all[2].description_hash, [2; 32]);
    assert!(err(OpenTender::lot(id, 3)).contains("does not exist"));
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Active);
    assert_eq!(payloads::<TenderOpened>(TENDER_OPENED)[0].lots, 3);
}

#[test]
fn commitments_reveal_nothing_and_one_bid_per_bidder_per_lot() {
    let id = open();
    bid(id, 0, A, 500_123);
    bid(id, 0, A, 450_321); // replaces
    bid(id, 1, A, 470_777); // another lot: another bid
    let bids = OpenTender::bids(id, 0).unwrap();
    assert_eq!(bids.len(), 1);
    assert_eq!((bids[0].price, bids[0].seq), (None, 1));
    assert_eq!(lot(id, 0).bid_count, 1);
    assert_eq!(lot(id, 1).bid_count, 1);
    for v in [500_123, 450_321, 470_777] {
        assert!(!visible_anywhere(v), "a bid value is readable before reveal");
    }
    let submitted = payloads::<BidSubmitted>(BID_SUBMITTED);
    assert_eq!(submitted.iter().map(|s| s.replaced).collect::<Vec<_>>(), vec![false, true, false]);
}

#[test]
fn bidding_rules_check_role_time_and_state() {
    let id = open();
    assert!(err(MockHost::call_as(BUYER, || OpenTender::submit_bid(id, 0, [1; 32]))).contains("buyer cannot bid"));
    assert!(err(MockHost::call_as(A, || OpenTender::submit_bid(99, 0, [1; 32]))).contains("does not exist"));
    assert!(err(MockHost::call_as(A, || OpenTender::submit_bid(id, 7, [1; 32]))).contains("does not exist"));
    assert!(err(MockHost::call_as(A, || OpenTender::withdraw_bid(id, 0))).contains("no bid"));
    bid(id, 0, A, 500);
    MockHost::call_as(A, || OpenTender::withdraw_bid(id, 0)).unwrap();
    assert!(OpenTender::bids(id, 0).unwrap().is_empty());
    assert_eq!(lot(id, 0).bid_count, 0);
    assert!(has_topic(BID_WITHDRAWN));
    bid(id, 0, A, 500);
    MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 1, "merged".into())).unwrap();
    assert!(err(submit(id, 1, B, 400, 0)).contains("Cancelled"));
    MockHost::set_time(BID_DEADLINE);
    assert!(err(submit(id, 0, B, 400, 0)).contains("deadline has passed"));
    assert!(err(MockHost::call_as(A, || OpenTender::withdraw_bid(id, 0))).contains("deadline has passed"));
}

#[test]
fn reveal_checks_commitment_window_lot_and_budget() {
    let id = open();
    bid(id, 0, A, 500);
    bid(id, 0, B, BUDGET + 1); // over budget
    bid(id, 1, C, 600);
    assert!(err(reveal(id, 0, A, 500)).contains("reveals open"));
    MockHost::set_time(BID_DEADLINE);
    assert!(err(reveal(id, 0, A, 400)).contains("does not match"));
    assert!(err(reveal_cost(id, 0, A, 500, 9)).contains("does not match"));
    // C's bid revealed in the wrong lot / by another bidder.
    let wrong_lot = MockHost::call_as(C, || OpenTender::reveal_bid(id, 0, the_bid(id, 1, C, 600, 0), salt(C)));
    assert!(err(wrong_lot).contains("no bid"));
    let forged = MockHost::call_as(C, || OpenTender::reveal_bid(id, 1, the_bid(id, 1, A, 500, 0), salt(A)));
    assert!(err(forged).contains("another tender, lot or bidder"));
    assert!(err(reveal(id, 0, B, BUDGET + 1)).contains("exceeds the lot's budget"));
    reveal(id, 0, A, 500).unwrap();
    assert!(err(reveal(id, 0, A, 500)).contains("already revealed"));
    assert_eq!(OpenTender::bids(id, 0).unwrap()[0].price, Some(500));
    MockHost::set_time(REVEAL_DEADLINE);
    assert!(err(reveal(id, 1, C, 600)).contains("reveal deadline has passed"));
    // Lot 0: only A valid (B over budget), below min_bids = 2.
    assert_eq!(MockHost::call(|| OpenTender::evaluate_lot(id, 0)).unwrap(), LotStatus::Unsuccessful);
    let ev = &payloads::<LotEvaluated>(LOT_EVALUATED)[0];
    assert_eq!((ev.valid_bids, ev.invalid_bids), (1, 1));
    assert_eq!(lot(id, 0).closing_reason.as_deref(), Some("too few valid bids"));
}

#[test]
fn evaluation_waits_for_the_reveal_deadline_and_runs_once() {
    let id = open();
    MockHost::set_time(BID_DEADLINE);
    assert!(err(MockHost::call(|| OpenTender::evaluate_lot(id, 0))).contains("still open"));
    MockHost::set_time(REVEAL_DEADLINE);
    MockHost::call(|| OpenTender::evaluate_lot(id, 0)).unwrap();
    assert!(err(MockHost::call(|| OpenTender::evaluate_lot(id, 0))).contains("Unsuccessful"));
}

#[test]
fn award_goes_to_lowest_price_and_ties_to_earlier_commitment() {
    let id = to_qualification();
    assert_eq!(lot(id, 0).candidate, Some(B));
    assert!(err(MockHost::call_as(A, || OpenTender::award(id, 0))).contains("only the buyer"));
    let award = MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    assert_eq!((award.bidder, award.price, award.score), (B, 300, None));
    assert_eq!(award.standstill_ends, REVEAL_DEADLINE + STANDSTILL);
    assert_eq!(lot(id, 0).status, LotStatus::Standstill);
    assert!(err(MockHost::call_as(BUYER, || OpenTender::award(id, 0))).contains("Standstill"));
    let ranking = OpenTender::ranking(id, 0).unwrap();
    assert_eq!(ranking.iter().map(|r| r.bidder).collect::<Vec<_>>(), vec![B, C, A]);
}

#[test]
fn rejection_cascades_to_the_next_bid() {
    let id = to_qualification();
    assert!(err(MockHost::call_as(A, || OpenTender::reject_bidder(id, 0, B, "x".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, B, " ".into()))).contains("reason"));
    assert!(err(MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, D, "x".into()))).contains("no bid"));
    MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, B, "missing licence".into())).unwrap();
    assert!(err(MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, B, "again".into()))).contains("already"));
    assert_eq!(lot(id, 0).candidate, Some(C));
    let award = MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    assert_eq!(award.bidder, C);
    // Rejecting the awardee during standstill revokes the award.
    MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, C, "false declaration".into())).unwrap();
    let l = lot(id, 0);
    assert_eq!((l.status, l.award, l.candidate), (LotStatus::Qualification, None, Some(A)));
    assert_eq!(payloads::<BidderEvent>(AWARD_REVOKED)[0].bidder, C);
    assert_eq!(MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap().bidder, A);
    MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, A, "abnormally low".into())).unwrap();
    assert_eq!(lot(id, 0).status, LotStatus::Unsuccessful);
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Unsuccessful);
}

#[test]
fn unrevealed_bids_cannot_be_rejected_or_awarded() {
    let id = open_with(params(), lots(1));
    bid(id, 0, A, 500);
    bid(id, 0, B, 600);
    bid(id, 0, C, 100); // never revealed
    MockHost::set_time(BID_DEADLINE);
    reveal(id, 0, A, 500).unwrap();
    reveal(id, 0, B, 600).unwrap();
    MockHost::set_time(REVEAL_DEADLINE);
    MockHost::call(|| OpenTender::evaluate_lot(id, 0)).unwrap();
    assert!(!visible_anywhere(100));
    let err_msg = err(MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, C, "x".into())));
    assert!(err_msg.contains("never revealed"));
    assert_eq!(MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap().bidder, A);
}

#[test]
fn finalize_waits_for_the_standstill() {
    let id = to_qualification();
    assert!(err(MockHost::call(|| OpenTender::finalize(id, 0))).contains("Qualification"));
    MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    assert!(err(MockHost::call(|| OpenTender::finalize(id, 0))).contains("has not ended"));
    MockHost::set_time(REVEAL_DEADLINE + STANDSTILL);
    assert!(err(MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, B, "late".into()))).contains("stands"));
    let award = MockHost::call_as(A, || OpenTender::finalize(id, 0)).unwrap();
    assert_eq!(award.bidder, B);
    assert_eq!(lot(id, 0).status, LotStatus::Complete);
    assert!(has_topic(AWARD_FINAL));
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Complete);
    assert!(err(MockHost::call(|| OpenTender::finalize(id, 0))).contains("Complete"));
}

#[test]
fn lots_progress_independently_and_the_tender_status_follows() {
    let id = open_with(params(), lots(3));
    for l in 0..3 {
        bid(id, l, A, 500);
        bid(id, l, B, 400);
    }
    MockHost::set_time(BID_DEADLINE);
    for l in 0..2 {
        reveal(id, l, A, 500).unwrap();
        reveal(id, l, B, 400).unwrap();
    }
    reveal(id, 2, A, 500).unwrap(); // lot 2: one valid bid only
    MockHost::set_time(REVEAL_DEADLINE);
    for l in 0..3 {
        MockHost::call(|| OpenTender::evaluate_lot(id, l)).unwrap();
    }
    let statuses: Vec<LotStatus> = OpenTender::lots(id).unwrap().iter().map(|l| l.status).collect();
    assert_eq!(statuses, vec![LotStatus::Qualification, LotStatus::Qualification, LotStatus::Unsuccessful]);
    MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 1, "need changed".into())).unwrap();
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Active);
    MockHost::set_time(REVEAL_DEADLINE + STANDSTILL);
    MockHost::call(|| OpenTender::finalize(id, 0)).unwrap();
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Complete);
}

#[test]
fn tender_status_is_derived_from_the_lots() {
    let mk = |s: LotStatus| Lot {
        tender_id: 0,
        id: 0,
        value: 1,
        description_hash: [0; 32],
        status: s,
        epoch: 0,
        bid_count: 0,
        valid_bids: 0,
        candidate: None,
        award: None,
        complaint: None,
        closing_reason: None,
    };
    use LotStatus::*;
    let status = |s: &[LotStatus]| store::tender_status(&s.iter().map(|x| mk(*x)).collect::<Vec<_>>());
    assert_eq!(status(&[Complete, Standstill]), TenderStatus::Active);
    assert_eq!(status(&[Complete, Unsuccessful, Cancelled]), TenderStatus::Complete);
    assert_eq!(status(&[Unsuccessful, Cancelled]), TenderStatus::Unsuccessful);
    assert_eq!(status(&[Unsuccessful, Unsuccessful]), TenderStatus::Unsuccessful);
    assert_eq!(status(&[Cancelled, Cancelled]), TenderStatus::Cancelled);
}

#[test]
fn cancellation_of_a_lot_or_the_tender_before_the_award_is_final() {
    let id = open();
    assert!(err(MockHost::call_as(A, || OpenTender::cancel_lot(id, 0, "x".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 0, "".into()))).contains("reason"));
    MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 0, "budget cut".into())).unwrap();
    assert!(err(MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 0, "again".into()))).contains("already"));
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Active);
    assert!(err(MockHost::call_as(A, || OpenTender::cancel_tender(id, "x".into()))).contains("only the buyer"));
    MockHost::call_as(BUYER, || OpenTender::cancel_tender(id, "programme ended".into())).unwrap();
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Cancelled);
    assert_eq!(OpenTender::tender(id).unwrap().cancel_reason.as_deref(), Some("programme ended"));
    assert_eq!(payloads::<LotClosed>(LOT_CANCELLED).len(), 2);
    assert!(err(MockHost::call_as(BUYER, || OpenTender::cancel_tender(id, "again".into()))).contains("closed"));

    // An award in standstill may still be cancelled; a final one may not.
    let id = to_qualification();
    MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    MockHost::set_time(REVEAL_DEADLINE + STANDSTILL);
    MockHost::call(|| OpenTender::finalize(id, 0)).unwrap();
    assert!(err(MockHost::call_as(BUYER, || OpenTender::cancel_tender(id, "late".into()))).contains("final"));
    assert!(err(MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 0, "late".into()))).contains("Complete"));
    let id = to_qualification();
    MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 0, "fraud suspected".into())).unwrap();
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Cancelled);
}

#[test]
fn a_failed_call_leaves_no_trace() {
    let id = open();
    let before = MockHost::storage();
    let events = MockHost::events().len();
    assert!(MockHost::call_as(BUYER, || OpenTender::submit_bid(id, 0, [0; 32])).is_err());
    assert_eq!(MockHost::storage(), before);
    assert_eq!(MockHost::events().len(), events);
}

#[test]
fn abi_lists_calls_and_views() {
    let abi: &str = OpenTender::ABI_JSON;
    assert!(abi.contains(r#""kind":"call","name":"submit_bid""#), "{abi}");
    assert!(abi.contains(r#""kind":"view","name":"tender_status","returns":"TenderStatus""#), "{abi}");
    assert!(abi.contains(r#""kind":"view","name":"bids","returns":"Vec<BidRecord>""#), "{abi}");
}
