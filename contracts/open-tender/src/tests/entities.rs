//! Who may open a tender: with a governance contract set at `init`, only its
//! registered procuring entities (asked through `is_procuring_entity`).

use super::*;

const GOVERNANCE_ADDR: Address = Address([0x60; 32]);

fn with_governance(entities: Vec<Address>) {
    MockHost::reset();
    MockHost::set_time(T0);
    MockHost::mock_contract(GOVERNANCE_ADDR, move |method, args| {
        assert_eq!(method, "is_procuring_entity");
        let (who,): (Address,) = borsh::from_slice(args).map_err(|e| alloc::string::ToString::to_string(&e))?;
        Ok(borsh::to_vec(&entities.contains(&who)).unwrap())
    });
    MockHost::call_as(Address::ZERO, || OpenTender::init(GOVERNANCE_ADDR)).unwrap();
}

#[test]
fn only_registered_procuring_entities_open_tenders() {
    with_governance(vec![BUYER]);
    let id = MockHost::call_as(BUYER, || OpenTender::open_tender(params(), lots(1))).unwrap();
    assert_eq!(id, 0);
    let refused = MockHost::call_as(A, || OpenTender::open_tender(params(), lots(1))).unwrap_err().0;
    assert!(refused.contains("is not a registered procuring entity"), "{refused}");
    assert_eq!(OpenTender::governance().unwrap(), Some(GOVERNANCE_ADDR));
    let again = MockHost::call_as(A, || OpenTender::init(A)).unwrap_err().0;
    assert!(again.contains("set once"), "{again}");
}

#[test]
fn without_governance_anyone_opens() {
    open_with(params(), lots(1));
    assert_eq!(OpenTender::governance().unwrap(), None);
}
