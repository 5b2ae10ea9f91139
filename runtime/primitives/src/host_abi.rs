//! Names and constants of the host ABI, version 1. The full contract of each
//! function (signature, semantics, gas) is documented in `docs/host-api.md`;
//! the host (`procura-vm`) and the SDK both refer to these constants so a
//! rename cannot split them.

/// The only import module a contract may use. The version is part of the
/// name so a future ABI can live beside this one.
pub const HOST_MODULE: &str = "procura_v1";

/// Custom section in which the `#[contract]` macro embeds the contract's ABI
/// (JSON). Tools read it from the uploaded module.
pub const ABI_SECTION: &str = "procura_abi";

/// Name of the contract's exported linear memory.
pub const MEMORY_EXPORT: &str = "memory";

/// Returned by host functions that yield a length when there is no value.
pub const NONE: i64 = -1;

/// Host imports (all in [`HOST_MODULE`]).
pub mod import {
    pub const INPUT_LEN: &str = "input_len";
    pub const INPUT_READ: &str = "input_read";
    pub const SET_RETURN: &str = "set_return";
    pub const BUFFER_READ: &str = "buffer_read";
    pub const STORAGE_READ: &str = "storage_read";
    pub const STORAGE_WRITE: &str = "storage_write";
    pub const STORAGE_REMOVE: &str = "storage_remove";
    pub const STORAGE_HAS: &str = "storage_has";
    pub const STORAGE_NEXT: &str = "storage_next";
    pub const CALLER: &str = "caller";
    pub const CONTRACT_ADDRESS: &str = "contract_address";
    pub const BLOCK_HEIGHT: &str = "block_height";
    pub const BLOCK_TIME: &str = "block_time";
    pub const EMIT_EVENT: &str = "emit_event";
    pub const SHA256: &str = "sha256";
    pub const ED25519_VERIFY: &str = "ed25519_verify";
    pub const ABORT: &str = "abort";
    pub const DEBUG_LOG: &str = "debug_log";
    pub const CALL_VIEW: &str = "call_view";

    /// Every import name, for the upload validator.
    pub const ALL: &[&str] = &[
        INPUT_LEN,
        INPUT_READ,
        SET_RETURN,
        BUFFER_READ,
        STORAGE_READ,
        STORAGE_WRITE,
        STORAGE_REMOVE,
        STORAGE_HAS,
        STORAGE_NEXT,
        CALLER,
        CONTRACT_ADDRESS,
        BLOCK_HEIGHT,
        BLOCK_TIME,
        EMIT_EVENT,
        SHA256,
        ED25519_VERIFY,
        ABORT,
        DEBUG_LOG,
        CALL_VIEW,
    ];
}
