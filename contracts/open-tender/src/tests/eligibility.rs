//! Eligibility through the supplier registry (`is_eligible(supplier, at)`),
//! mocked natively with `MockHost::mock_contract`.

use super::*;
use alloc::rc::Rc;
use core::cell::RefCell;

fn with_registry() -> u64 {
    open_with(TenderParams { registry: Some(REGISTRY), ..params() }, lots(1))
}

/// The registry answers from a fixed list and records what it was asked.
fn mock_registry(eligible: Vec<Address>) -> Rc<RefCell<Vec<(String, Address, u64)>>> {
    let asked = Rc::new(RefCell::new(Vec::new()));
    let log = asked.clone();
    MockHost::mock_contract(REGISTRY, move |method, args| {
        let (who, at): (Address, u64) = borsh::from_slice(args).map_err(|e| e.to_string())?;
        log.borrow_mut().push((method.to_string(), who, at));
        Ok(borsh::to_vec(&eligible.contains(&who)).unwrap())
    });
    asked
}

use alloc::string::ToString;

#[test]
fn eligible_bidders_bid_and_ineligible_ones_are_refused() {
    let id = with_registry();
    let asked = mock_registry(vec![A]);
    MockHost::set_time(T0 + 60);
    bid(id, 0, A, 500);
    let e = err(submit(id, 0, B, 400, 0));
    assert!(e.contains("not eligible according to the supplier registry"), "{e}");
    assert_eq!(OpenTender::bids(id, 0).unwrap().len(), 1);
    assert_eq!(*asked.borrow(), vec![("is_eligible".to_string(), A, T0 + 60), ("is_eligible".to_string(), B, T0 + 60)]);
}

#[test]
fn a_missing_or_failing_registry_refuses_the_bid() {
    let id = with_registry();
    let e = err(submit(id, 0, A, 500, 0));
    assert!(e.contains("view `is_eligible`") && e.contains("failed"), "{e}");
    MockHost::mock_contract(REGISTRY, |_, _| Ok(vec![7, 7]));
    assert!(err(submit(id, 0, A, 500, 0)).contains("unexpected value"));
    MockHost::mock_contract(REGISTRY, |_, _| Err("supplier registry paused".into()));
    assert!(err(submit(id, 0, A, 500, 0)).contains("paused"));
}

#[test]
fn without_a_registry_nobody_is_asked() {
    let id = open_with(params(), lots(1));
    let asked = mock_registry(vec![]);
    bid(id, 0, A, 500);
    assert!(asked.borrow().is_empty());
}
