//! Complaints: one lot suspended, the others proceed; upheld or dismissed.

use super::*;
use crate::events::*;

/// Two lots, both in qualification with bids from A (500) and B (450).
fn two_lots(p: TenderParams) -> u64 {
    let id = open_with(p, lots(2));
    for l in 0..2 {
        bid(id, l, A, 500);
        bid(id, l, B, 450);
    }
    MockHost::set_time(BID_DEADLINE);
    for l in 0..2 {
        reveal(id, l, A, 500).unwrap();
        reveal(id, l, B, 450).unwrap();
    }
    MockHost::set_time(REVEAL_DEADLINE);
    for l in 0..2 {
        MockHost::call(|| OpenTender::evaluate_lot(id, l)).unwrap();
    }
    id
}

fn complain(id: u64, l: u32, who: Address, reason: &str) -> ContractResult<u64> {
    let reason = String::from(reason);
    MockHost::call_as(who, || OpenTender::complain(id, l, reason))
}

fn resolve(id: u64, l: u32, who: Address, upheld: bool) -> ContractResult<()> {
    MockHost::call_as(who, || OpenTender::resolve_complaint(id, l, upheld, "decision".into()))
}

#[test]
fn a_complaint_suspends_only_its_lot() {
    let id = two_lots(params());
    for l in 0..2 {
        MockHost::call_as(BUYER, || OpenTender::award(id, l)).unwrap();
    }
    let cid = complain(id, 0, A, "B's offer misses spec 4.2").unwrap();
    assert_eq!(cid, 0);
    let l0 = lot(id, 0);
    assert_eq!(l0.status, LotStatus::Suspended);
    assert_eq!(l0.complaint, Some(OpenComplaint { id: 0, complainant: A, resume: LotStatus::Standstill }));
    MockHost::set_time(REVEAL_DEADLINE + STANDSTILL);
    MockHost::call(|| OpenTender::finalize(id, 1)).unwrap(); // lot 1 proceeds
    assert!(err(MockHost::call(|| OpenTender::finalize(id, 0))).contains("Suspended"));
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Active);
    resolve(id, 0, BUYER, false).unwrap();
    assert_eq!(lot(id, 0).status, LotStatus::Standstill);
    assert_eq!(MockHost::call(|| OpenTender::finalize(id, 0)).unwrap().bidder, B);
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Complete);
    let resolved = payloads::<ComplaintResolved>(COMPLAINT_RESOLVED);
    assert_eq!((resolved[0].complaint_id, resolved[0].upheld), (0, false));
}

#[test]
fn the_named_review_body_decides_and_an_upheld_complaint_revokes_the_award() {
    let id = two_lots(TenderParams { review_body: Some(REVIEW), ..params() });
    MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    complain(id, 0, A, "tie broken wrongly").unwrap();
    assert!(err(resolve(id, 0, BUYER, true)).contains("only the review body"));
    resolve(id, 0, REVIEW, true).unwrap();
    let l = lot(id, 0);
    assert_eq!((l.status, l.award, l.complaint), (LotStatus::Qualification, None, None));
    assert_eq!(payloads::<BidderEvent>(AWARD_REVOKED)[0].bidder, B);
    // Back to qualification: the buyer decides again.
    MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, B, "spec 4.2 not met".into())).unwrap();
    assert_eq!(MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap().bidder, A);
}

#[test]
fn a_complaint_about_qualification_suspends_until_dismissed() {
    let id = two_lots(params());
    complain(id, 1, B, "A should have been disqualified").unwrap();
    assert!(err(MockHost::call_as(BUYER, || OpenTender::award(id, 1))).contains("Suspended"));
    assert!(err(complain(id, 1, A, "me too")).contains("Suspended"), "one open complaint per lot");
    MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap(); // the other lot proceeds
    resolve(id, 1, BUYER, false).unwrap();
    assert_eq!(lot(id, 1).status, LotStatus::Qualification);
    MockHost::call_as(BUYER, || OpenTender::award(id, 1)).unwrap();
    assert_eq!(complain(id, 1, A, "second complaint").unwrap(), 1);
}

#[test]
fn complaint_rules_check_role_time_and_state() {
    let id = open();
    bid(id, 0, A, 500);
    assert!(err(complain(id, 0, A, "too early")).contains("Bidding"));
    let id = two_lots(params());
    assert!(err(complain(id, 0, C, "not a bidder")).contains("only a bidder in this lot"));
    assert!(err(complain(id, 0, A, " ")).contains("reason"));
    assert!(err(resolve(id, 0, BUYER, true)).contains("Qualification"));
    MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    MockHost::set_time(REVEAL_DEADLINE + STANDSTILL);
    assert!(err(complain(id, 0, A, "late")).contains("standstill period is over"));
    assert!(!has_topic(COMPLAINT_FILED));
}
