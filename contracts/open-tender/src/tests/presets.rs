//! Procedure presets: a configuration below its procedure's floors is refused.

use super::*;

fn try_open(p: TenderParams) -> ContractResult<u64> {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::call_as(BUYER, || OpenTender::open_tender(p, lots(1)))
}

fn open_procedure() -> TenderParams {
    TenderParams {
        procedure: Procedure::Open,
        enquiry_end: T0 + 20 * DAY,
        bid_deadline: T0 + 30 * DAY,
        reveal_deadline: T0 + 31 * DAY,
        standstill_secs: 10 * DAY,
        ..params()
    }
}

#[test]
fn the_open_procedure_enforces_its_floors() {
    try_open(open_procedure()).unwrap();
    let p = open_procedure();
    let e = err(try_open(TenderParams { bid_deadline: T0 + 30 * DAY - 1, ..p.clone() }));
    assert!(e.contains("Open: the tender period must be at least 2592000 seconds"), "{e}");
    let e = err(try_open(TenderParams { reveal_deadline: p.bid_deadline + 3_600, ..p.clone() }));
    assert!(e.contains("reveal period"), "{e}");
    assert!(err(try_open(TenderParams { min_bids: 1, ..p.clone() })).contains("at least 2 bids"));
    assert!(err(try_open(TenderParams { standstill_secs: 10 * DAY - 1, ..p.clone() })).contains("standstill"));
    assert!(err(try_open(TenderParams { standstill_secs: 400 * DAY, ..p.clone() })).contains("a year"));
    let e = err(try_open(TenderParams { enquiry_end: p.bid_deadline - 10 * DAY + 1, ..p }));
    assert!(e.contains("enquiries must close at least 864000 seconds before"), "{e}");
}

#[test]
fn below_threshold_and_negotiation_floors() {
    let e = err(try_open(TenderParams { bid_deadline: T0 + 2 * DAY - 1, enquiry_end: T0 + 1, ..params() }));
    assert!(e.contains("BelowThreshold: the tender period"), "{e}");
    assert!(err(try_open(TenderParams { reveal_deadline: BID_DEADLINE + 3_599, ..params() })).contains("reveal"));
    assert!(err(try_open(TenderParams { standstill_secs: 2 * DAY - 1, ..params() })).contains("standstill"));
    try_open(TenderParams { enquiry_end: BID_DEADLINE - DAY, ..params() }).unwrap();
    assert!(err(try_open(TenderParams { enquiry_end: BID_DEADLINE - DAY + 1, ..params() })).contains("enquiries"));
    // Negotiation: no enquiry cutoff, ten days' standstill.
    let neg = TenderParams {
        procedure: Procedure::Negotiation,
        enquiry_end: BID_DEADLINE,
        standstill_secs: 10 * DAY,
        ..params()
    };
    try_open(neg.clone()).unwrap();
    assert!(err(try_open(TenderParams { standstill_secs: STANDSTILL, ..neg })).contains("Negotiation: the standstill"));
}

#[test]
fn requests_for_quotations_need_three_bids_and_price_only() {
    let rfq =
        TenderParams { procedure: Procedure::RequestForQuotations, standstill_secs: 5 * DAY, min_bids: 3, ..params() };
    assert!(err(try_open(TenderParams { min_bids: 2, ..rfq.clone() })).contains("at least 3 bids"));
    let cost = TenderParams { criterion: AwardCriterion::CostOnly, ..rfq.clone() };
    assert!(err(try_open(cost)).contains("price only"));
    // Three bids required per lot: two valid bids leave the lot unsuccessful.
    let (id, status) = to_evaluated(rfq, &[(A, 500, 0), (B, 400, 0)]);
    assert_eq!(status, LotStatus::Unsuccessful);
    assert_eq!(OpenTender::tender_status(id).unwrap(), TenderStatus::Unsuccessful);
}
