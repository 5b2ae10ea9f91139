//! `procura-sdk`: write procurement contracts in Rust.
//!
//! A contract is a unit struct and an impl block marked `#[contract]`. Every
//! `pub fn` becomes an exported entry point whose arguments arrive Borsh
//! encoded and whose `Ok` result is returned Borsh encoded; an `Err` aborts
//! the call with its message and the host discards every change the call
//! made. `#[view]` marks read-only methods, `#[init]` the constructor.
//!
//! State lives in typed storage ([`Item`], [`Map`]); [`env`] tells who calls
//! and when; [`emit`] records events. On the host target the same code runs
//! against a mock host ([`testing`]) so contract rules are unit-tested with
//! plain `cargo test`.
#![no_std]
extern crate alloc;
#[cfg(not(target_arch = "wasm32"))]
extern crate std;

pub mod abi;
pub mod cross;
pub mod env;
mod error;
pub mod host;
pub mod storage;

#[cfg(target_arch = "wasm32")]
mod wasm_rt;

#[cfg(not(target_arch = "wasm32"))]
pub mod testing;

pub use abi::AbiType;
pub use borsh;
pub use error::{ContractError, ContractResult};
pub use procura_primitives::{Address, Event, Hash32};
pub use procura_sdk_macros::{contract, init, view, AbiType};
pub use storage::{Item, Map, MapKey};

/// Emits an event: a topic and a Borsh-encoded payload.
pub fn emit<T: borsh::BorshSerialize>(topic: &str, payload: &T) {
    let bytes = borsh::to_vec(payload).unwrap_or_default();
    host::emit_event(topic, &bytes);
}

/// `require!(condition, "message {}", args)`: returns an error from the
/// current method (aborting the call) when the condition is false.
#[macro_export]
macro_rules! require {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return ::core::result::Result::Err($crate::ContractError::new(::alloc::format!($($msg)+)).into());
        }
    };
}

/// Used by the code `#[contract]` generates; not part of the public API.
#[doc(hidden)]
pub mod __private {
    use alloc::string::ToString;

    pub fn decode_args<T: borsh::BorshDeserialize>(method: &str, input: &[u8]) -> T {
        match borsh::from_slice::<T>(input) {
            Ok(v) => v,
            Err(e) => crate::host::abort(&alloc::format!("invalid arguments for `{method}`: {e}")),
        }
    }

    pub fn finish<T: borsh::BorshSerialize, E: core::fmt::Display>(result: Result<T, E>) {
        match result {
            Ok(v) => crate::host::set_return(&borsh::to_vec(&v).unwrap_or_default()),
            Err(e) => crate::host::abort(&e.to_string()),
        }
    }
}
