//! The supplier registry as real Wasm: its lifecycle with gas per step, and
//! `is_eligible` answered through a cross-contract view.

use procura_harness::{contract_wasm, Harness};
use procura_primitives::Address;
use procura_vm::Mode;
use supplier_registry::Supplier;

const OPERATOR: Address = Address([0x0f; 32]);
const ACME: Address = Address([0xa1; 32]);
const DAY: u64 = 86_400;
const T0: u64 = 1_767_225_600;

#[test]
fn registry_lifecycle_runs_as_wasm() {
    let mut h = Harness::new(&contract_wasm("supplier-registry"));
    h.set_time(T0).set_caller(OPERATOR);
    let init = h.run("init", &borsh::to_vec(&(OPERATOR,)).unwrap(), Mode::Init);
    assert!(init.is_ok(), "{:?}", init.status);
    let mut gas = vec![("init", init.gas_used)];
    let mut step = |h: &mut Harness, name: &'static str, caller: Address, method: &str, args: Vec<u8>| {
        h.set_caller(caller);
        let o = h.run(method, &args, Mode::Call);
        assert!(o.is_ok(), "{name}: {:?}", o.status);
        gas.push((name, o.gas_used));
    };
    step(&mut h, "register", ACME, "register", borsh::to_vec(&("UA-EDR:40996564", "Acme LLC")).unwrap());
    step(&mut h, "add_document", ACME, "add_document", borsh::to_vec(&("tax-clearance", [7u8; 32])).unwrap());
    assert!(h.view::<_, bool>("is_eligible", &(ACME, T0)));
    h.set_time(T0 + DAY);
    step(&mut h, "debar", OPERATOR, "debar", borsh::to_vec(&(ACME, T0 + 31 * DAY, "bid rigging")).unwrap());
    assert!(!h.view::<_, bool>("is_eligible", &(ACME, T0 + DAY)));
    assert!(h.view::<_, bool>("is_eligible", &(ACME, T0 + 31 * DAY)));
    h.set_time(T0 + 2 * DAY);
    step(&mut h, "lift_debarment", OPERATOR, "lift_debarment", borsh::to_vec(&(ACME, "appeal upheld")).unwrap());
    assert!(h.view::<_, bool>("is_eligible", &(ACME, T0 + 2 * DAY)));

    h.set_caller(ACME);
    let refused = h.call("debar", &(ACME, T0 + 9 * DAY, "self-debarment"));
    assert!(refused.status.unwrap_err().to_string().contains("only the registry operator"));

    let supplier: Supplier = h.view("supplier", &(ACME,));
    assert_eq!((supplier.documents.len(), supplier.debarments.len()), (1, 1));
    println!("supplier-registry gas per step:");
    for (name, g) in gas {
        println!("  {name:<16} {g:>9}");
    }
}
