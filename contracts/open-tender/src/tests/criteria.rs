//! Award criteria: price only, cost only (price + life-cycle cost) and rated
//! criteria with evaluators' scores and the published formula.

use super::*;
use crate::events::*;

fn score(id: u64, who: Address, bidder: Address, s: &[u8]) -> ContractResult<()> {
    let s = s.to_vec();
    MockHost::call_as(who, || OpenTender::score_bid(id, 0, bidder, s))
}

#[test]
fn rated_criteria_configuration_is_checked() {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::set_caller(BUYER);
    let bad = |f: fn(&mut TenderParams)| {
        let mut p = rated_params();
        f(&mut p);
        err(MockHost::call(|| OpenTender::open_tender(p, lots(1))))
    };
    assert!(bad(|p| p.criteria[0].weight_bps = 9_000).contains("price weight"));
    assert!(bad(|p| p.criteria[0].weight_bps = 0).contains("positive weight"));
    assert!(bad(|p| p.criteria[0].name = " ".into()).contains("name"));
    assert!(bad(|p| p.criteria.clear()).contains("at least one non-price"));
    assert!(bad(|p| p.criterion = AwardCriterion::PriceOnly).contains("RatedCriteria"));
    assert!(bad(|p| p.evaluators = vec![EVAL1; MAX_EVALUATORS + 1]).contains("evaluators"));
    assert!(bad(|p| {
        p.procedure = Procedure::RequestForQuotations;
        p.min_bids = 3;
        p.standstill_secs = 5 * DAY;
    })
    .contains("price only"));
    MockHost::call(|| OpenTender::open_tender(rated_params(), lots(1))).unwrap();
    assert_eq!(opening::price_weight_bps(&rated_params().criteria), 6_000);
}

#[test]
fn cost_only_ranks_price_plus_life_cycle_cost() {
    let p = TenderParams { criterion: AwardCriterion::CostOnly, ..params() };
    let (id, _) = to_evaluated(p, &[(A, 500, 100), (B, 550, 0), (C, 450, 200)]);
    let ranking = OpenTender::ranking(id, 0).unwrap();
    assert_eq!(ranking.iter().map(|r| r.bidder).collect::<Vec<_>>(), vec![B, A, C]);
    let award = MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    assert_eq!((award.bidder, award.price, award.life_cycle_cost), (B, 550, 0));
}

#[test]
fn life_cycle_cost_is_only_declared_under_cost_only() {
    let id = open_with(params(), lots(1));
    submit(id, 0, A, 500, 10).unwrap();
    MockHost::set_time(BID_DEADLINE);
    assert!(err(reveal_cost(id, 0, A, 500, 10)).contains("only declared under CostOnly"));
}

#[test]
fn rated_award_follows_the_published_formula_with_mean_scores() {
    let (id, status) = to_evaluated(rated_params(), &[(A, 500, 0), (B, 400, 0)]);
    assert_eq!(status, LotStatus::Qualification);
    // Not ranked until every valid bid is scored.
    assert_eq!(lot(id, 0).candidate, None);
    score(id, EVAL1, A, &[90, 50]).unwrap();
    score(id, EVAL2, A, &[91, 51]).unwrap(); // mean (90, 50), rounded down
    assert!(err(MockHost::call_as(BUYER, || OpenTender::award(id, 0))).contains("no scores yet"));
    assert!(err(OpenTender::ranking(id, 0)).contains("no scores yet"));
    score(id, BUYER, B, &[40, 60]).unwrap(); // the buyer may score too
                                             // A: 6000 * (400*100/500) + 3000*90 + 1000*50 = 800_000
                                             // B: 6000 * 100 + 3000*40 + 1000*60 = 780_000
    let ranking = OpenTender::ranking(id, 0).unwrap();
    assert_eq!(
        ranking.iter().map(|r| (r.bidder, r.score)).collect::<Vec<_>>(),
        vec![(A, Some(800_000)), (B, Some(780_000))]
    );
    assert_eq!(lot(id, 0).candidate, Some(A));
    // A second evaluator's sheet for B changes its mean: (70, 80).
    score(id, EVAL2, B, &[100, 100]).unwrap();
    assert_eq!(lot(id, 0).candidate, Some(B));
    // An evaluator's new sheet replaces its earlier one.
    score(id, EVAL2, B, &[40, 60]).unwrap();
    assert_eq!(OpenTender::scores(id, 0).unwrap().len(), 4);
    let award = MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    assert_eq!((award.bidder, award.price, award.score), (A, 500, Some(800_000)));
    assert_eq!(payloads::<BidScored>(BID_SCORED).len(), 5);
    // Scores are frozen once awarded.
    assert!(err(score(id, EVAL1, B, &[1, 1])).contains("Standstill"));
}

#[test]
fn equal_scores_go_to_the_earlier_commitment() {
    let (id, _) = to_evaluated(rated_params(), &[(C, 400, 0), (A, 400, 0)]);
    score(id, EVAL1, A, &[50, 50]).unwrap();
    score(id, EVAL1, C, &[50, 50]).unwrap();
    assert_eq!(MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap().bidder, C);
}

#[test]
fn scoring_checks_role_state_and_sheet() {
    let id = open_with(rated_params(), lots(1));
    bid(id, 0, A, 500);
    bid(id, 0, B, 400);
    bid(id, 0, C, 450);
    MockHost::set_time(BID_DEADLINE);
    reveal(id, 0, A, 500).unwrap();
    reveal(id, 0, B, 400).unwrap();
    assert!(err(score(id, EVAL1, A, &[1, 1])).contains("Bidding"));
    MockHost::set_time(REVEAL_DEADLINE);
    MockHost::call(|| OpenTender::evaluate_lot(id, 0)).unwrap();
    assert!(err(score(id, A, B, &[1, 1])).contains("only the buyer or an evaluator"));
    assert!(err(score(id, EVAL1, A, &[1])).contains("one score per"));
    assert!(err(score(id, EVAL1, A, &[101, 1])).contains("0 to 100"));
    assert!(err(score(id, EVAL1, C, &[1, 1])).contains("only valid"));
    assert!(err(score(id, EVAL1, D, &[1, 1])).contains("no bid"));
    let (pid, _) = to_evaluated(params(), &[(A, 500, 0), (B, 400, 0)]);
    assert!(err(MockHost::call_as(BUYER, || OpenTender::score_bid(pid, 0, A, vec![1]))).contains("not RatedCriteria"));
}

#[test]
fn rejecting_a_bid_changes_the_lowest_price_for_the_others() {
    let (id, _) = to_evaluated(rated_params(), &[(A, 200, 0), (B, 400, 0), (C, 500, 0)]);
    for (who, s) in [(A, [0u8, 0]), (B, [80, 80]), (C, [100, 100])] {
        score(id, EVAL1, who, &s).unwrap();
    }
    // lowest 200: B = 6000*50 + 4000*80 = 620_000; C = 6000*40 + 400_000 = 640_000.
    assert_eq!(lot(id, 0).candidate, Some(C));
    MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, A, "no licence".into())).unwrap();
    // lowest 400: B = 600_000 + 320_000 = 920_000; C = 6000*80 + 400_000 = 880_000.
    assert_eq!(lot(id, 0).candidate, Some(B));
}
