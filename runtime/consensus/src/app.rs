//! The seam between the engine and the node: what consensus asks of the
//! application. The node implements it over its chain and mempool; tests
//! implement it over a vector. Blocks are opaque bytes here.

/// A node that cannot commit a decided block must stop: continuing would
/// fork it from the validators that did. The message says why.
#[derive(Debug, thiserror::Error)]
#[error("halt at height {height}: {reason}")]
pub struct Halt {
    pub height: u64,
    pub reason: String,
}

/// What the engine needs from the application. Calls are synchronous and
/// may execute a block; the driver runs them off the async reactor.
pub trait BlockApp: Send + Sync + 'static {
    /// Height of the last committed block (0: genesis only).
    fn head(&self) -> u64;

    /// The validator keys that decide the block after the head.
    fn validators(&self) -> Vec<[u8; 32]>;

    /// Whether there is anything to propose (transactions waiting): an idle
    /// proposer waits a little before proposing an empty block.
    fn has_work(&self) -> bool;

    /// Builds (executes, signs, does not commit) the block at `height` on
    /// top of the head from the proposer's mempool.
    fn propose(&mut self, height: u64) -> anyhow::Result<Vec<u8>>;

    /// Whether `block` is a valid block at `height`, re-executed on top of
    /// the head (not committed). `builder`: the validator that must have
    /// built it (the round's proposer), or `None` for a re-proposal of an
    /// earlier round's value, which any validator may have built.
    /// `Err` explains a refusal.
    fn validate(&mut self, height: u64, builder: Option<&[u8; 32]>, block: &[u8]) -> Result<(), String>;

    /// Commits a decided block: the same path for every validator and for
    /// synced blocks. `certificate` is the encoded commit certificate.
    fn commit(&mut self, height: u64, block: &[u8], certificate: &[u8]) -> Result<(), Halt>;

    /// A committed block's bytes, to serve peers that are catching up.
    fn block(&self, height: u64) -> Option<Vec<u8>>;
}
