//! Admitted transactions waiting for a block, in arrival order, with caps so
//! a flood cannot exhaust memory: a total count, a total of encoded bytes,
//! and a number of pending transactions per signer (so one account cannot
//! fill the pool for everyone else).

use procura_chain::SignedTransaction;
use procura_primitives::{Address, Hash32};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The mempool's caps; `procura node` flags set them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MempoolLimits {
    pub max_txs: usize,
    pub max_bytes: usize,
    pub max_per_account: usize,
}

impl Default for MempoolLimits {
    fn default() -> Self {
        MempoolLimits { max_txs: 50_000, max_bytes: 64 * 1024 * 1024, max_per_account: 100 }
    }
}

pub struct Mempool {
    queue: VecDeque<(SignedTransaction, usize)>,
    hashes: BTreeSet<Hash32>,
    /// Next nonce of each account counting queued transactions.
    pub pending_nonces: BTreeMap<Address, u64>,
    per_account: BTreeMap<Address, usize>,
    bytes: usize,
    pub limits: MempoolLimits,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MempoolError {
    #[error("the mempool is full ({0} transactions); retry after the next block")]
    Full(usize),
    #[error("the mempool holds {held} bytes of transactions (limit {limit}); retry after the next block")]
    FullBytes { held: usize, limit: usize },
    #[error(
        "account {account} already has {limit} transactions pending; wait until some are committed \
         (GET /v1/tx/{{hash}}) before sending more"
    )]
    AccountLimit { account: String, limit: usize },
    #[error("transaction is already pending")]
    Duplicate,
}

impl MempoolError {
    /// Whether the refusal is about this client's own volume (HTTP 429)
    /// rather than the node's capacity (HTTP 503).
    pub fn is_per_client(&self) -> bool {
        matches!(self, MempoolError::AccountLimit { .. })
    }
}

impl Mempool {
    pub fn new(limits: MempoolLimits) -> Self {
        Mempool {
            queue: VecDeque::new(),
            hashes: BTreeSet::new(),
            pending_nonces: BTreeMap::new(),
            per_account: BTreeMap::new(),
            bytes: 0,
            limits,
        }
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn contains(&self, hash: &Hash32) -> bool {
        self.hashes.contains(hash)
    }

    /// Queues an admitted transaction; `size` is its encoded length.
    pub fn push(&mut self, tx: SignedTransaction, size: usize) -> Result<Hash32, MempoolError> {
        let hash = tx.hash();
        if self.hashes.contains(&hash) {
            return Err(MempoolError::Duplicate);
        }
        let sender = tx.tx.sender();
        let mine = self.per_account.get(&sender).copied().unwrap_or(0);
        // The per-account cap first: a client over its own share learns
        // that, not that the node is busy.
        if mine >= self.limits.max_per_account {
            return Err(MempoolError::AccountLimit { account: sender.to_hex(), limit: self.limits.max_per_account });
        }
        if self.queue.len() >= self.limits.max_txs {
            return Err(MempoolError::Full(self.limits.max_txs));
        }
        if self.bytes + size > self.limits.max_bytes {
            return Err(MempoolError::FullBytes { held: self.bytes, limit: self.limits.max_bytes });
        }
        self.pending_nonces.insert(sender, tx.tx.nonce + 1);
        self.per_account.insert(sender, mine + 1);
        self.bytes += size;
        self.hashes.insert(hash);
        self.queue.push_back((tx, size));
        Ok(hash)
    }

    /// Takes up to `max` transactions whose gas limits fit in `gas_budget`.
    pub fn take(&mut self, max: usize, gas_budget: u64) -> Vec<SignedTransaction> {
        let mut out = Vec::new();
        let mut gas = 0u64;
        while let Some((tx, _)) = self.queue.front() {
            if out.len() >= max || gas + tx.tx.gas_limit > gas_budget {
                break;
            }
            gas += tx.tx.gas_limit;
            let (tx, size) = self.queue.pop_front().expect("front exists");
            self.hashes.remove(&tx.hash());
            self.bytes -= size;
            let sender = tx.tx.sender();
            if let Some(n) = self.per_account.get_mut(&sender) {
                *n -= 1;
                if *n == 0 {
                    self.per_account.remove(&sender);
                }
            }
            out.push(tx);
        }
        if self.queue.is_empty() {
            self.pending_nonces.clear();
        }
        out
    }
}

impl Mempool {
    /// The first transactions (up to `max`, within `gas_budget`) without
    /// removing them: a proposal may not be decided, so they leave the pool
    /// only when a block holding them commits ([`Mempool::remove_committed`]).
    pub fn peek(&self, max: usize, gas_budget: u64) -> Vec<SignedTransaction> {
        let mut gas = 0u64;
        let mut out = Vec::new();
        for (tx, _) in &self.queue {
            if out.len() >= max || gas + tx.tx.gas_limit > gas_budget {
                break;
            }
            gas += tx.tx.gas_limit;
            out.push(tx.clone());
        }
        out
    }

    /// Drops the transactions in `gone` (committed, or refused by the
    /// proposer) and those whose nonce the chain has passed (`next_nonce`:
    /// the committed next nonce of an account), then recounts.
    pub fn remove(&mut self, gone: &BTreeSet<Hash32>, next_nonce: impl Fn(&Address) -> u64) {
        let queue = std::mem::take(&mut self.queue);
        let mut committed_next: BTreeMap<Address, u64> = BTreeMap::new();
        self.hashes.clear();
        self.pending_nonces.clear();
        self.per_account.clear();
        self.bytes = 0;
        for (tx, size) in queue {
            let sender = tx.tx.sender();
            let next = *committed_next.entry(sender).or_insert_with(|| next_nonce(&sender));
            let hash = tx.hash();
            if gone.contains(&hash) || tx.tx.nonce < next {
                continue;
            }
            self.pending_nonces.insert(sender, tx.tx.nonce + 1);
            *self.per_account.entry(sender).or_insert(0) += 1;
            self.bytes += size;
            self.hashes.insert(hash);
            self.queue.push_back((tx, size));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;
    use procura_chain::{Action, Transaction};

    fn tx(seed: u8, nonce: u64) -> SignedTransaction {
        let key = SigningKey::from_bytes(&[seed; 32]);
        Transaction {
            chain_id: "c".into(),
            signer: key.verifying_key().to_bytes(),
            nonce,
            gas_limit: 1,
            action: Action::Call { contract: Address([1; 32]), method: "m".into(), args: vec![] },
        }
        .sign(&key)
    }

    #[test]
    fn each_cap_refuses_with_its_own_error_and_frees_up_after_take() {
        let mut pool = Mempool::new(MempoolLimits { max_txs: 3, max_bytes: 1000, max_per_account: 2 });
        pool.push(tx(1, 0), 100).unwrap();
        pool.push(tx(1, 1), 100).unwrap();
        let err = pool.push(tx(1, 2), 100).unwrap_err();
        assert!(matches!(err, MempoolError::AccountLimit { limit: 2, .. }) && err.is_per_client(), "{err}");
        assert_eq!(pool.push(tx(1, 1), 100), Err(MempoolError::Duplicate));
        assert_eq!(pool.push(tx(2, 0), 900), Err(MempoolError::FullBytes { held: 200, limit: 1000 }));
        pool.push(tx(2, 0), 100).unwrap();
        assert_eq!(pool.push(tx(3, 0), 100), Err(MempoolError::Full(3)));
        assert_eq!(pool.take(10, 100).len(), 3);
        assert_eq!((pool.len(), pool.bytes()), (0, 0));
        pool.push(tx(1, 2), 100).unwrap();
        pool.push(tx(1, 3), 100).unwrap();
    }

    #[test]
    fn peek_keeps_and_remove_drops_committed_and_stale() {
        let mut pool = Mempool::new(MempoolLimits::default());
        for n in 0..3 {
            pool.push(tx(1, n), 10).unwrap();
        }
        pool.push(tx(2, 5), 10).unwrap();
        assert_eq!(pool.peek(2, u64::MAX).len(), 2);
        assert_eq!(pool.len(), 4);
        let committed: BTreeSet<_> = [tx(1, 0).hash()].into();
        // Account 2's chain nonce moved past 5 (its tx came in elsewhere).
        let seed2 = tx(2, 0).tx.sender();
        pool.remove(&committed, |a| if *a == seed2 { 6 } else { 1 });
        assert_eq!(pool.len(), 2);
        assert_eq!((pool.bytes(), pool.pending_nonces.get(&tx(1, 0).tx.sender())), (20, Some(&3)));
    }
}
