//! Typed errors: why an upload was refused, and why a call failed.

use thiserror::Error;

/// Why a module was refused at upload. Each variant names the rule broken.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum UploadError {
    #[error("module is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("module is not valid WebAssembly: {0}")]
    Malformed(String),
    #[error("module uses a Wasm feature contracts may not use ({0}); allowed post-MVP features are listed in docs/host-api.md")]
    ForbiddenFeature(String),
    #[error("import `{module}.{name}` is not allowed: contracts may only import functions of `{allowed}`")]
    ForbiddenImport { module: String, name: String, allowed: &'static str },
    #[error("import `{0}` does not match the host function's signature: {1}")]
    ImportSignature(String, String),
    #[error("module must define exactly one linear memory, found {0}")]
    MemoryCount(u32),
    #[error("the linear memory must declare a maximum size (link with --max-memory)")]
    MemoryWithoutMaximum,
    #[error("the linear memory's maximum is {pages} pages; the limit is {limit}")]
    MemoryTooLarge { pages: u64, limit: u32 },
    #[error("shared or 64-bit memories are not allowed")]
    MemoryKind,
    #[error("module defines {0} tables; at most one is allowed")]
    TooManyTables(u32),
    #[error("a table declares {elements} elements (or no maximum); the limit is {limit}")]
    TableTooLarge { elements: u64, limit: u32 },
    #[error("module defines {count} functions; the limit is {limit}")]
    TooManyFunctions { count: u32, limit: u32 },
    #[error("function {function} declares {count} locals; the limit is {limit}")]
    TooManyLocals { function: u32, count: u64, limit: u32 },
    #[error("function {function} has a body of {size} bytes; the limit is {limit}")]
    FunctionTooLarge { function: u32, size: usize, limit: usize },
    #[error("function {function} nests blocks, loops and ifs deeper than {limit}")]
    NestingTooDeep { function: u32, limit: u32 },
    #[error("the functions' locals times body bytes add up to {cost}; the limit is {limit}")]
    CompileBudget { cost: u64, limit: u64 },
    #[error("module defines {count} globals; the limit is {limit}")]
    TooManyGlobals { count: u32, limit: u32 },
    #[error("module has {count} exports; the limit is {limit}")]
    TooManyExports { count: u32, limit: u32 },
    #[error("data segments hold {bytes} bytes; the limit is {limit}")]
    DataTooLarge { bytes: u64, limit: u64 },
    #[error("required export `{0}` is missing")]
    MissingExport(&'static str),
    #[error(
        "exported function `{0}` must take no parameters and return nothing (arguments pass through the host ABI)"
    )]
    ExportSignature(String),
    #[error("a start function is not allowed: contracts run only when called")]
    StartFunction,
    #[error("the ABI section `procura_abi` is not valid: {0}")]
    BadAbi(String),
    #[error("compilation failed: {0}")]
    Compile(String),
}

/// Why a call failed. A failed call changes no state; its gas is still charged.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ExecError {
    #[error("out of gas")]
    OutOfGas,
    #[error("contract aborted: {0}")]
    Aborted(String),
    #[error("wasm trap: {0}")]
    Trap(String),
    #[error("wasm stack exhausted (recursion too deep)")]
    StackOverflow,
    #[error("memory limit exceeded: {0}")]
    MemoryLimit(String),
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    #[error("a view call may not write state or emit events")]
    WriteInView,
    #[error("method `{0}` not found")]
    MethodNotFound(String),
    #[error("method `{0}` can only be called when the contract is instantiated")]
    InitOnly(String),
    #[error("memory access out of bounds in host call")]
    BadMemoryAccess,
    #[error("host error: {0}")]
    Host(String),
}

impl ExecError {
    /// Failures raised by Wasm code itself rather than by a host function;
    /// they consume the call's whole gas limit (see `Vm::execute`).
    pub fn burns_all_gas(&self) -> bool {
        matches!(self, ExecError::OutOfGas | ExecError::Trap(_) | ExecError::StackOverflow | ExecError::MemoryLimit(_))
    }
}
