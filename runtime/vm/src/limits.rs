//! Static and dynamic limits every node enforces identically. Changing any of
//! them changes which transactions succeed, so they are part of consensus.

/// Wasm page size.
pub const PAGE: u64 = 64 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest module accepted at upload, in bytes.
    pub max_code_size: usize,
    /// Largest linear memory a contract may declare (and grow to), in pages.
    pub max_memory_pages: u32,
    /// Largest table a contract may declare, in elements.
    pub max_table_elements: u32,
    pub max_functions: u32,
    pub max_locals_per_function: u32,
    pub max_globals: u32,
    pub max_exports: u32,
    pub max_data_segment_bytes: u64,
    /// Largest function body, in bytes, and deepest nesting of blocks,
    /// loops and ifs in one: compilation time grows faster than linearly
    /// in both (174 000 nested blocks in one 512 KiB body took over a
    /// minute to compile), so they bound what an upload can cost the node.
    pub max_function_body_size: usize,
    pub max_nesting_depth: u32,
    /// Bound on the sum over functions of locals × body bytes: register
    /// allocation keeps every live local across every block, so 2000 locals
    /// live over a 64 KiB body took over 10 s per function to compile. The
    /// bundled contracts use under 1 M; this allows 16 M.
    pub max_locals_times_body: u64,
    /// Native stack granted to wasm code; deeper recursion traps.
    pub max_wasm_stack: usize,
    pub max_input_size: usize,
    pub max_return_size: usize,
    pub max_key_size: usize,
    pub max_value_size: usize,
    pub max_events: usize,
    pub max_event_topic_size: usize,
    pub max_event_payload_size: usize,
    pub max_log_bytes: usize,
    pub max_abort_message: usize,
    /// Concurrent instances in the pooling allocator.
    pub pool_instances: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_code_size: 512 * 1024,
            max_memory_pages: 256, // 16 MiB
            max_table_elements: 4096,
            max_functions: 10_000,
            max_locals_per_function: 2_000,
            max_globals: 256,
            max_exports: 256,
            max_data_segment_bytes: 1024 * 1024,
            max_function_body_size: 64 * 1024,
            max_nesting_depth: 256,
            max_locals_times_body: 16 * 1024 * 1024,
            max_wasm_stack: 512 * 1024,
            max_input_size: 256 * 1024,
            max_return_size: 256 * 1024,
            max_key_size: 256,
            max_value_size: 64 * 1024,
            max_events: 64,
            max_event_topic_size: 64,
            max_event_payload_size: 16 * 1024,
            max_log_bytes: 16 * 1024,
            max_abort_message: 1024,
            pool_instances: 64,
        }
    }
}
