//! Where a validator listens, whom it dials, and its consensus timeouts.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

/// A validator's consensus settings (the `[consensus]` part of
/// `procura node --config`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PeerConfig {
    /// The consensus (libp2p) address this validator listens on.
    pub listen: SocketAddr,
    /// The other validators' consensus addresses: a static list, no
    /// discovery, so only known agencies connect.
    pub peers: Vec<SocketAddr>,
    /// How long validators wait for a proposal before voting nil.
    #[serde(default = "default_propose_ms")]
    pub propose_timeout_ms: u64,
    /// An idle proposer waits this long for transactions before proposing
    /// an empty block (the chain's heartbeat; bounded by the propose timeout).
    #[serde(default = "default_idle_ms")]
    pub idle_block_ms: u64,
}

fn default_propose_ms() -> u64 {
    3000
}

fn default_idle_ms() -> u64 {
    1000
}

impl PeerConfig {
    pub fn propose_timeout(&self) -> Duration {
        Duration::from_millis(self.propose_timeout_ms)
    }

    /// The idle wait, kept well inside the propose timeout so that peers do
    /// not give up on an idle proposer.
    pub fn idle_block(&self) -> Duration {
        Duration::from_millis(self.idle_block_ms.min(self.propose_timeout_ms / 2))
    }
}

pub(crate) fn multiaddr(a: &SocketAddr) -> String {
    match a {
        SocketAddr::V4(v) => format!("/ip4/{}/tcp/{}", v.ip(), v.port()),
        SocketAddr::V6(v) => format!("/ip6/{}/tcp/{}", v.ip(), v.port()),
    }
}
