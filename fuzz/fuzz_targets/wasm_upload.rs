//! Code uploads: arbitrary bytes, and modules wasm-smith generates within
//! the features and imports contracts may use. Validation and compilation
//! (Cranelift) must answer with an `UploadError` or a contract, never panic;
//! an accepted module's methods then run with a small gas limit and must end
//! with a typed outcome that never exceeds it.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use procura_primitives::Address;
use procura_vm::{CallContext, CallRequest, MemStorage, Mode, Vm, VmConfig};
use std::sync::OnceLock;

const GAS: u64 = 200_000;

fn vm() -> &'static Vm {
    static VM: OnceLock<Vm> = OnceLock::new();
    VM.get_or_init(|| Vm::new(VmConfig::default()).expect("vm"))
}

/// wasm-smith configuration: only what `validate::allowed_features` allows,
/// a few host imports, and a `memory` plus two `[] -> []` methods.
fn smith_config() -> wasm_smith::Config {
    let imports = wat::parse_str(
        r#"(module
            (import "procura_v1" "storage_write" (func (param i32 i32 i32 i32)))
            (import "procura_v1" "storage_read" (func (param i32 i32) (result i64)))
            (import "procura_v1" "emit_event" (func (param i32 i32 i32 i32)))
            (import "procura_v1" "set_return" (func (param i32 i32)))
            (import "procura_v1" "block_height" (func (result i64))))"#,
    )
    .expect("imports");
    let exports =
        wat::parse_str(r#"(module (memory (export "memory") 1 4) (func (export "run")) (func (export "other")))"#)
            .expect("exports");
    wasm_smith::Config {
        available_imports: Some(imports),
        exports: Some(exports),
        simd_enabled: false,
        relaxed_simd_enabled: false,
        reference_types_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        multi_value_enabled: true,
        bulk_memory_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        max_memories: 1,
        max_tables: 1,
        max_table_elements: 64,
        max_memory32_bytes: 4 * 65536,
        allow_start_export: false,
        ..wasm_smith::Config::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let code = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        let mut u = Unstructured::new(rest);
        match wasm_smith::Module::new(smith_config(), &mut u) {
            Ok(m) => m.to_bytes(),
            Err(_) => return,
        }
    };
    let vm = vm();
    let Ok(contract) = vm.prepare_uncached(&code) else { return };
    let ctx = CallContext { caller: Address([1; 32]), contract: Address([2; 32]), block_height: 1, block_time: 1 };
    for method in contract.info.methods.clone() {
        for mode in [Mode::Call, Mode::View] {
            let req = CallRequest { ctx, method: &method, input: b"in", gas_limit: GAS, mode };
            let outcome = vm.execute(&contract, req, &MemStorage::default());
            assert!(outcome.gas_used <= GAS, "{method}: {} gas over the limit", outcome.gas_used);
            if outcome.status.is_err() {
                assert!(outcome.changes.is_empty() && outcome.events.is_empty());
            }
            if mode == Mode::View {
                assert!(outcome.changes.is_empty() && outcome.events.is_empty(), "a view wrote");
            }
        }
    }
});
