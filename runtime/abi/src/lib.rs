//! `procura-abi`: a contract's published interface, read from its Wasm
//! module alone, and a Borsh ⇄ JSON codec driven by it.
//!
//! A module carries three custom sections: `procura_abi` (methods, written
//! by `#[contract]`), `procura_types` (Borsh layouts, `#[derive(AbiType)]`)
//! and `procura_events` (topic → payload type, `events!`). Auditors decode a
//! chain's calls and events from the code stored on that chain, with no
//! access to the contract's source.

mod codec;
mod model;
mod types;

pub use model::{AbiError, Arg, ContractAbi, Method, TypeDef};
pub use types::TypeExpr;
