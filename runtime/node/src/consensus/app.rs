//! [`NodeApp`]: propose, validate and commit over the node's chain and
//! mempool — the seam both ordering modes use.

use super::budget::BlockBudget;
use crate::api;
use crate::chain::TxSignatures;
use crate::executor::Executed;
use crate::node::NodeState;
use procura_chain::{Block, Receipt};
use procura_primitives::Hash32;
use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};

/// How far ahead of a validator's clock a proposal's time may be.
pub const MAX_AHEAD_SECS: u64 = 30;

pub struct NodeApp {
    pub state: Arc<Mutex<NodeState>>,
    pub max_block_txs: usize,
    /// Fewer transactions than `max_block_txs` when a block must fit a
    /// propose timeout (replicated mode).
    pub budget: BlockBudget,
    /// Executions of blocks built or validated on the current head, by block
    /// hash, so a decided block is not executed a second time.
    executed: Vec<(Hash32, Executed)>,
    /// The receipts of blocks produced behind (solo mode) and not yet
    /// durable, oldest first: subscribers hear of each once it is.
    unpublished: VecDeque<Vec<Receipt>>,
}

/// Why a decided block could not be committed: the node must stop.
#[derive(Debug, thiserror::Error)]
#[error("HALT at height {height}: {reason}")]
pub struct Halt {
    pub height: u64,
    pub reason: String,
}

impl NodeApp {
    pub fn new(state: Arc<Mutex<NodeState>>, max_block_txs: usize) -> Self {
        NodeApp {
            state,
            max_block_txs,
            budget: BlockBudget::unlimited(),
            executed: Vec::new(),
            unpublished: VecDeque::new(),
        }
    }

    pub fn with_budget(mut self, budget: BlockBudget) -> Self {
        self.budget = budget;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, NodeState> {
        self.state.lock().expect("node lock")
    }

    /// Height of the newest block, durable or not.
    pub fn head(&self) -> u64 {
        self.lock().chain.tip().0
    }

    pub fn validators(&self) -> anyhow::Result<Vec<[u8; 32]>> {
        self.lock().chain.validators()
    }

    pub fn has_work(&self) -> bool {
        !self.lock().mempool.is_empty()
    }

    /// Builds the block at `height` from the mempool; the transactions stay
    /// there until a block holding them commits. Those the chain refuses
    /// are dropped from the mempool (every validator would refuse them).
    pub fn propose(&mut self, height: u64) -> anyhow::Result<Block> {
        let state = self.state.clone();
        let mut guard = state.lock().expect("node lock");
        let s = &mut *guard;
        anyhow::ensure!(
            height == s.chain.head().height + 1,
            "asked to propose {height} on head {}",
            s.chain.head().height
        );
        let txs = s.mempool.peek(self.budget.txs(self.max_block_txs), s.chain.rules.block_gas_limit);
        let offered: Vec<Hash32> = txs.iter().map(|t| t.hash()).collect();
        let now = s.now();
        let started = std::time::Instant::now();
        // The mempool admitted each transaction, signature included.
        let (block, executed) = s.chain.build(txs, now, TxSignatures::Verified)?;
        self.budget.observe(block.txs.len(), started.elapsed());
        let kept: BTreeSet<Hash32> = block.txs.iter().map(|t| t.hash()).collect();
        let refused: BTreeSet<Hash32> = offered.into_iter().filter(|h| !kept.contains(h)).collect();
        if !refused.is_empty() {
            let chain = &s.chain;
            s.mempool.remove(&refused, |a| chain.account(a).next_nonce);
        }
        drop(guard);
        self.remember(block.header.hash(), executed);
        Ok(block)
    }

    /// Re-executes a proposal on the head; keeps the execution for commit.
    /// `builder`: the round's proposer, who must have built a fresh
    /// proposal; `None` for a re-proposal of an earlier round's block, which
    /// any validator may have built (`Chain::check` requires a validator).
    pub fn validate(&mut self, height: u64, builder: Option<&[u8; 32]>, block: &Block) -> Result<(), String> {
        let h = &block.header.header;
        if h.height != height || builder.is_some_and(|b| *b != h.proposer) {
            return Err(format!(
                "block {} by {} offered as height {height} by its round's proposer",
                h.height,
                hex::encode(h.proposer)
            ));
        }
        let s = self.lock();
        // Block time is the proposer's; a validator refuses one too far
        // ahead of its own clock (a local judgement: commit never reads it).
        if h.timestamp > s.now().saturating_add(MAX_AHEAD_SECS) {
            return Err(format!(
                "block time {} is more than {MAX_AHEAD_SECS} s ahead of this validator's clock",
                h.timestamp
            ));
        }
        let started = std::time::Instant::now();
        let executed = s.chain.check(block, TxSignatures::Check).map_err(|e| e.to_string())?;
        let took = started.elapsed();
        drop(s);
        self.budget.observe(block.txs.len(), took);
        self.remember(block.header.hash(), executed);
        Ok(())
    }

    fn remember(&mut self, hash: Hash32, executed: Executed) {
        self.executed.retain(|(h, _)| *h != hash);
        self.executed.push((hash, executed));
        if self.executed.len() > 8 {
            self.executed.remove(0);
        }
    }

    /// Solo mode: produces the next block from the mempool
    /// ([`crate::chain::Chain::produce_behind`]). Its state tree, header and
    /// write are finished on the commit thread while the next block is
    /// built; it is durable, and subscribers hear of it, at the next
    /// produce or [`NodeApp::flush`]. Offered transactions leave the
    /// mempool: those in the block, and those the chain refused (every
    /// validator would).
    pub fn produce_behind(&mut self) -> anyhow::Result<()> {
        let state = self.state.clone();
        let mut guard = state.lock().expect("node lock");
        let s = &mut *guard;
        let txs = s.mempool.peek(self.max_block_txs, s.chain.rules.block_gas_limit);
        let offered: BTreeSet<Hash32> = txs.iter().map(|t| t.hash()).collect();
        let now = s.now();
        // The mempool admitted each transaction, signature included.
        let produced = s.chain.produce_behind(txs, now, TxSignatures::Verified)?;
        // Blocks before it may be durable now.
        self.publish(s);
        self.unpublished.push_back(produced.receipts);
        let chain = &s.chain;
        s.mempool.remove(&offered, |a| chain.account(a).next_nonce);
        Ok(())
    }

    /// Waits until the last committed block is durable, then tells
    /// subscribers of it.
    pub fn flush(&mut self) -> Result<(), Halt> {
        let state = self.state.clone();
        let mut guard = state.lock().expect("node lock");
        let s = &mut *guard;
        let height = s.chain.tip().0;
        s.chain.flush().map_err(|e| Halt { height, reason: format!("cannot commit the block: {e:#}") })?;
        self.publish(s);
        Ok(())
    }

    /// Tells subscribers of the blocks produced behind that became
    /// durable, if any did.
    fn publish(&mut self, s: &mut NodeState) {
        while let Some(block) = s.chain.take_sealed() {
            let receipts = self.unpublished.pop_front().expect("a block produced behind has its receipts");
            announce(s, &block, &receipts);
        }
        s.publish_head();
    }

    /// The one commit path: a decided block (replicated mode) goes to
    /// the chain, its transactions leave the mempool, subscribers hear of
    /// it. A block that does not re-execute to its header, or that cannot
    /// be written, is a [`Halt`]. Durable when this returns.
    pub fn commit(&mut self, block: &Block) -> Result<(), Halt> {
        let height = block.header.header.height;
        let halt = |reason: String| Halt { height, reason };
        let hash = block.header.hash();
        let state = self.state.clone();
        let mut guard = state.lock().expect("node lock");
        let s = &mut *guard;
        // Everything before it durable first: a replayed decision is
        // compared with what the database holds.
        s.chain.flush().map_err(|e| halt(format!("cannot commit the block before: {e:#}")))?;
        self.publish(s);
        let head = s.chain.head().height;
        if height <= head {
            // Already committed (a replayed decision): it must be the same block.
            let ours = s.chain.db.block(height).map_err(|e| halt(e.to_string()))?.map(|b| b.header.hash());
            return if ours == Some(hash) {
                Ok(())
            } else {
                Err(halt("decided a block other than the one committed here".into()))
            };
        }
        let cached = self.executed.iter().position(|(h, _)| *h == hash).map(|i| self.executed.remove(i).1);
        let executed = match cached {
            Some(e) if block.header.header.prev_hash == s.chain.head().hash() => e,
            _ => s.chain.check(block, TxSignatures::Check).map_err(|e| {
                halt(format!(
                    "the decided block does not re-execute to its header here ({e}); stopping rather than fork"
                ))
            })?,
        };
        // The mempool is pruned while the block is written.
        let applied = s
            .chain
            .commit_behind(block, executed)
            .map_err(|e| halt(format!("cannot commit the decided block: {e:#}")))?;
        self.executed.clear();
        let included: BTreeSet<Hash32> = block.txs.iter().map(|t| t.hash()).collect();
        let chain = &s.chain;
        s.mempool.remove(&included, |a| chain.account(a).next_nonce);
        s.chain.flush().map_err(|e| halt(format!("cannot commit the decided block: {e:#}")))?;
        announce(s, block, &applied.receipts);
        s.publish_head();
        Ok(())
    }

    /// A committed block, Borsh-encoded (for peers catching up).
    pub fn block(&self, height: u64) -> Option<Vec<u8>> {
        let block = self.lock().chain.db.block(height).ok()??;
        borsh::to_vec(&block).ok()
    }
}

/// A durable block, to `/v1/stream` subscribers and the node's log.
fn announce(s: &NodeState, block: &Block, receipts: &[Receipt]) {
    let _ = s.blocks.send(api::block_event_json(block, receipts).to_string());
    let h = &block.header.header;
    println!("block {:>6}  {:>5} txs  state root {}", h.height, block.txs.len(), hex::encode(&h.state_root[..8]));
}
