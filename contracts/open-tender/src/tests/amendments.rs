//! Amendments: voided commitments, new budgets, deadline extension.

use super::*;
use crate::events::*;

fn amendment(lots: Vec<u32>, new_values: Vec<(u32, u128)>, bid_deadline: Option<u64>) -> Amendment {
    Amendment { documents_hash: [0xa1; 32], lots, new_values, bid_deadline }
}

fn amend(id: u64, a: Amendment) -> ContractResult<()> {
    MockHost::call_as(BUYER, || OpenTender::amend(id, a))
}

#[test]
fn an_amendment_voids_earlier_commitments_of_the_affected_lots() {
    let id = open();
    bid(id, 0, A, 500);
    bid(id, 1, A, 600);
    bid(id, 0, B, 450);
    MockHost::set_time(T0 + DAY);
    amend(id, amendment(vec![0], vec![(0, 480)], None)).unwrap();
    let t = OpenTender::tender(id).unwrap();
    assert_eq!((t.amendments, t.params.documents_hash, t.params.bid_deadline), (1, [0xa1; 32], BID_DEADLINE));
    let inv = payloads::<BidsInvalidated>(BIDS_INVALIDATED);
    assert_eq!(inv.len(), 1);
    assert_eq!((inv[0].lot_id, inv[0].epoch, inv[0].value), (0, 1, 480));
    assert_eq!((lot(id, 0).epoch, lot(id, 0).value, lot(id, 1).epoch), (1, 480, 0));
    // A re-submits under the new budget; B does not.
    bid(id, 0, A, 470);
    MockHost::set_time(BID_DEADLINE);
    reveal(id, 0, A, 470).unwrap();
    reveal(id, 1, A, 600).unwrap(); // lot 1 untouched
    assert!(err(reveal(id, 0, B, 450)).contains("voided by an amendment"));
    MockHost::set_time(REVEAL_DEADLINE);
    assert_eq!(MockHost::call(|| OpenTender::evaluate_lot(id, 0)).unwrap(), LotStatus::Unsuccessful);
    assert_eq!(payloads::<LotEvaluated>(LOT_EVALUATED)[0].invalid_bids, 1);
}

#[test]
fn a_lowered_budget_refuses_bids_above_it() {
    let id = open();
    MockHost::set_time(T0 + DAY);
    amend(id, amendment(vec![], vec![(1, 400)], None)).unwrap();
    assert_eq!(payloads::<BidsInvalidated>(BIDS_INVALIDATED).len(), 2, "empty list: every lot");
    bid(id, 1, A, 500);
    MockHost::set_time(BID_DEADLINE);
    assert!(err(reveal(id, 1, A, 500)).contains("budget"));
}

#[test]
fn a_late_amendment_extends_every_deadline() {
    let id = open();
    let now = BID_DEADLINE - DAY;
    MockHost::set_time(now);
    amend(id, amendment(vec![], vec![], None)).unwrap();
    let p = OpenTender::tender(id).unwrap().params;
    let min = Procedure::BelowThreshold.preset().min_period_after_amendment;
    assert_eq!(p.bid_deadline, now + min);
    let shift = now + min - BID_DEADLINE;
    assert_eq!((p.reveal_deadline, p.enquiry_end), (REVEAL_DEADLINE + shift, ENQUIRY_END + shift));
    let ev = &payloads::<TenderAmended>(TENDER_AMENDED)[0];
    assert_eq!((ev.amendment, ev.bid_deadline), (1, now + min));
    // Bidding stays open past the original deadline.
    MockHost::set_time(BID_DEADLINE);
    bid(id, 0, A, 500);
    // A later deadline asked for is kept.
    amend(id, amendment(vec![], vec![], Some(now + 10 * DAY))).unwrap();
    assert_eq!(OpenTender::tender(id).unwrap().params.bid_deadline, now + 10 * DAY);
}

#[test]
fn amendments_check_role_time_and_content() {
    let id = open();
    assert!(
        err(MockHost::call_as(A, || OpenTender::amend(id, amendment(vec![], vec![], None)))).contains("only the buyer")
    );
    assert!(err(amend(id, amendment(vec![0, 0], vec![], None))).contains("twice"));
    assert!(err(amend(id, amendment(vec![5], vec![], None))).contains("does not exist"));
    assert!(err(amend(id, amendment(vec![0], vec![(1, 5)], None))).contains("affected"));
    assert!(err(amend(id, amendment(vec![0], vec![(0, 0)], None))).contains("value"));
    assert!(err(amend(id, amendment(vec![], vec![], Some(BID_DEADLINE - 1)))).contains("forward"));
    MockHost::call_as(BUYER, || OpenTender::cancel_lot(id, 1, "dropped".into())).unwrap();
    assert!(err(amend(id, amendment(vec![1], vec![], None))).contains("Cancelled"));
    MockHost::set_time(BID_DEADLINE);
    assert!(err(amend(id, amendment(vec![], vec![], None))).contains("close at the bid deadline"));
    assert_eq!(OpenTender::tender(id).unwrap().amendments, 0);
}
