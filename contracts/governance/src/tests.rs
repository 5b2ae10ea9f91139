//! Native unit tests against the mock host: the threshold, each refusal,
//! and each kind of change.
extern crate std;

use super::*;
use procura_sdk::testing::MockHost;

const G1: Address = Address([1; 32]);
const G2: Address = Address([2; 32]);
const G3: Address = Address([3; 32]);
const OUTSIDER: Address = Address([9; 32]);
const BUYER: Address = Address([0xb0; 32]);

fn setup() {
    MockHost::reset();
    let config = GovernanceConfig {
        governors: alloc::vec![G1, G2, G3],
        threshold: 2,
        procuring_entities: alloc::vec![G1],
        validators: alloc::vec![[7; 32]],
    };
    MockHost::call_as(Address::ZERO, || Governance::init(config)).unwrap();
}

fn err<T: core::fmt::Debug>(r: ContractResult<T>) -> alloc::string::String {
    r.expect_err("expected the call to fail").0
}

#[test]
fn a_change_needs_the_threshold_of_governor_approvals() {
    setup();
    let id = MockHost::call_as(G1, || Governance::propose(Change::AddProcuringEntity(BUYER))).unwrap();
    assert!(err(MockHost::call_as(G1, || Governance::execute(id))).contains("has 1 of the 2 approvals"));
    assert!(!Governance::is_procuring_entity(BUYER).unwrap());
    assert!(err(MockHost::call_as(G1, || Governance::approve(id))).contains("already approved"));
    assert!(err(MockHost::call_as(OUTSIDER, || Governance::approve(id))).contains("is not a governor"));
    assert!(err(MockHost::call_as(OUTSIDER, || Governance::propose(Change::AddValidator([8; 32]))))
        .contains("is not a governor"));
    assert_eq!(MockHost::call_as(G2, || Governance::approve(id)).unwrap(), 2);
    MockHost::call_as(G3, || Governance::execute(id)).unwrap();
    assert!(Governance::is_procuring_entity(BUYER).unwrap());
    assert!(err(MockHost::call_as(G3, || Governance::execute(id))).contains("already executed"));
}

#[test]
fn validator_changes_keep_at_least_one_validator() {
    setup();
    let pass = |change: Change| {
        let id = MockHost::call_as(G1, || Governance::propose(change)).unwrap();
        MockHost::call_as(G2, || Governance::approve(id)).unwrap();
        MockHost::call_as(G2, || Governance::execute(id))
    };
    pass(Change::AddValidator([8; 32])).unwrap();
    assert_eq!(Governance::validators().unwrap(), alloc::vec![[7; 32], [8; 32]]);
    pass(Change::RemoveValidator([7; 32])).unwrap();
    assert!(err(pass(Change::RemoveValidator([8; 32]))).contains("last validator"));
    assert_eq!(Governance::validators().unwrap(), alloc::vec![[8; 32]]);
}

#[test]
fn new_governors_make_pending_proposals_lapse() {
    setup();
    let stale = MockHost::call_as(G1, || Governance::propose(Change::AddProcuringEntity(BUYER))).unwrap();
    let id = MockHost::call_as(G1, || Governance::propose(Change::SetGovernors(alloc::vec![G3], 1))).unwrap();
    MockHost::call_as(G2, || Governance::approve(id)).unwrap();
    MockHost::call_as(G1, || Governance::execute(id)).unwrap();
    assert!(err(MockHost::call_as(G3, || Governance::approve(stale))).contains("lapsed"));
    assert!(
        err(MockHost::call_as(G1, || Governance::propose(Change::AddValidator([8; 32])))).contains("not a governor")
    );
    let impossible = Change::SetGovernors(alloc::vec![G1], 2);
    assert!(err(MockHost::call_as(G3, || Governance::propose(impossible))).contains("threshold"));
}

#[test]
fn genesis_configuration_is_checked() {
    MockHost::reset();
    let bad = |governors: alloc::vec::Vec<Address>, threshold| {
        let config = GovernanceConfig {
            governors,
            threshold,
            procuring_entities: alloc::vec![],
            validators: alloc::vec![[7; 32]],
        };
        err(MockHost::call_as(Address::ZERO, || Governance::init(config)))
    };
    assert!(bad(alloc::vec![G1], 2).contains("threshold"));
    assert!(bad(alloc::vec![G1, G1], 1).contains("twice"));
    assert!(bad(alloc::vec![], 1).contains("governors"));
}
