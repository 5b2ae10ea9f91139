//! Reverse e-auction: turn order, minimal step, passes, timeouts, rounds,
//! final prices into qualification.

use super::*;
use crate::events::*;

const TURN: u64 = 3_600;

fn auction_params(rounds: Option<u32>, min_step: MinStep) -> TenderParams {
    TenderParams { auction: Some(AuctionConfig { rounds, min_step, turn_secs: TURN }), ..params() }
}

fn lower(id: u64, who: Address, price: u128) -> ContractResult<()> {
    MockHost::call_as(who, || OpenTender::auction_bid(id, 0, price))
}

fn pass(id: u64, who: Address) -> ContractResult<()> {
    MockHost::call_as(who, || OpenTender::auction_pass(id, 0))
}

fn state(id: u64) -> AuctionState {
    OpenTender::auction(id, 0).unwrap().expect("an auction")
}

#[test]
fn bidders_move_in_turn_from_the_highest_price_over_three_rounds() {
    let p = auction_params(None, MinStep::Bps(100)); // 1% of the budget: 10_000
    let (id, status) = to_evaluated(p, &[(A, 800_000, 0), (B, 700_000, 0), (C, 900_000, 0)]);
    assert_eq!(status, LotStatus::Auction);
    let s = state(id);
    assert_eq!((s.round, s.rounds, s.min_step, s.order.clone()), (1, 3, 10_000, vec![C, A, B]));
    assert_eq!(s.turn_deadline, REVEAL_DEADLINE + TURN);
    assert_eq!(payloads::<AuctionStarted>(AUCTION_STARTED)[0].first, C);
    // Round 1.
    assert!(err(lower(id, A, 600_000)).contains("not your turn"));
    assert!(err(lower(id, C, 890_001)).contains("minimal step"));
    assert!(err(lower(id, C, 0)).contains("positive"));
    lower(id, C, 650_000).unwrap();
    pass(id, A).unwrap();
    lower(id, B, 640_000).unwrap();
    // Round 2: re-ordered by current price: A 800k, C 650k, B 640k.
    let s = state(id);
    assert_eq!((s.round, s.order.clone(), s.turn), (2, vec![A, C, B], 0));
    assert!(err(MockHost::call_as(D, || OpenTender::skip_turn(id, 0))).contains("not timed out"));
    MockHost::advance_time(TURN);
    assert!(err(pass(id, A)).contains("timed out"));
    MockHost::call_as(D, || OpenTender::skip_turn(id, 0)).unwrap(); // anyone
    pass(id, C).unwrap();
    pass(id, B).unwrap();
    // Round 3.
    assert_eq!(state(id).round, 3);
    lower(id, A, 600_000).unwrap();
    pass(id, C).unwrap();
    assert_eq!(lot(id, 0).status, LotStatus::Auction);
    pass(id, B).unwrap();
    let s = state(id);
    assert!(s.finished);
    assert_eq!(s.current(), None);
    let l = lot(id, 0);
    assert_eq!((l.status, l.candidate), (LotStatus::Qualification, Some(A)));
    let finished = &payloads::<AuctionFinished>(AUCTION_FINISHED)[0];
    assert_eq!(finished.prices, vec![(A, 600_000), (B, 640_000), (C, 650_000)]);
    let moves = payloads::<AuctionMove>(AUCTION_MOVE);
    assert_eq!(moves.len(), 9);
    assert!(moves[3].skipped && moves[3].bidder == A && moves[3].new_price.is_none());
    let bids = OpenTender::bids(id, 0).unwrap();
    assert_eq!((bids[0].price, bids[0].revealed_price), (Some(600_000), Some(800_000)));
    assert!(err(pass(id, C)).contains("Qualification"));
    let award = MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap();
    assert_eq!((award.bidder, award.price), (A, 600_000));
}

#[test]
fn a_lot_with_a_single_valid_bid_skips_the_auction() {
    let p = TenderParams { min_bids: 1, ..auction_params(Some(1), MinStep::Absolute(5)) };
    let (id, status) = to_evaluated(p, &[(A, 800, 0)]);
    assert_eq!(status, LotStatus::Qualification);
    assert_eq!(OpenTender::auction(id, 0).unwrap(), None);
    assert!(err(pass(id, A)).contains("Qualification"));
}

#[test]
fn equal_prices_move_later_commitment_first() {
    let p = auction_params(Some(1), MinStep::Absolute(5));
    let (id, _) = to_evaluated(p, &[(A, 800, 0), (B, 800, 0)]);
    assert_eq!(state(id).order, vec![B, A]);
    lower(id, B, 795).unwrap();
    assert!(err(lower(id, A, 796)).contains("minimal step"), "the step counts from the own price");
    lower(id, A, 790).unwrap();
    assert_eq!(lot(id, 0).candidate, Some(A));
}

#[test]
fn rated_criteria_apply_to_the_final_auction_prices() {
    let p = TenderParams {
        auction: Some(AuctionConfig { rounds: Some(1), min_step: MinStep::Absolute(1_000), turn_secs: TURN }),
        ..rated_params()
    };
    let (id, _) = to_evaluated(p, &[(A, 500_000, 0), (B, 400_000, 0)]);
    // Scores may be recorded while the auction runs.
    MockHost::call_as(EVAL1, || OpenTender::score_bid(id, 0, A, vec![50, 50])).unwrap();
    MockHost::call_as(EVAL1, || OpenTender::score_bid(id, 0, B, vec![50, 50])).unwrap();
    assert_eq!(lot(id, 0).candidate, None, "no candidate during the auction");
    lower(id, A, 390_000).unwrap();
    pass(id, B).unwrap();
    let ranking = OpenTender::ranking(id, 0).unwrap();
    // A: 6000*100 + 4000*50 = 800_000; B: 6000*(390000*100/400000 = 97) + 200_000 = 782_000.
    assert_eq!(
        ranking.iter().map(|r| (r.bidder, r.score)).collect::<Vec<_>>(),
        vec![(A, Some(800_000)), (B, Some(782_000))]
    );
    assert_eq!(MockHost::call_as(BUYER, || OpenTender::award(id, 0)).unwrap().bidder, A);
}

#[test]
fn auction_configuration_is_checked() {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::set_caller(BUYER);
    let bad = |rounds, step, turn_secs| {
        let p = TenderParams { auction: Some(AuctionConfig { rounds, min_step: step, turn_secs }), ..params() };
        err(MockHost::call(|| OpenTender::open_tender(p, lots(1))))
    };
    assert!(bad(Some(0), MinStep::Bps(10), TURN).contains("rounds"));
    assert!(bad(Some(11), MinStep::Bps(10), TURN).contains("rounds"));
    assert!(bad(None, MinStep::Bps(0), TURN).contains("minimal step"));
    assert!(bad(None, MinStep::Bps(5_001), TURN).contains("minimal step"));
    assert!(bad(None, MinStep::Absolute(0), TURN).contains("minimal step"));
    assert!(bad(None, MinStep::Bps(10), 10).contains("turn"));
    assert_eq!(AuctionConfig { rounds: None, min_step: MinStep::Bps(1), turn_secs: TURN }.step_for(50), 1);
}
