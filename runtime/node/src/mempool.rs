//! Admitted transactions waiting for a block, in arrival order, with caps so
//! a flood cannot exhaust memory.

use procura_chain::SignedTransaction;
use procura_primitives::{Address, Hash32};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub struct Mempool {
    queue: VecDeque<SignedTransaction>,
    hashes: BTreeSet<Hash32>,
    /// Next nonce of each account counting queued transactions.
    pub pending_nonces: BTreeMap<Address, u64>,
    pub max_txs: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MempoolError {
    #[error("the mempool is full ({0} transactions); retry after the next block")]
    Full(usize),
    #[error("transaction is already pending")]
    Duplicate,
}

impl Mempool {
    pub fn new(max_txs: usize) -> Self {
        Mempool { queue: VecDeque::new(), hashes: BTreeSet::new(), pending_nonces: BTreeMap::new(), max_txs }
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn contains(&self, hash: &Hash32) -> bool {
        self.hashes.contains(hash)
    }

    pub fn push(&mut self, tx: SignedTransaction) -> Result<Hash32, MempoolError> {
        let hash = tx.hash();
        if self.hashes.contains(&hash) {
            return Err(MempoolError::Duplicate);
        }
        if self.queue.len() >= self.max_txs {
            return Err(MempoolError::Full(self.max_txs));
        }
        self.pending_nonces.insert(tx.tx.sender(), tx.tx.nonce + 1);
        self.hashes.insert(hash);
        self.queue.push_back(tx);
        Ok(hash)
    }

    /// Takes up to `max` transactions whose gas limits fit in `gas_budget`.
    pub fn take(&mut self, max: usize, gas_budget: u64) -> Vec<SignedTransaction> {
        let mut out = Vec::new();
        let mut gas = 0u64;
        while let Some(tx) = self.queue.front() {
            if out.len() >= max || gas + tx.tx.gas_limit > gas_budget {
                break;
            }
            gas += tx.tx.gas_limit;
            let tx = self.queue.pop_front().expect("front exists");
            self.hashes.remove(&tx.hash());
            out.push(tx);
        }
        if self.queue.is_empty() {
            self.pending_nonces.clear();
        }
        out
    }
}
