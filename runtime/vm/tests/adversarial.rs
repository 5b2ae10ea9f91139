//! Hostile and edge-case modules: each ends in a typed failure (at upload or
//! at run time), is charged gas, and changes nothing.

use procura_primitives::Address;
use procura_vm::{CallContext, CallRequest, ExecError, MemStorage, Mode, Outcome, UploadError, Vm, VmConfig};

const GAS: u64 = 50_000_000;

fn wasm(wat_src: &str) -> Vec<u8> {
    wat::parse_str(wat_src).expect("fixture parses")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ctx() -> CallContext {
    CallContext { caller: Address([1; 32]), contract: Address([2; 32]), block_height: 7, block_time: 1_700_000_000 }
}

fn run(vm: &Vm, code: &[u8], method: &str, input: &[u8], mode: Mode, storage: &MemStorage) -> Outcome {
    let contract = vm.prepare(code).expect("upload accepted");
    vm.execute(&contract, CallRequest { ctx: ctx(), method, input, gas_limit: GAS, mode }, storage)
}

fn call(code: &[u8], method: &str) -> Outcome {
    let vm = Vm::new(VmConfig::default()).unwrap();
    run(&vm, code, method, &[], Mode::Call, &MemStorage::default())
}

fn assert_failed_cleanly(o: &Outcome) {
    assert!(o.status.is_err());
    assert!(o.changes.is_empty(), "a failed call must not change state");
    assert!(o.events.is_empty() && o.return_data.is_empty());
    assert!(o.gas_used > 0 && o.gas_used <= GAS);
}

#[test]
fn infinite_loop_runs_out_of_gas() {
    let o = call(&fixture("infinite_loop"), "run");
    assert_eq!(o.status, Err(ExecError::OutOfGas));
    assert_eq!(o.gas_used, GAS, "out of gas burns the whole limit");
    assert_failed_cleanly(&o);
}

#[test]
fn unbounded_memory_growth_hits_the_memory_limit() {
    let o = call(&fixture("memory_bomb"), "run");
    assert!(matches!(o.status, Err(ExecError::MemoryLimit(_))), "{:?}", o.status);
    assert_eq!(o.gas_used, GAS, "a trap burns the whole limit");
    assert_failed_cleanly(&o);
}

#[test]
fn memory_over_the_host_limit_is_refused_at_upload_or_trapped() {
    let declared_too_big = wasm(r#"(module (memory (export "memory") 1 257) (func (export "run")))"#);
    let vm = Vm::new(VmConfig::default()).unwrap();
    assert!(matches!(vm.prepare(&declared_too_big), Err(UploadError::MemoryTooLarge { pages: 257, limit: 256 })));
}

#[test]
fn deep_recursion_exhausts_the_wasm_stack() {
    let o = call(&fixture("deep_recursion"), "run");
    assert_eq!(o.status, Err(ExecError::StackOverflow));
    assert_eq!(o.gas_used, GAS, "a trap burns the whole limit");
    assert_failed_cleanly(&o);
}

#[test]
fn float_results_are_canonical_nans() {
    let o = call(&fixture("floats"), "run");
    assert_eq!(o.status, Ok(()));
    let f64_at = |i: usize| u64::from_le_bytes(o.return_data[i..i + 8].try_into().unwrap());
    let f32_bits = u32::from_le_bytes(o.return_data[24..28].try_into().unwrap());
    for i in [0, 8, 16] {
        assert_eq!(f64_at(i), 0x7ff8_0000_0000_0000, "f64 NaN #{i} is not canonical");
    }
    assert_eq!(f32_bits, 0x7fc0_0000);
}

#[test]
fn forbidden_import_is_refused_at_upload() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    match vm.prepare(&fixture("forbidden_import")) {
        Err(UploadError::ForbiddenImport { module, name, .. }) => {
            assert_eq!((module.as_str(), name.as_str()), ("wasi_snapshot_preview1", "clock_time_get"))
        }
        other => panic!("expected ForbiddenImport, got {:?}", other.err()),
    }
    let unknown_host_fn =
        wasm(r#"(module (import "procura_v1" "random" (func)) (memory (export "memory") 1 1) (func (export "run")))"#);
    assert!(matches!(vm.prepare(&unknown_host_fn), Err(UploadError::ForbiddenImport { .. })));
    let wrong_signature = wasm(
        r#"(module (import "procura_v1" "block_height" (func (result i32))) (memory (export "memory") 1 1) (func (export "run")))"#,
    );
    assert!(
        matches!(vm.prepare(&wrong_signature), Err(UploadError::ImportSignature(..))),
        "{:?}",
        vm.prepare(&wrong_signature).err()
    );
}

#[test]
fn huge_return_value_is_refused() {
    let o = call(&fixture("huge_return"), "run");
    assert!(matches!(&o.status, Err(ExecError::LimitExceeded(m)) if m.contains("return value")), "{:?}", o.status);
    assert_failed_cleanly(&o);
}

#[test]
fn host_call_floods_run_out_of_gas_without_changes() {
    let code = fixture("host_call_flood");
    for method in ["run", "write"] {
        let o = call(&code, method);
        assert_eq!(o.status, Err(ExecError::OutOfGas), "{method}");
        assert_eq!(o.gas_used, GAS);
        assert_failed_cleanly(&o);
    }
}

#[test]
fn forbidden_features_and_shapes_are_refused_with_the_rule_named() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let refuse = |src: &str| vm.prepare(&wasm(src)).err().expect("refused");
    assert!(matches!(vm.prepare(&fixture("simd")).err(), Some(UploadError::ForbiddenFeature(_))));
    assert_eq!(
        refuse(r#"(module (memory (export "memory") 1) (func (export "run")))"#),
        UploadError::MemoryWithoutMaximum
    );
    assert_eq!(refuse(r#"(module (func (export "run")))"#), UploadError::MemoryCount(0));
    assert_eq!(refuse(r#"(module (memory (export "memory") 1 1) (func $s) (start $s))"#), UploadError::StartFunction);
    assert_eq!(refuse(r#"(module (memory 1 1) (func (export "run")))"#), UploadError::MissingExport("memory"));
    assert_eq!(
        refuse(r#"(module (memory (export "memory") 1 1) (func (export "run") (param i32)))"#),
        UploadError::ExportSignature("run".into())
    );
    assert!(matches!(
        refuse(r#"(module (memory (export "memory") 1 1) (func (export "run") (local i32 i32) (local i64)) (func (local i32)))"#.replace("(local i64)", &"(local i64)".repeat(2000)).as_str()),
        UploadError::TooManyLocals { function: 0, .. }
    ));
    assert!(matches!(vm.prepare(b"\0asm\x01\0\0\0\x01"), Err(UploadError::Malformed(_))));
    let mut big = VmConfig::default();
    big.limits.max_code_size = 10;
    let small_vm = Vm::new(big).unwrap();
    assert!(matches!(small_vm.prepare(&fixture("storage")), Err(UploadError::TooLarge { limit: 10, .. })));
    // Threads: a shared memory is refused.
    assert!(matches!(
        refuse(r#"(module (memory (export "memory") 1 1 shared) (func (export "run")))"#),
        UploadError::ForbiddenFeature(_)
    ));
}

#[test]
fn writes_in_a_view_fail() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let o = run(&vm, &fixture("storage"), "put", b"v", Mode::View, &MemStorage::default());
    assert_eq!(o.status, Err(ExecError::WriteInView));
    assert_failed_cleanly(&o);
}

#[test]
fn abort_discards_earlier_writes_and_reports_the_message() {
    let o = call(&fixture("storage"), "fail");
    assert_eq!(o.status, Err(ExecError::Aborted("refused on purpose".into())));
    assert_failed_cleanly(&o);
}

#[test]
fn successful_call_returns_changes_events_and_data() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let code = fixture("storage");
    let mut storage = MemStorage::default();
    let o = run(&vm, &code, "put", b"hello", Mode::Call, &storage);
    assert_eq!(o.status, Ok(()));
    assert_eq!(o.return_data, b"hello");
    assert_eq!(o.events.len(), 1);
    assert_eq!((o.events[0].topic.as_str(), o.events[0].payload.as_slice()), ("stored", b"hello".as_slice()));
    assert_eq!(o.events[0].contract, Address([2; 32]));
    assert_eq!(o.changes.0.get(b"k".as_slice()), Some(&Some(b"hello".to_vec())));
    storage.apply(&o.changes);
    let read = run(&vm, &code, "get", &[], Mode::View, &storage);
    assert_eq!(read.return_data, b"hello");
    // Same call, same gas, every time.
    let again = run(&vm, &code, "put", b"hello", Mode::Call, &MemStorage::default());
    assert_eq!(again, o);
}

#[test]
fn unknown_method_and_tiny_gas_fail_typed() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let code = fixture("storage");
    let o = run(&vm, &code, "nope", &[], Mode::Call, &MemStorage::default());
    assert_eq!(o.status, Err(ExecError::MethodNotFound("nope".into())));
    let contract = vm.prepare(&code).unwrap();
    let req = CallRequest { ctx: ctx(), method: "put", input: b"x", gas_limit: 10, mode: Mode::Call };
    let o = vm.execute(&contract, req, &MemStorage::default());
    assert_eq!((o.status, o.gas_used), (Err(ExecError::OutOfGas), 10));
}

#[test]
fn work_before_a_trap_is_never_free() {
    let spin_then_trap = wasm(
        r#"(module (memory (export "memory") 1 1)
             (func (export "run") (local $i i32)
               (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br_if $l (i32.lt_u (local.get $i) (i32.const 1000000))))
               unreachable))"#,
    );
    let o = call(&spin_then_trap, "run");
    assert!(matches!(o.status, Err(ExecError::Trap(_))), "{:?}", o.status);
    assert_eq!(o.gas_used, GAS);
}

#[test]
fn memory_grow_is_charged_per_page() {
    let grow =
        wasm(r#"(module (memory (export "memory") 1 256) (func (export "run") (drop (memory.grow (i32.const 100)))))"#);
    let none =
        wasm(r#"(module (memory (export "memory") 1 256) (func (export "run") (drop (memory.grow (i32.const 0)))))"#);
    let (g, n) = (call(&grow, "run"), call(&none, "run"));
    assert_eq!((g.status.clone(), n.status.clone()), (Ok(()), Ok(())));
    assert_eq!(g.gas_used - n.gas_used, 100 * 255);
}

#[test]
fn bulk_memory_is_metered_per_byte() {
    let o = call(&fixture("storage"), "fill");
    assert_eq!(o.status, Ok(()));
    assert!(o.gas_used > 1_048_576, "memory.fill of 1 MiB cost only {} gas", o.gas_used);
}

#[test]
fn compiled_modules_persist_on_disk_and_corruption_means_recompile() {
    let dir = tempfile::tempdir().unwrap();
    let config = VmConfig { cache_dir: Some(dir.path().to_path_buf()), ..VmConfig::default() };
    let code = fixture("storage");
    let first = Vm::new(config.clone()).unwrap();
    let o1 = run(&first, &code, "put", b"abc", Mode::Call, &MemStorage::default());
    assert_eq!(first.cache_stats().compiled, 1);
    drop(first);

    let restarted = Vm::new(config.clone()).unwrap();
    let o2 = run(&restarted, &code, "put", b"abc", Mode::Call, &MemStorage::default());
    let stats = restarted.cache_stats();
    assert_eq!((stats.compiled, stats.disk_hits), (0, 1));
    assert_eq!(o1, o2, "a module loaded from disk behaves identically");

    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
    }
    let after_corruption = Vm::new(config).unwrap();
    let o3 = run(&after_corruption, &code, "put", b"abc", Mode::Call, &MemStorage::default());
    assert_eq!(after_corruption.cache_stats().compiled, 1, "a corrupt cache file is recompiled, not loaded");
    assert_eq!(o1, o3);
}
