//! `procura-consensus`: replicated block ordering on Malachite (Tendermint
//! BFT). Safe with fewer than a third of the voting power byzantine; live
//! while more than two thirds are up and connected.
//!
//! - [`ctx`]: the Malachite context (heights, validators, values, votes),
//!   ed25519 signing.
//! - [`codec`]: the one Borsh codec for the WAL, gossip and sync.
//! - [`app`]: [`BlockApp`], the seam the node implements.
//! - [`store`]: undecided proposals and commit certificates on disk.
//! - [`driver`]: starts the engine and answers its messages through a `BlockApp`.
//! - [`config`]: listen address, peers, timeouts.
//! - [`remote`]: a `BlockApp` over the node's socket (`procura-app-link`);
//!   `src/main.rs` is `procura-validator`, the engine process beside a node.
//!
//! The engine never decodes a block: values are the node's bytes.

pub mod app;
pub mod codec;
pub mod config;
pub mod ctx;
pub mod driver;
pub mod remote;
pub mod store;

pub use app::{BlockApp, Halt};
pub use config::PeerConfig;
pub use driver::{start, start_with, Running};
