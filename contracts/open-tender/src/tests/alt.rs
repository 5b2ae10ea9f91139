//! Abnormally low tenders (Art. 69): flag, explanation, acceptance or
//! rejection with cascade.

use super::*;
use crate::alt::is_abnormally_low;
use crate::events::*;

#[test]
fn the_thresholds_are_forty_percent_below_the_mean_or_thirty_below_the_next() {
    assert!(is_abnormally_low(400, &[500, 1_500], 500), "40% below the mean (1000)");
    assert!(is_abnormally_low(350, &[500], 500), "exactly 30% below the next");
    assert!(!is_abnormally_low(351, &[500], 500));
    assert!(is_abnormally_low(600, &[1_000], 2_000), "mean*6 boundary: 6000 <= 6000");
    assert!(!is_abnormally_low(400, &[500, 600], 500));
    assert!(!is_abnormally_low(1, &[], 0), "alone, nothing to compare with");
}

#[test]
fn a_flagged_price_blocks_the_award_until_explained_and_accepted() {
    let (id, _) = to_evaluated(params(), &[(A, 300, 0), (B, 500, 0), (C, 600, 0)]);
    let flagged = payloads::<AbnormallyLow>(ABNORMALLY_LOW_FLAGGED);
    assert_eq!(flagged.len(), 1);
    assert_eq!((flagged[0].bidder, flagged[0].others_mean, flagged[0].next_price), (A, 550, 500));
    assert_eq!(OpenTender::bids(id, 0).unwrap()[0].price_check, PriceCheck::Flagged);
    assert!(err(MockHost::call_as(BUYER, || OpenTender::award(id, 0))).contains("abnormally low"));
    assert!(err(MockHost::call_as(BUYER, || OpenTender::accept_explanation(id, 0, A))).contains("not explained"));
    assert!(err(MockHost::call_as(B, || OpenTender::explain_price(id, 0, [9; 32]))).contains("not flagged"));
    MockHost::call_as(A, || OpenTender::explain_price(id, 0, [9; 32])).unwrap();
    assert_eq!(payloads::<PriceExplained>(PRICE_EXPLAINED)[0].document_hash, [9; 32]);
    assert!(err(MockHost::call_as(BUYER, || OpenTender::award(id, 0))).contains("abnormally low"));
    assert!(err(MockHost::call_as(A, || OpenTender::accept_explanation(id, 0, A))).contains("only the buyer"));
    MockHost::call_as(BUYER, || OpenTender::accept_explanation(id, 0, A)).unwrap();
    assert!(has_topic(EXPLANATION_ACCEPTED));
    let award = MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    assert_eq!((award.bidder, award.price), (A, 300));
    // Explanations belong to qualification.
    assert!(err(MockHost::call_as(A, || OpenTender::explain_price(id, 0, [1; 32]))).contains("Standstill"));
}

#[test]
fn rejecting_a_flagged_bid_cascades_and_rechecks_the_next() {
    let (id, _) = to_evaluated(params(), &[(A, 100, 0), (B, 300, 0), (C, 500, 0), (D, 520, 0)]);
    assert_eq!(payloads::<AbnormallyLow>(ABNORMALLY_LOW_FLAGGED).len(), 1);
    MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, A, "price not credible".into())).unwrap();
    // B (300) is 40% below the mean of C and D (510): flagged in turn.
    let flagged = payloads::<AbnormallyLow>(ABNORMALLY_LOW_FLAGGED);
    assert_eq!(flagged.iter().map(|f| f.bidder).collect::<Vec<_>>(), vec![A, B]);
    assert!(err(MockHost::call_as(A, || OpenTender::explain_price(id, 0, [1; 32]))).contains("rejected"));
    MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, B, "price not credible".into())).unwrap();
    assert_eq!(lot(id, 0).candidate, Some(C));
    assert_eq!(MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap().bidder, C);
}

#[test]
fn normal_prices_are_not_flagged() {
    let (id, _) = to_evaluated(params(), &[(A, 400, 0), (B, 500, 0), (C, 600, 0)]);
    assert!(!has_topic(ABNORMALLY_LOW_FLAGGED));
    assert_eq!(MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap().bidder, A);
}
