//! Native unit tests against the SDK's mock host: one per rule, happy path
//! and each rejection.
extern crate std;

use super::*;
use alloc::string::ToString;
use alloc::vec;
use procura_sdk::testing::MockHost;

const BUYER: Address = Address([0xb0; 32]);
const A: Address = Address([0x0a; 32]);
const B: Address = Address([0x0b; 32]);
const C: Address = Address([0x0c; 32]);
const T0: u64 = 1_000_000;
const BID_DEADLINE: u64 = T0 + 100;
const REVEAL_DEADLINE: u64 = T0 + 200;
const STANDSTILL: u64 = 864_000;

fn params() -> TenderParams {
    TenderParams {
        description_hash: [7; 32],
        budget: 1_000_000,
        currency: "EUR".into(),
        bid_deadline: BID_DEADLINE,
        reveal_deadline: REVEAL_DEADLINE,
        min_bids: 2,
        standstill_secs: STANDSTILL,
    }
}

fn salt(who: Address) -> [u8; 32] {
    [who.0[0] ^ 0x55; 32]
}

fn open() -> u64 {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::call_as(BUYER, || SealedBid::open_tender(params())).unwrap()
}

fn bid(id: u64, who: Address, price: u128) {
    let c = commitment(&Bid { tender_id: id, bidder: who, price }, &salt(who));
    MockHost::call_as(who, || SealedBid::submit_bid(id, c)).unwrap();
}

fn reveal(id: u64, who: Address, price: u128) -> ContractResult<()> {
    MockHost::call_as(who, || SealedBid::reveal_bid(id, Bid { tender_id: id, bidder: who, price }, salt(who)))
}

fn err<T: core::fmt::Debug>(r: ContractResult<T>) -> String {
    r.expect_err("expected the call to fail").0
}

/// Opens a tender, bids (A 500, B 300, C 300 after B), reveals all, evaluates.
fn to_qualification() -> u64 {
    let id = open();
    bid(id, A, 500);
    bid(id, B, 300);
    bid(id, C, 300);
    MockHost::set_time(BID_DEADLINE);
    for (who, p) in [(A, 500), (B, 300), (C, 300)] {
        reveal(id, who, p).unwrap();
    }
    MockHost::set_time(REVEAL_DEADLINE);
    assert_eq!(SealedBid::evaluate(id).unwrap(), Stage::Qualification);
    id
}

#[test]
fn open_tender_validates_parameters() {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::set_caller(BUYER);
    let bad = |f: fn(&mut TenderParams)| {
        let mut p = params();
        f(&mut p);
        err(MockHost::call(|| SealedBid::open_tender(p)))
    };
    assert!(bad(|p| p.bid_deadline = T0).contains("future"));
    assert!(bad(|p| p.reveal_deadline = p.bid_deadline).contains("reveal deadline"));
    assert!(bad(|p| p.budget = 0).contains("budget"));
    assert!(bad(|p| p.min_bids = 0).contains("at least one"));
    assert!(bad(|p| p.standstill_secs = u64::MAX).contains("standstill"));
    assert!(bad(|p| p.currency = "euro".into()).contains("ISO 4217"));
    assert_eq!(SealedBid::tender_count().unwrap(), 0);
    assert_eq!(MockHost::call(|| SealedBid::open_tender(params())).unwrap(), 0);
    assert_eq!(MockHost::call(|| SealedBid::open_tender(params())).unwrap(), 1);
    assert_eq!(MockHost::topics(), vec![TENDER_OPENED, TENDER_OPENED]);
    assert_eq!(SealedBid::tender(0).unwrap().buyer, BUYER);
}

#[test]
fn commitments_reveal_nothing_and_one_bid_per_bidder() {
    let id = open();
    bid(id, A, 500);
    bid(id, A, 450); // replaces
    let bids = SealedBid::bids(id).unwrap();
    assert_eq!(bids.len(), 1);
    assert_eq!(bids[0].price, None);
    assert_eq!(bids[0].seq, 1);
    assert_eq!(SealedBid::tender(id).unwrap().live_bids, 1);
    // Storage holds only the commitment: no encoding of the price appears.
    let price_le = 450u128.to_le_bytes();
    for value in MockHost::storage().values() {
        assert!(!value.windows(16).any(|w| w == price_le), "a bid value is readable before reveal");
    }
    let submitted: Vec<_> = MockHost::events().into_iter().filter(|e| e.topic == BID_SUBMITTED).collect();
    let last: events::BidSubmitted = borsh::from_slice(&submitted[1].payload).unwrap();
    assert!(last.replaced);
}

#[test]
fn bidding_rules_check_role_time_and_stage() {
    let id = open();
    assert!(err(MockHost::call_as(BUYER, || SealedBid::submit_bid(id, [1; 32]))).contains("buyer cannot bid"));
    assert!(err(MockHost::call_as(A, || SealedBid::submit_bid(99, [1; 32]))).contains("does not exist"));
    assert!(err(MockHost::call_as(A, || SealedBid::withdraw_bid(id))).contains("no bid"));
    bid(id, A, 500);
    MockHost::call_as(A, || SealedBid::withdraw_bid(id)).unwrap();
    assert_eq!(SealedBid::bids(id).unwrap().len(), 0);
    bid(id, A, 500);
    MockHost::set_time(BID_DEADLINE);
    assert!(err(MockHost::call_as(B, || SealedBid::submit_bid(id, [1; 32]))).contains("deadline has passed"));
    assert!(err(MockHost::call_as(A, || SealedBid::withdraw_bid(id))).contains("deadline has passed"));
}

#[test]
fn reveal_checks_commitment_window_and_budget() {
    let id = open();
    bid(id, A, 500);
    bid(id, B, 2_000_000); // over budget
    assert!(err(reveal(id, A, 500)).contains("reveals open"));
    MockHost::set_time(BID_DEADLINE);
    assert!(err(reveal(id, A, 400)).contains("does not match"));
    let forged =
        MockHost::call_as(C, || SealedBid::reveal_bid(id, Bid { tender_id: id, bidder: A, price: 500 }, salt(A)));
    assert!(err(forged).contains("no bid"));
    assert!(err(reveal(id, B, 2_000_000)).contains("exceeds the budget"));
    reveal(id, A, 500).unwrap();
    assert!(err(reveal(id, A, 500)).contains("already revealed"));
    MockHost::set_time(REVEAL_DEADLINE);
    assert!(err(reveal(id, B, 2_000_000)).contains("reveal deadline has passed"));
    // B never revealed a valid bid: only A counts, below min_bids = 2.
    assert_eq!(SealedBid::evaluate(id).unwrap(), Stage::Unsuccessful);
    assert!(MockHost::topics().contains(&TENDER_UNSUCCESSFUL.to_string()));
}

#[test]
fn evaluation_waits_for_the_reveal_deadline() {
    let id = open();
    MockHost::set_time(BID_DEADLINE);
    assert!(err(MockHost::call(|| SealedBid::evaluate(id))).contains("still open"));
}

#[test]
fn award_goes_to_lowest_price_and_ties_to_earlier_commitment() {
    let id = to_qualification();
    assert!(err(MockHost::call_as(A, || SealedBid::award(id))).contains("only the buyer"));
    let award = MockHost::call_as(BUYER, || SealedBid::award(id)).unwrap();
    assert_eq!((award.bidder, award.price), (B, 300)); // B committed before C
    assert_eq!(award.standstill_ends, REVEAL_DEADLINE + STANDSTILL);
    assert_eq!(SealedBid::tender(id).unwrap().stage, Stage::Standstill);
}

#[test]
fn rejection_cascades_to_the_next_bid() {
    let id = to_qualification();
    assert!(err(MockHost::call_as(BUYER, || SealedBid::reject_bidder(id, B, " ".into()))).contains("reason"));
    MockHost::call_as(BUYER, || SealedBid::reject_bidder(id, B, "missing licence".into())).unwrap();
    let award = MockHost::call_as(BUYER, || SealedBid::award(id)).unwrap();
    assert_eq!(award.bidder, C);
    // Rejecting the awardee during standstill revokes the award.
    MockHost::call_as(BUYER, || SealedBid::reject_bidder(id, C, "false declaration".into())).unwrap();
    assert_eq!(SealedBid::tender(id).unwrap().stage, Stage::Qualification);
    assert_eq!(MockHost::call_as(BUYER, || SealedBid::award(id)).unwrap().bidder, A);
    MockHost::call_as(BUYER, || SealedBid::reject_bidder(id, A, "abnormally low".into())).unwrap();
    assert_eq!(SealedBid::tender(id).unwrap().stage, Stage::Unsuccessful);
}

#[test]
fn standstill_complaint_suspends_until_resolved() {
    let id = to_qualification();
    MockHost::call_as(BUYER, || SealedBid::award(id)).unwrap();
    assert!(err(MockHost::call_as(BUYER, || SealedBid::complain(id, "x".into()))).contains("only a bidder"));
    MockHost::call_as(A, || SealedBid::complain(id, "B's price is abnormally low".into())).unwrap();
    MockHost::set_time(REVEAL_DEADLINE + STANDSTILL);
    assert!(err(MockHost::call(|| SealedBid::finalize(id))).contains("Suspended"));
    assert!(err(MockHost::call_as(A, || SealedBid::resolve_complaint(id, false, "".into()))).contains("only the buyer"));
    MockHost::call_as(BUYER, || SealedBid::resolve_complaint(id, false, "dismissed".into())).unwrap();
    let award = MockHost::call(|| SealedBid::finalize(id)).unwrap();
    assert_eq!(award.bidder, B);
    assert_eq!(SealedBid::tender(id).unwrap().stage, Stage::Awarded);
}

#[test]
fn upheld_complaint_returns_to_qualification() {
    let id = to_qualification();
    MockHost::call_as(BUYER, || SealedBid::award(id)).unwrap();
    MockHost::call_as(C, || SealedBid::complain(id, "tie broken wrongly".into())).unwrap();
    MockHost::call_as(BUYER, || SealedBid::resolve_complaint(id, true, "re-evaluate".into())).unwrap();
    let t = SealedBid::tender(id).unwrap();
    assert_eq!((t.stage, t.award), (Stage::Qualification, None));
}

#[test]
fn finalize_waits_for_the_standstill_and_complaints_close_with_it() {
    let id = to_qualification();
    MockHost::call_as(BUYER, || SealedBid::award(id)).unwrap();
    assert!(err(MockHost::call(|| SealedBid::finalize(id))).contains("has not ended"));
    MockHost::set_time(REVEAL_DEADLINE + STANDSTILL);
    assert!(err(MockHost::call_as(A, || SealedBid::complain(id, "late".into()))).contains("over"));
    assert!(err(MockHost::call_as(BUYER, || SealedBid::reject_bidder(id, B, "late".into()))).contains("award stands"));
    MockHost::call(|| SealedBid::finalize(id)).unwrap();
    assert!(err(MockHost::call(|| SealedBid::finalize(id))).contains("Awarded"));
}

#[test]
fn cancel_only_by_buyer_before_award() {
    let id = open();
    assert!(err(MockHost::call_as(A, || SealedBid::cancel(id, "x".into()))).contains("only the buyer"));
    assert!(err(MockHost::call_as(BUYER, || SealedBid::cancel(id, "".into()))).contains("reason"));
    MockHost::call_as(BUYER, || SealedBid::cancel(id, "budget withdrawn".into())).unwrap();
    assert!(err(MockHost::call_as(A, || SealedBid::submit_bid(id, [0; 32]))).contains("Cancelled"));
    let id = to_qualification();
    MockHost::call_as(BUYER, || SealedBid::award(id)).unwrap();
    assert!(err(MockHost::call_as(BUYER, || SealedBid::cancel(id, "late".into()))).contains("cannot cancel"));
}

#[test]
fn a_failed_call_leaves_no_trace() {
    let id = open();
    let before = MockHost::storage();
    let events = MockHost::events().len();
    assert!(MockHost::call_as(BUYER, || SealedBid::submit_bid(id, [0; 32])).is_err());
    assert_eq!(MockHost::storage(), before);
    assert_eq!(MockHost::events().len(), events);
}

#[test]
fn abi_lists_calls_and_views() {
    let abi: &str = SealedBid::ABI_JSON;
    assert!(abi.contains(r#"{"args":[{"name":"tender_id","type":"u64"},{"name":"commitment","type":"[u8;32]"}],"kind":"call","name":"submit_bid","returns":"()"}"#), "{abi}");
    assert!(abi.contains(r#""kind":"view","name":"bids","returns":"Vec<BidRecord>""#), "{abi}");
}

mod award_rule_properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// For any bid set and rejections, the award equals a plain
        /// reference: the lowest price among revealed, unrejected bids,
        /// earliest commitment first.
        #[test]
        fn award_matches_reference(prices in proptest::collection::vec(1u128..2_000, 2..8), rejected in proptest::collection::vec(any::<bool>(), 8)) {
            let id = open();
            let bidders: Vec<Address> = (0..prices.len()).map(|i| Address([i as u8 + 1; 32])).collect();
            for (who, p) in bidders.iter().zip(&prices) { bid(id, *who, *p); }
            MockHost::set_time(BID_DEADLINE);
            for (who, p) in bidders.iter().zip(&prices) { reveal(id, *who, *p).unwrap(); }
            MockHost::set_time(REVEAL_DEADLINE);
            SealedBid::evaluate(id).unwrap();
            for (i, who) in bidders.iter().enumerate() {
                if rejected[i] {
                    let _ = MockHost::call_as(BUYER, || SealedBid::reject_bidder(id, *who, "r".into()));
                }
            }
            let expected = bidders.iter().zip(&prices).enumerate()
                .filter(|(i, _)| !rejected[*i])
                .min_by_key(|(i, (_, p))| (**p, *i))
                .map(|(_, (w, p))| (*w, *p));
            let got = MockHost::call_as(BUYER, || SealedBid::award(id)).ok().map(|a| (a.bidder, a.price));
            prop_assert_eq!(got, expected);
        }
    }
}
