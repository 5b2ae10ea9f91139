//! Block ordering: the one seam between the mempool/chain and whoever
//! decides the next block.
//!
//! [`NodeApp`] is the seam: `propose` (build a block from the mempool, no
//! commit), `validate` (re-execute a proposal, no commit) and `commit` (the
//! single commit path: chain, mempool, `/v1` subscribers). Both modes go
//! through it; only who proposes and who decides differs:
//!
//! - [`solo`]: one validator (`procura node --dev`, or a genesis with one
//!   key): this node proposes and its own proposal is decided.
//! - [`link`]: replicated (`procura node --config`): `procura-validator`
//!   (runtime/consensus, Tendermint BFT on Malachite) runs beside the node,
//!   decides with the other validators and calls the seam over a socket.
//!   [`forward`] sends each transaction a client submits here to the other
//!   validators' mempools, so whichever of them proposes can include it.

pub mod app;
pub mod budget;
pub mod forward;
pub mod link;
pub mod solo;

pub use app::NodeApp;

use std::path::PathBuf;

/// How blocks are ordered.
#[derive(Clone, Debug)]
pub enum Mode {
    /// This node proposes and decides, every `interval` while the mempool
    /// holds transactions.
    Solo { interval: std::time::Duration },
    /// Replicated through the consensus engine process.
    Bft(BftConfig),
}

#[derive(Clone, Debug)]
pub struct BftConfig {
    /// The `consensus` section of the node config, passed through to
    /// `procura-validator` (listen address, peers, timeouts).
    pub consensus: serde_json::Value,
    /// The other validators' HTTP APIs, for transaction forwarding.
    pub api_peers: Vec<String>,
    /// The validator key file (the engine signs votes with it).
    pub key_file: PathBuf,
    /// `procura-validator`; default: beside the `procura` binary, else PATH.
    pub validator_bin: Option<PathBuf>,
    /// Tests only: an equivocating validator (engine built with `byzantine`).
    pub byzantine: bool,
}

impl BftConfig {
    /// The engine's propose timeout (its default when the config has none).
    pub fn propose_timeout(&self) -> std::time::Duration {
        let ms = self.consensus.get("propose_timeout_ms").and_then(|v| v.as_u64()).unwrap_or(3000);
        std::time::Duration::from_millis(ms)
    }
}
