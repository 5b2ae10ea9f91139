//! The gas schedule. One unit of gas is one unit of wasmtime fuel: Wasm
//! instructions are charged by wasmtime's instrumentation (1 per operator,
//! per byte for bulk memory operations, per page for `memory.grow`), host
//! functions by this schedule. Documented in `docs/host-api.md`.

/// Bumped whenever any cost below changes; part of the compiled-module cache
/// key because costs are baked into compiled code.
pub const GAS_SCHEDULE_VERSION: u32 = 2;

/// Cost of a host function: `base + per_byte * bytes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub base: u64,
    pub per_byte: u64,
}

impl Cost {
    pub const fn new(base: u64, per_byte: u64) -> Self {
        Cost { base, per_byte }
    }

    pub fn of(&self, bytes: usize) -> u64 {
        self.base.saturating_add(self.per_byte.saturating_mul(bytes as u64))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GasSchedule {
    /// Charged once per call before any Wasm runs (instantiation, setup).
    pub call_base: u64,
    /// Per byte of call input.
    pub input_per_byte: u64,
    pub input_read: Cost,
    pub set_return: Cost,
    pub buffer_read: Cost,
    /// Bytes = key + value read.
    pub storage_read: Cost,
    /// Bytes = key + value written.
    pub storage_write: Cost,
    pub storage_remove: Cost,
    pub storage_has: Cost,
    /// Bytes = prefix + key + value returned.
    pub storage_next: Cost,
    pub env_read: Cost,
    /// Bytes = topic + payload.
    pub emit_event: Cost,
    pub sha256: Cost,
    /// Bytes = message.
    pub ed25519_verify: Cost,
    pub abort: Cost,
    pub debug_log: Cost,
    /// Bytes = call input; the callee's own gas is charged on top.
    pub call_view: Cost,
    /// Extra fuel per Wasm page passed to `memory.grow` (max 255, u8 in wasmtime).
    pub memory_grow_per_page: u8,
}

impl Default for GasSchedule {
    fn default() -> Self {
        GasSchedule {
            call_base: 10_000,
            input_per_byte: 2,
            input_read: Cost::new(50, 1),
            set_return: Cost::new(50, 2),
            buffer_read: Cost::new(50, 1),
            storage_read: Cost::new(2_000, 5),
            storage_write: Cost::new(5_000, 30),
            storage_remove: Cost::new(3_000, 5),
            storage_has: Cost::new(1_500, 5),
            storage_next: Cost::new(2_500, 5),
            env_read: Cost::new(50, 0),
            emit_event: Cost::new(1_000, 10),
            sha256: Cost::new(300, 4),
            ed25519_verify: Cost::new(60_000, 4),
            abort: Cost::new(50, 1),
            debug_log: Cost::new(50, 1),
            call_view: Cost::new(20_000, 2),
            memory_grow_per_page: 255,
        }
    }
}
