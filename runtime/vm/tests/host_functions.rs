//! Host functions that the sealed-bid contract does not exercise: sha256,
//! ed25519 verification, environment accessors, debug logs, and prefix
//! iteration over pending writes.

use ed25519_dalek::{Signer, SigningKey};
use procura_primitives::Address;
use procura_vm::{CallContext, CallRequest, MemStorage, Mode, Outcome, Vm, VmConfig};

const CRYPTO: &str = r#"
(module
  (import "procura_v1" "input_len" (func $input_len (result i32)))
  (import "procura_v1" "input_read" (func $input_read (param i32)))
  (import "procura_v1" "set_return" (func $set_return (param i32 i32)))
  (import "procura_v1" "sha256" (func $sha256 (param i32 i32 i32)))
  (import "procura_v1" "ed25519_verify" (func $verify (param i32 i32 i32 i32) (result i32)))
  (import "procura_v1" "caller" (func $caller (param i32)))
  (import "procura_v1" "block_time" (func $time (result i64)))
  (import "procura_v1" "debug_log" (func $log (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 512) "hello from wasm")
  ;; input = sig(64) || pk(32) || msg ; returns i32 verdict
  (func (export "verify")
    (call $input_read (i32.const 0))
    (i32.store (i32.const 1024)
      (call $verify (i32.const 0) (i32.const 64) (i32.const 96) (i32.sub (call $input_len) (i32.const 96))))
    (call $set_return (i32.const 1024) (i32.const 4)))
  ;; returns sha256(input)
  (func (export "hash")
    (call $input_read (i32.const 0))
    (call $sha256 (i32.const 0) (call $input_len) (i32.const 1024))
    (call $set_return (i32.const 1024) (i32.const 32)))
  ;; returns caller(32) || block_time(8), logs a line
  (func (export "env")
    (call $caller (i32.const 0))
    (i64.store (i32.const 32) (call $time))
    (call $log (i32.const 512) (i32.const 15))
    (call $set_return (i32.const 0) (i32.const 40))))
"#;

const ITERATE: &str = r#"
(module
  (import "procura_v1" "storage_write" (func $write (param i32 i32 i32 i32)))
  (import "procura_v1" "storage_remove" (func $remove (param i32 i32) (result i32)))
  (import "procura_v1" "storage_next" (func $next (param i32 i32 i32 i32) (result i64)))
  (import "procura_v1" "buffer_read" (func $buffer_read (param i32)))
  (import "procura_v1" "set_return" (func $set_return (param i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 0) "p2p3")
  ;; writes p2, removes p3 (pending, over a base that has p1 p3 p4), then
  ;; walks prefix "p" returning the concatenated keys
  (func (export "walk")
    (local $len i64) (local $out i32) (local $klen i32)
    (call $write (i32.const 0) (i32.const 2) (i32.const 0) (i32.const 1))
    (drop (call $remove (i32.const 2) (i32.const 2)))
    (local.set $out (i32.const 4096))
    (local.set $len (call $next (i32.const 0) (i32.const 1) (i32.const 0) (i32.const -1)))
    (block $done
      (loop $l
        (br_if $done (i64.lt_s (local.get $len) (i64.const 0)))
        (call $buffer_read (i32.const 1024))
        (local.set $klen (i32.load (i32.const 1024)))
        (memory.copy (local.get $out) (i32.const 1028) (local.get $klen))
        (local.set $out (i32.add (local.get $out) (local.get $klen)))
        (memory.copy (i32.const 2048) (i32.const 1028) (local.get $klen))
        (local.set $len (call $next (i32.const 0) (i32.const 1) (i32.const 2048) (local.get $klen)))
        (br $l)))
    (call $set_return (i32.const 4096) (i32.sub (local.get $out) (i32.const 4096)))))
"#;

fn exec(src: &str, method: &str, input: &[u8], storage: &MemStorage) -> Outcome {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let contract = vm.prepare(&wat::parse_str(src).unwrap()).unwrap();
    let ctx = CallContext { caller: Address([9; 32]), contract: Address([8; 32]), block_height: 3, block_time: 1_234 };
    vm.execute(&contract, CallRequest { ctx, method, input, gas_limit: 10_000_000, mode: Mode::Call }, storage)
}

#[test]
fn sha256_matches_the_standard_vector() {
    let o = exec(CRYPTO, "hash", b"abc", &MemStorage::default());
    assert_eq!(hex::encode(o.return_data), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[test]
fn ed25519_verify_accepts_good_and_rejects_tampered_signatures() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let msg = b"bid 42 for tender 7";
    let mut input = key.sign(msg).to_bytes().to_vec();
    input.extend_from_slice(key.verifying_key().as_bytes());
    input.extend_from_slice(msg);
    let verdict = |input: &[u8]| exec(CRYPTO, "verify", input, &MemStorage::default()).return_data;
    assert_eq!(verdict(&input), 1i32.to_le_bytes());
    let mut tampered = input.clone();
    *tampered.last_mut().unwrap() ^= 1;
    assert_eq!(verdict(&tampered), 0i32.to_le_bytes());
}

#[test]
fn environment_and_debug_log() {
    let o = exec(CRYPTO, "env", &[], &MemStorage::default());
    assert_eq!(&o.return_data[..32], &[9; 32]);
    assert_eq!(u64::from_le_bytes(o.return_data[32..40].try_into().unwrap()), 1_234);
    assert_eq!(o.logs, vec!["hello from wasm".to_string()]);
}

#[test]
fn prefix_iteration_sees_pending_writes_and_removals_in_order() {
    let mut base = MemStorage::default();
    for k in ["p1", "p3", "p4", "q1"] {
        base.0.insert(k.as_bytes().to_vec(), vec![0]);
    }
    let o = exec(ITERATE, "walk", &[], &base);
    assert_eq!(o.status, Ok(()));
    assert_eq!(String::from_utf8(o.return_data).unwrap(), "p1p2p4");
}

/// A module whose ABI marks `setup` as init, `peek` as a view that (wrongly)
/// writes, and `poke` as a call; `hidden` is exported but not in the ABI.
const WITH_ABI: &str = r#"
(module
  (import "procura_v1" "storage_write" (func $write (param i32 i32 i32 i32)))
  (memory (export "memory") 1 1)
  (func $w (call $write (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1)))
  (func (export "setup") (call $w))
  (func (export "peek") (call $w))
  (func (export "poke") (call $w))
  (func (export "hidden") (call $w))
  (@custom "procura_abi" "{\"contract\":\"T\",\"abi_version\":1,\"methods\":[{\"name\":\"setup\",\"kind\":\"init\",\"args\":[],\"returns\":\"()\"},{\"name\":\"peek\",\"kind\":\"view\",\"args\":[],\"returns\":\"()\"},{\"name\":\"poke\",\"kind\":\"call\",\"args\":[],\"returns\":\"()\"}]}"))
"#;

#[test]
fn the_abi_decides_what_can_be_called_and_how() {
    use procura_vm::ExecError;
    let vm = Vm::new(VmConfig::default()).unwrap();
    let contract = vm.prepare(&wat::parse_str(WITH_ABI).unwrap()).unwrap();
    let ctx = CallContext { caller: Address([9; 32]), contract: Address([8; 32]), block_height: 1, block_time: 1 };
    let go = |method: &str, mode: Mode| {
        vm.execute(
            &contract,
            CallRequest { ctx, method, input: &[], gas_limit: 1_000_000, mode },
            &MemStorage::default(),
        )
        .status
    };
    assert_eq!(go("setup", Mode::Init), Ok(()));
    assert_eq!(go("setup", Mode::Call), Err(ExecError::InitOnly("setup".into())));
    assert!(matches!(go("poke", Mode::Init), Err(ExecError::MethodNotFound(_))));
    assert_eq!(go("poke", Mode::Call), Ok(()));
    assert_eq!(go("poke", Mode::View), Err(ExecError::WriteInView));
    assert_eq!(go("peek", Mode::Call), Err(ExecError::WriteInView), "a view method cannot write even in a transaction");
    assert_eq!(go("hidden", Mode::Call), Err(ExecError::MethodNotFound("hidden".into())));
}

#[test]
fn an_abi_naming_a_missing_method_is_refused() {
    let src = r#"(module (memory (export "memory") 1 1)
      (@custom "procura_abi" "{\"contract\":\"T\",\"abi_version\":1,\"methods\":[{\"name\":\"ghost\",\"kind\":\"call\",\"args\":[],\"returns\":\"()\"}]}"))"#;
    let vm = Vm::new(VmConfig::default()).unwrap();
    assert!(
        matches!(vm.prepare(&wat::parse_str(src).unwrap()), Err(procura_vm::UploadError::BadAbi(m)) if m.contains("ghost"))
    );
    let garbage = r#"(module (memory (export "memory") 1 1) (@custom "procura_abi" "not json"))"#;
    assert!(matches!(vm.prepare(&wat::parse_str(garbage).unwrap()), Err(procura_vm::UploadError::BadAbi(_))));
}
