//! Native unit tests against the SDK's mock host, split by topic; each rule
//! has its happy path and its rejections (role, time, state, commitment,
//! budget). Shared fixtures are here.
extern crate std;

mod alt;
mod amendments;
mod auction;
mod complaints;
mod criteria;
mod eligibility;
mod enquiries;
mod entities;
mod lots;
mod presets;
mod properties;

use crate::*;
use alloc::vec;
use alloc::vec::Vec;
use procura_sdk::testing::MockHost;
use procurement_core::DAY;

pub const BUYER: Address = Address([0xb0; 32]);
pub const A: Address = Address([0x0a; 32]);
pub const B: Address = Address([0x0b; 32]);
pub const C: Address = Address([0x0c; 32]);
pub const D: Address = Address([0x0d; 32]);
pub const EVAL1: Address = Address([0xe1; 32]);
pub const EVAL2: Address = Address([0xe2; 32]);
pub const REVIEW: Address = Address([0x8e; 32]);
pub const REGISTRY: Address = Address([0x76; 32]);
pub const T0: u64 = 1_000_000;
pub const ENQUIRY_END: u64 = T0 + 5 * DAY;
pub const BID_DEADLINE: u64 = T0 + 10 * DAY;
pub const REVEAL_DEADLINE: u64 = BID_DEADLINE + DAY;
pub const STANDSTILL: u64 = 2 * DAY;
pub const BUDGET: u128 = 1_000_000;

/// Below-threshold, price only, two bids required, no auction.
pub fn params() -> TenderParams {
    TenderParams {
        procedure: Procedure::BelowThreshold,
        criterion: AwardCriterion::PriceOnly,
        criteria: vec![],
        evaluators: vec![],
        currency: "EUR".into(),
        documents_hash: [7; 32],
        enquiry_end: ENQUIRY_END,
        bid_deadline: BID_DEADLINE,
        reveal_deadline: REVEAL_DEADLINE,
        standstill_secs: STANDSTILL,
        min_bids: 2,
        registry: None,
        review_body: None,
        auction: None,
    }
}

pub fn rated_params() -> TenderParams {
    TenderParams {
        criterion: AwardCriterion::RatedCriteria,
        criteria: vec![
            Criterion { name: "quality".into(), weight_bps: 3_000 },
            Criterion { name: "delivery".into(), weight_bps: 1_000 },
        ],
        evaluators: vec![EVAL1, EVAL2],
        ..params()
    }
}

pub fn lots(n: usize) -> Vec<LotParams> {
    (0..n).map(|i| LotParams { value: BUDGET, description_hash: [i as u8; 32] }).collect()
}

/// Fresh host at T0; the buyer opens a tender.
pub fn open_with(p: TenderParams, l: Vec<LotParams>) -> u64 {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::call_as(BUYER, || OpenTender::open_tender(p, l)).unwrap()
}

pub fn open() -> u64 {
    open_with(params(), lots(2))
}

pub fn salt(who: Address) -> [u8; 32] {
    [who.0[0] ^ 0x55; 32]
}

pub fn the_bid(id: u64, lot: u32, who: Address, price: u128, lcc: u128) -> Bid {
    Bid { tender_id: id, lot_id: lot, bidder: who, price, life_cycle_cost: lcc }
}

pub fn sealed(id: u64, lot: u32, who: Address, price: u128, lcc: u128) -> [u8; 32] {
    commitment(&the_bid(id, lot, who, price, lcc), &salt(who))
}

pub fn submit(id: u64, lot: u32, who: Address, price: u128, lcc: u128) -> ContractResult<()> {
    let c = sealed(id, lot, who, price, lcc);
    MockHost::call_as(who, || OpenTender::submit_bid(id, lot, c))
}

pub fn bid(id: u64, lot: u32, who: Address, price: u128) {
    submit(id, lot, who, price, 0).unwrap()
}

pub fn reveal_cost(id: u64, lot: u32, who: Address, price: u128, lcc: u128) -> ContractResult<()> {
    MockHost::call_as(who, || OpenTender::reveal_bid(id, lot, the_bid(id, lot, who, price, lcc), salt(who)))
}

pub fn reveal(id: u64, lot: u32, who: Address, price: u128) -> ContractResult<()> {
    reveal_cost(id, lot, who, price, 0)
}

pub fn err<T: core::fmt::Debug>(r: ContractResult<T>) -> String {
    r.expect_err("expected the call to fail").0
}

/// Bids (price, life-cycle cost) in lot 0 of a tender opened with `p`,
/// reveals them all and evaluates the lot.
pub fn to_evaluated(p: TenderParams, bids: &[(Address, u128, u128)]) -> (u64, LotStatus) {
    let id = open_with(p, lots(1));
    for (who, price, lcc) in bids {
        submit(id, 0, *who, *price, *lcc).unwrap();
    }
    MockHost::set_time(BID_DEADLINE);
    for (who, price, lcc) in bids {
        reveal_cost(id, 0, *who, *price, *lcc).unwrap();
    }
    MockHost::set_time(REVEAL_DEADLINE);
    let status = MockHost::call(|| OpenTender::evaluate_lot(id, 0)).unwrap();
    (id, status)
}

/// Price-only lot 0 in qualification with A 400, B 300, C 300 (B before C).
pub fn to_qualification() -> u64 {
    let (id, status) = to_evaluated(params(), &[(A, 400, 0), (B, 300, 0), (C, 300, 0)]);
    assert_eq!(status, LotStatus::Qualification);
    id
}

pub fn lot(id: u64, l: u32) -> Lot {
    OpenTender::lot(id, l).unwrap()
}

/// Decoded payloads of every event with this topic.
pub fn payloads<T: borsh::BorshDeserialize>(topic: &str) -> Vec<T> {
    MockHost::events()
        .into_iter()
        .filter(|e| e.topic == topic)
        .map(|e| borsh::from_slice(&e.payload).unwrap())
        .collect()
}

pub fn has_topic(topic: &str) -> bool {
    MockHost::topics().iter().any(|t| t == topic)
}

/// True if the 16 little-endian bytes of `value` appear in any stored value
/// or event payload.
pub fn visible_anywhere(value: u128) -> bool {
    let needle = value.to_le_bytes();
    let hit = |bytes: &[u8]| bytes.windows(16).any(|w| w == needle);
    MockHost::storage().values().any(|v| hit(v)) || MockHost::events().iter().any(|e| hit(&e.payload))
}
