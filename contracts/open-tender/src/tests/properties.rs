//! Property tests: the award equals a plain reference implementation written
//! here (independent of `ranking.rs`), and no bid value is readable before
//! its reveal.

use super::*;
use proptest::prelude::*;

/// One bidder's random bid (often in a narrow band, so ties happen), qualification decision and score sheets.
#[derive(Clone, Debug)]
struct Case {
    price: u128,
    lcc: u128,
    rejected: bool,
    /// EVAL1 always scores; EVAL2 sometimes.
    sheet1: [u8; 2],
    sheet2: Option<[u8; 2]>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![100u128..130, 100u128..10_000],
        prop_oneof![0u128..30, 0u128..5_000],
        any::<bool>(),
        [0u8..=100, 0u8..=100],
        proptest::option::of([0u8..=100, 0u8..=100]),
    )
        .prop_map(|(price, lcc, rejected, sheet1, sheet2)| Case { price, lcc, rejected, sheet1, sheet2 })
}

/// The published rule, written out directly: index order = commitment order.
fn reference(criterion: AwardCriterion, cases: &[Case]) -> Option<(usize, Option<u128>)> {
    let valid: Vec<usize> = (0..cases.len()).filter(|i| !cases[*i].rejected).collect();
    let lowest = valid.iter().map(|i| cases[*i].price).min()?;
    let score = |c: &Case| {
        let n = 1 + c.sheet2.is_some() as u32;
        let m = |k: usize| (c.sheet1[k] as u32 + c.sheet2.map_or(0, |s| s[k] as u32)) / n;
        6_000 * (lowest * 100 / c.price) + 3_000 * m(0) as u128 + 1_000 * m(1) as u128
    };
    let mut best = valid[0];
    for &i in &valid[1..] {
        let (c, b) = (&cases[i], &cases[best]);
        let better = match criterion {
            AwardCriterion::PriceOnly => c.price < b.price,
            AwardCriterion::CostOnly => c.price + c.lcc < b.price + b.lcc,
            AwardCriterion::RatedCriteria => score(c) > score(b),
        };
        if better {
            best = i;
        }
    }
    Some((best, (criterion == AwardCriterion::RatedCriteria).then(|| score(&cases[best]))))
}

fn bidder(i: usize) -> Address {
    Address([0x20 + i as u8; 32])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn award_matches_the_reference(kind in 0usize..3, cases in proptest::collection::vec(case(), 2..7)) {
        let criterion = [AwardCriterion::PriceOnly, AwardCriterion::CostOnly, AwardCriterion::RatedCriteria][kind];
        let p = match criterion {
            AwardCriterion::RatedCriteria => rated_params(),
            c => TenderParams { criterion: c, ..params() },
        };
        let lcc = |c: &Case| if criterion == AwardCriterion::CostOnly { c.lcc } else { 0 };
        let bids: Vec<(Address, u128, u128)> =
            cases.iter().enumerate().map(|(i, c)| (bidder(i), c.price, lcc(c))).collect();
        let (id, status) = to_evaluated(p, &bids);
        prop_assert_eq!(status, LotStatus::Qualification);
        if criterion == AwardCriterion::RatedCriteria {
            for (i, c) in cases.iter().enumerate() {
                MockHost::call_as(EVAL1, || OpenTender::score_bid(id, 0, bidder(i), c.sheet1.to_vec())).unwrap();
                if let Some(s) = c.sheet2 {
                    MockHost::call_as(EVAL2, || OpenTender::score_bid(id, 0, bidder(i), s.to_vec())).unwrap();
                }
            }
        }
        for (i, c) in cases.iter().enumerate() {
            if c.rejected {
                // Fails only once the lot is unsuccessful (every bid rejected).
                let r = MockHost::call_as(BUYER, || OpenTender::reject_bidder(id, 0, bidder(i), "r".into()));
                prop_assert!(r.is_ok() || lot(id, 0).status == LotStatus::Unsuccessful);
            }
        }
        let mut got = MockHost::call_as(BUYER, || OpenTender::award(id, 0));
        if let Err(e) = &got {
            if e.0.contains("abnormally low") {
                let leader = lot(id, 0).candidate.unwrap();
                MockHost::call_as(leader, || OpenTender::explain_price(id, 0, [1; 32])).unwrap();
                MockHost::call_as(BUYER, || OpenTender::accept_explanation(id, 0, leader)).unwrap();
                got = MockHost::call_as(BUYER, || OpenTender::award(id, 0));
            }
        }
        let expected = reference(criterion, &cases);
        prop_assert_eq!(got.as_ref().ok().map(|a| (a.bidder, a.price, a.score)),
            expected.map(|(i, s)| (bidder(i), cases[i].price, s)));
        if expected.is_none() {
            prop_assert_eq!(lot(id, 0).status, LotStatus::Unsuccessful);
        }
    }

    #[test]
    fn no_bid_value_is_readable_before_its_reveal(
        prices in proptest::collection::btree_set(10_000u128..BUDGET, 1..7),
        revealed in proptest::collection::vec(any::<bool>(), 7),
    ) {
        let id = open_with(params(), lots(2));
        let prices: Vec<u128> = prices.into_iter().collect();
        for (i, p) in prices.iter().enumerate() {
            bid(id, (i % 2) as u32, bidder(i), *p);
        }
        for p in &prices {
            prop_assert!(!visible_anywhere(*p));
        }
        MockHost::set_time(BID_DEADLINE);
        for (i, p) in prices.iter().enumerate() {
            if revealed[i] {
                reveal(id, (i % 2) as u32, bidder(i), *p).unwrap();
            }
        }
        for (i, p) in prices.iter().enumerate() {
            prop_assert_eq!(visible_anywhere(*p), revealed[i]);
            let l = (i % 2) as u32;
            let view = OpenTender::bids(id, l).unwrap();
            let mine = view.iter().find(|b| b.bidder == bidder(i)).unwrap();
            prop_assert_eq!(mine.price, revealed[i].then_some(*p));
            prop_assert!(OpenTender::ranking(id, l).unwrap().is_empty());
            // Views of the tender and lots carry no bid value either.
            let views = (
                borsh::to_vec(&OpenTender::tender(id).unwrap()).unwrap(),
                borsh::to_vec(&OpenTender::lots(id).unwrap()).unwrap(),
            );
            let needle = p.to_le_bytes();
            prop_assert!(!views.0.windows(16).any(|w| w == needle) && !views.1.windows(16).any(|w| w == needle));
        }
    }
}

/// The auction against a plain model: turn order each round, final prices,
/// and the award to the lowest final price (earliest commitment on ties).
mod auction_model {
    use super::*;

    const STEP: u128 = 5;
    const TURN: u64 = 600;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn auction_follows_the_model(
            start in proptest::collection::vec(prop_oneof![1_000u128..1_010, 1_000u128..2_000], 2..6),
            rounds in 1u32..4,
            actions in proptest::collection::vec((0u8..4, 0u128..200), 60),
        ) {
            let config = AuctionConfig { rounds: Some(rounds), min_step: MinStep::Absolute(STEP), turn_secs: TURN };
            let p = TenderParams {
                auction: Some(config),
                ..params()
            };
            let bids: Vec<(Address, u128, u128)> = start.iter().enumerate().map(|(i, p)| (bidder(i), *p, 0)).collect();
            let (id, status) = to_evaluated(p, &bids);
            prop_assert_eq!(status, LotStatus::Auction);
            let mut prices = start.clone();
            let mut next_action = actions.iter();
            for _ in 0..rounds {
                let mut order: Vec<usize> = (0..prices.len()).collect();
                order.sort_by(|a, b| prices[*b].cmp(&prices[*a]).then(b.cmp(a)));
                for i in order {
                    let who = bidder(i);
                    prop_assert_eq!(OpenTender::auction(id, 0).unwrap().unwrap().current(), Some(who));
                    let (kind, extra) = *next_action.next().unwrap();
                    match kind {
                        1 if prices[i] > STEP + extra => {
                            let new = prices[i] - STEP - extra;
                            MockHost::call_as(who, || OpenTender::auction_bid(id, 0, new)).unwrap();
                            prices[i] = new;
                        }
                        2 => {
                            MockHost::advance_time(TURN);
                            MockHost::call_as(BUYER, || OpenTender::skip_turn(id, 0)).unwrap();
                        }
                        3 => {
                            let small = prices[i] - (STEP - 1);
                            prop_assert!(MockHost::call_as(who, || OpenTender::auction_bid(id, 0, small)).is_err());
                            MockHost::call_as(who, || OpenTender::auction_pass(id, 0)).unwrap();
                        }
                        _ => MockHost::call_as(who, || OpenTender::auction_pass(id, 0)).unwrap(),
                    }
                }
            }
            prop_assert_eq!(lot(id, 0).status, LotStatus::Qualification);
            let finals: Vec<u128> = OpenTender::bids(id, 0).unwrap().iter().map(|b| b.price.unwrap()).collect();
            prop_assert_eq!(&finals, &prices);
            let winner = (0..prices.len()).min_by_key(|i| (prices[*i], *i)).unwrap();
            let leader = lot(id, 0).candidate.unwrap();
            if OpenTender::bids(id, 0).unwrap().iter().any(|b| b.price_check == PriceCheck::Flagged) {
                MockHost::call_as(leader, || OpenTender::explain_price(id, 0, [1; 32])).unwrap();
                MockHost::call_as(BUYER, || OpenTender::accept_explanation(id, 0, leader)).unwrap();
            }
            let award = MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
            prop_assert_eq!((award.bidder, award.price), (bidder(winner), prices[winner]));
        }
    }
}
