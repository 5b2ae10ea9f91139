//! `procura-web`: the browser's half of Procura, compiled to
//! wasm32-unknown-unknown and exposed to JavaScript by wasm-bindgen.
//!
//! Every byte the page signs, commits or checks is produced by the node's
//! own crates (procura-chain's `Transaction`, procura-abi's Borsh encoder,
//! procura-state's `verify_proof`), so the browser and the node cannot
//! disagree about an encoding. The modules below are plain Rust over hex and
//! JSON; `bindings` is the thin JavaScript-facing layer.

pub mod abi;
pub mod bid;
pub mod error;
pub mod hexutil;
pub mod keys;
pub mod proof;
pub mod statekeys;
pub mod tx;

#[cfg(target_arch = "wasm32")]
mod bindings;

pub use error::WebError;
