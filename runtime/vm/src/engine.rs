//! The wasmtime engine, configured for deterministic execution.

use crate::gas::GasSchedule;
use crate::limits::{Limits, PAGE};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, OperatorCost, OptLevel, PoolingAllocationConfig, Strategy,
    WasmFeatures,
};

/// Linear memory (per pool slot) reset by copying/zeroing in place when an
/// instance is dropped instead of `madvise`, and tables likewise: one call
/// per transaction made those syscalls (and the page faults after them) a
/// fifth of a `submit_bid`. With `PAGEMAP_SCAN` (Linux 6.7+) only the pages
/// the call dirtied are reset. Contents after reset are the same either way.
const KEEP_RESIDENT_BYTES: usize = 1 << 20;

/// Whether compiled code counts fuel. Production is always `Metered`;
/// `Unmetered` exists only so the benchmark can measure the cost of fuel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metering {
    Metered,
    Unmetered,
}

pub fn build_engine(limits: &Limits, gas: &GasSchedule, metering: Metering) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.strategy(Strategy::Cranelift);
    config.cranelift_opt_level(OptLevel::Speed);
    config.consume_fuel(metering == Metering::Metered);
    let mut cost = OperatorCost::new();
    cost.variable.memory_grow_per_page = gas.memory_grow_per_page;
    config.operator_cost(cost);
    // Floats are allowed, but every NaN they produce is the canonical one,
    // so no node sees a different bit pattern.
    config.cranelift_nan_canonicalization(true);

    // Exactly the features the upload validator allows, everything else
    // (SIMD, threads, GC, exceptions, ...) off: see validate::allowed_features.
    let allowed = crate::validate::allowed_features();
    config.wasm_features(WasmFeatures::all(), false);
    config.wasm_features(allowed, true);

    config.max_wasm_stack(limits.max_wasm_stack);
    // Explicit bounds checks instead of guard pages: with guard pages every
    // call paid two `mprotect`s (grow during the call, shrink back at the
    // next instantiation), more than the checks cost a `submit_bid`. The
    // same accesses trap (`MemoryOutOfBounds`) and fuel is counted per
    // operator either way.
    config.signals_based_traps(false);
    config.memory_guard_size(0);
    config.memory_init_cow(true);

    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(limits.pool_instances);
    pool.total_memories(limits.pool_instances);
    pool.total_tables(limits.pool_instances);
    pool.max_memories_per_module(1);
    pool.max_tables_per_module(1);
    pool.max_memory_size(limits.max_memory_pages as usize * PAGE as usize);
    pool.table_elements(limits.max_table_elements as usize);
    pool.linear_memory_keep_resident(KEEP_RESIDENT_BYTES);
    pool.table_keep_resident(KEEP_RESIDENT_BYTES);
    pool.pagemap_scan(Enabled::Auto);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

    Engine::new(&config)
}
