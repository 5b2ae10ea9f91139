//! `call_view`: read-only calls from one contract into another. The callee
//! sees its own storage, cannot write, cannot call further or back, and its
//! gas (at most 63/64 of what the caller has left) is charged to the caller.

use procura_primitives::Address;
use procura_vm::{CallContext, CallRequest, Contract, ContractWorld, MemStorage, Mode, Outcome, Storage, Vm, VmConfig};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `ask`: input = target address (32 bytes) || method name; calls that
/// method with no arguments and returns the host's packed Borsh
/// `Result<Vec<u8>, String>` unchanged.
const CALLER: &str = r#"
(module
  (import "procura_v1" "input_len" (func $input_len (result i32)))
  (import "procura_v1" "input_read" (func $input_read (param i32)))
  (import "procura_v1" "set_return" (func $set_return (param i32 i32)))
  (import "procura_v1" "buffer_read" (func $buffer_read (param i32)))
  (import "procura_v1" "storage_write" (func $write (param i32 i32 i32 i32)))
  (import "procura_v1" "call_view" (func $call_view (param i32 i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1 1)
  (func (export "ask")
    (local $len i64)
    (call $input_read (i32.const 0))
    ;; a write before the call: it must survive a failed callee
    (call $write (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1))
    (local.set $len (call $call_view (i32.const 0) (i32.const 32) (i32.sub (call $input_len) (i32.const 32))
                                      (i32.const 0) (i32.const 0)))
    (call $buffer_read (i32.const 1024))
    (call $set_return (i32.const 1024) (i32.wrap_i64 (local.get $len)))))
"#;

/// `answer` returns the value stored under "k"; `write` tries to write;
/// `spin` never ends; `ask` is the caller's, to try calling further.
const CALLEE: &str = r#"
(module
  (import "procura_v1" "storage_read" (func $read (param i32 i32) (result i64)))
  (import "procura_v1" "storage_write" (func $write (param i32 i32 i32 i32)))
  (import "procura_v1" "buffer_read" (func $buffer_read (param i32)))
  (import "procura_v1" "set_return" (func $set_return (param i32 i32)))
  (import "procura_v1" "call_view" (func $call_view (param i32 i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1 1)
  (data (i32.const 0) "k")
  (data (i32.const 64) "answer")
  (func (export "answer")
    (local $len i64)
    (local.set $len (call $read (i32.const 0) (i32.const 1)))
    (call $buffer_read (i32.const 1024))
    (call $set_return (i32.const 1024) (i32.wrap_i64 (local.get $len))))
  (func (export "write")
    (call $write (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1)))
  (func (export "spin") (loop $l (br $l)))
  ;; calls `answer` on the contract at address 0x0c.. (the caller's slot)
  ;; and returns the packed result
  (func (export "call_back")
    (local $len i64)
    (memory.fill (i32.const 256) (i32.const 0x0c) (i32.const 32))
    (local.set $len (call $call_view (i32.const 256) (i32.const 64) (i32.const 6) (i32.const 0) (i32.const 0)))
    (call $buffer_read (i32.const 1024))
    (call $set_return (i32.const 1024) (i32.wrap_i64 (local.get $len)))))
"#;

const CALLER_AT: Address = Address([0x0c; 32]);
const CALLEE_AT: Address = Address([0x0e; 32]);
const GAS: u64 = 10_000_000;

struct World(BTreeMap<Address, (Arc<Contract>, MemStorage)>);

impl ContractWorld for World {
    fn contract_at(&self, address: &Address) -> Option<(Arc<Contract>, Box<dyn Storage + '_>)> {
        self.0.get(address).map(|(c, s)| (c.clone(), Box::new(s) as Box<dyn Storage>))
    }
}

struct Setup {
    vm: Vm,
    caller: Arc<Contract>,
    world: World,
}

fn setup() -> Setup {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let caller = vm.prepare(&wat::parse_str(CALLER).unwrap()).unwrap();
    let callee = vm.prepare(&wat::parse_str(CALLEE).unwrap()).unwrap();
    let mut storage = MemStorage::default();
    storage.0.insert(b"k".to_vec(), b"eligible".to_vec());
    let mut world = World(BTreeMap::new());
    world.0.insert(CALLEE_AT, (callee, storage));
    world.0.insert(CALLER_AT, (caller.clone(), MemStorage::default()));
    Setup { vm, caller, world }
}

fn ask(s: &Setup, target: Address, method: &str) -> (Outcome, Result<Vec<u8>, String>) {
    let mut input = target.0.to_vec();
    input.extend_from_slice(method.as_bytes());
    let ctx = CallContext { caller: Address([1; 32]), contract: CALLER_AT, block_height: 1, block_time: 5 };
    let req = CallRequest { ctx, method: "ask", input: &input, gas_limit: GAS, mode: Mode::Call };
    let outcome = s.vm.execute_in(&s.caller, req, &MemStorage::default(), &s.world);
    assert!(outcome.is_ok(), "the caller itself must not fail: {:?}", outcome.status);
    let result = borsh::from_slice(&outcome.return_data).expect("packed result decodes");
    (outcome, result)
}

#[test]
fn a_view_reads_the_callees_own_storage() {
    let s = setup();
    let (outcome, result) = ask(&s, CALLEE_AT, "answer");
    assert_eq!(result, Ok(b"eligible".to_vec()));
    // The caller's own write is kept; the callee wrote nothing.
    assert_eq!(outcome.changes.len(), 1);
    let (again, _) = ask(&s, CALLEE_AT, "answer");
    assert_eq!(again.gas_used, outcome.gas_used, "gas is deterministic");
}

#[test]
fn the_callees_gas_is_charged_to_the_caller() {
    let s = setup();
    let (answered, _) = ask(&s, CALLEE_AT, "answer");
    let (callee, storage) = s.world.0.get(&CALLEE_AT).unwrap();
    let ctx = CallContext { caller: CALLER_AT, contract: CALLEE_AT, block_height: 1, block_time: 5 };
    let req = CallRequest { ctx, method: "answer", input: &[], gas_limit: GAS, mode: Mode::View };
    let alone = s.vm.execute(callee, req, storage).gas_used;
    // The caller pays the callee's whole cost, the call_view fee, and its own
    // instructions.
    assert!(answered.gas_used > alone + s.vm.gas_schedule().call_view.base, "{} vs {alone}", answered.gas_used);
}

#[test]
fn a_writing_callee_fails_and_the_caller_carries_on() {
    let s = setup();
    let (outcome, result) = ask(&s, CALLEE_AT, "write");
    assert_eq!(result, Err("a view call may not write state or emit events".to_string()));
    assert_eq!(outcome.changes.len(), 1, "only the caller's own write");
}

#[test]
fn a_spinning_callee_burns_63_64ths_and_the_caller_keeps_the_rest() {
    let s = setup();
    let (outcome, result) = ask(&s, CALLEE_AT, "spin");
    assert_eq!(result, Err("out of gas".to_string()));
    assert!(outcome.gas_used < GAS, "the caller finished with gas to spare");
    assert!(outcome.gas_used > GAS - GAS / 64 - 1, "the callee burned its whole share");
}

#[test]
fn views_cannot_call_further_or_back() {
    let s = setup();
    let (_, result) = ask(&s, CALLEE_AT, "call_back");
    let inner: Result<Vec<u8>, String> = borsh::from_slice(&result.unwrap()).unwrap();
    assert!(inner.unwrap_err().contains("cannot call further"));
    let (_, itself) = ask(&s, CALLER_AT, "ask");
    assert!(itself.unwrap_err().contains("already on the call stack"));
}

#[test]
fn a_top_level_view_may_make_one_call() {
    let s = setup();
    let (callee, _) = s.world.0.get(&CALLEE_AT).unwrap();
    // The same `call_back`, run as the outermost call, is one level deep:
    // the call is made (and fails only because the target has no `answer`).
    let ctx = CallContext { caller: Address([1; 32]), contract: CALLEE_AT, block_height: 1, block_time: 5 };
    let req = CallRequest { ctx, method: "call_back", input: &[], gas_limit: GAS, mode: Mode::View };
    let top = s.vm.execute_in(callee, req, &MemStorage::default(), &s.world);
    let inner: Result<Vec<u8>, String> = borsh::from_slice(&top.return_data).unwrap();
    assert_eq!(inner, Err("method `answer` not found".to_string()));
}

#[test]
fn unknown_contracts_and_methods_fail_cleanly() {
    let s = setup();
    let (_, missing) = ask(&s, Address([0x77; 32]), "answer");
    assert!(missing.unwrap_err().starts_with("no contract at"));
    let (_, no_method) = ask(&s, CALLEE_AT, "nope");
    assert_eq!(no_method, Err("method `nope` not found".to_string()));
}

#[test]
fn without_a_world_no_contract_is_reachable() {
    let s = setup();
    let mut input = CALLEE_AT.0.to_vec();
    input.extend_from_slice(b"answer");
    let ctx = CallContext { caller: Address([1; 32]), contract: CALLER_AT, block_height: 1, block_time: 5 };
    let req = CallRequest { ctx, method: "ask", input: &input, gas_limit: GAS, mode: Mode::Call };
    let outcome = s.vm.execute(&s.caller, req, &MemStorage::default());
    let result: Result<Vec<u8>, String> = borsh::from_slice(&outcome.return_data).unwrap();
    assert!(result.unwrap_err().starts_with("no contract at"));
}
