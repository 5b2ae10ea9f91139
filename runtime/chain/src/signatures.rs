//! Transaction signatures checked in batches on every core. Under the
//! chain's rule ([`crate::ed25519`]) a batch gives each signature the verdict
//! it gets alone, so the verdicts do not depend on how the work is split or
//! batched.

use crate::SignedTransaction;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{Scope, ScopedJoinHandle};

/// Below this many transactions, spawning threads costs more than it saves.
const SERIAL_BELOW: usize = 32;

/// Whether each transaction's signature verifies, in order.
pub fn verify_all(txs: &[SignedTransaction]) -> Vec<bool> {
    verify_on(txs, cores())
}

/// The cores this machine offers (at least 1).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// [`verify_all`] on at most `threads` threads (the caller's included): for
/// work that runs beside other work, such as the audit replay checking the
/// next block while it executes this one.
pub fn verify_on(txs: &[SignedTransaction], threads: usize) -> Vec<bool> {
    if threads <= 1 || txs.len() < SERIAL_BELOW {
        return verify_batch(txs);
    }
    let chunk = txs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let mut parts = txs.chunks(chunk);
        let first = parts.next().expect("txs is not empty");
        let others: Vec<_> = parts.map(|part| s.spawn(move || verify_batch(part))).collect();
        let mut verdicts = verify_batch(first);
        for handle in others {
            verdicts.extend(handle.join().expect("signature checks do not panic"));
        }
        verdicts
    })
}

/// Each transaction's verdict, as one batch.
pub fn verify_batch(txs: &[SignedTransaction]) -> Vec<bool> {
    let messages: Vec<Vec<u8>> = txs.iter().map(|t| t.tx.signing_bytes()).collect();
    let items: Vec<_> = txs.iter().zip(&messages).map(|(t, m)| (&t.tx.signer, &t.signature, m.as_slice())).collect();
    crate::ed25519::verify_batch(&items)
}

/// Index of the first transaction whose signature does not verify.
pub fn first_bad_signature(txs: &[SignedTransaction]) -> Option<usize> {
    first_bad_signature_on(txs, cores())
}

/// [`first_bad_signature`] on at most `threads` threads (see [`verify_on`]).
pub fn first_bad_signature_on(txs: &[SignedTransaction], threads: usize) -> Option<usize> {
    verify_on(txs, threads).iter().position(|ok| !ok)
}

/// Transactions per chunk of [`SharedChecks`], each checked as one batch:
/// a block's share per thread, within these bounds. Larger batches cost
/// less per signature (from about 100 signatures the multi-scalar product
/// switches to Pippenger's method: 0.82–0.90× the cost per signature of
/// batches of 64 at 256–512, medians of 15 alternating rounds here); small
/// chunks keep the last thread to finish from holding the others up.
pub const MIN_CHUNK: usize = 64;
pub const MAX_CHUNK: usize = 256;

/// The signature checks of one batch of transactions, shared by any number
/// of threads that take chunks in turn: a helper starts on the next block
/// while the executing thread is busy with this one, and the executing
/// thread joins in as soon as it is free. Verdicts do not depend on who
/// checked what.
pub struct SharedChecks {
    txs: Vec<SignedTransaction>,
    chunk: usize,
    next_chunk: AtomicUsize,
    ok: Vec<AtomicBool>,
    checked: AtomicUsize,
}

impl SharedChecks {
    /// Checks of `txs` to be shared by `threads` threads.
    pub fn new(txs: Vec<SignedTransaction>, threads: usize) -> Self {
        let ok = txs.iter().map(|_| AtomicBool::new(false)).collect();
        let chunk = txs.len().div_ceil(threads.max(1)).clamp(MIN_CHUNK, MAX_CHUNK);
        SharedChecks { txs, chunk, next_chunk: AtomicUsize::new(0), ok, checked: AtomicUsize::new(0) }
    }

    /// Checks chunks until none is left to take (other threads may still be
    /// finishing theirs).
    pub fn work(&self) {
        loop {
            let start = self.next_chunk.fetch_add(1, Ordering::Relaxed).saturating_mul(self.chunk);
            if start >= self.txs.len() {
                return;
            }
            let end = (start + self.chunk).min(self.txs.len());
            for (verdict, ok) in verify_batch(&self.txs[start..end]).into_iter().zip(&self.ok[start..end]) {
                ok.store(verdict, Ordering::Relaxed);
            }
            self.checked.fetch_add(end - start, Ordering::Release);
        }
    }

    /// The transactions and the index of the first bad signature. Every
    /// thread that worked on the checks must have finished (been joined).
    pub fn finish(self) -> (Vec<SignedTransaction>, Option<usize>) {
        self.work();
        assert_eq!(self.checked.load(Ordering::Acquire), self.txs.len(), "every signature is checked");
        let first_bad = self.ok.iter().position(|ok| !ok.load(Ordering::Relaxed));
        (self.txs, first_bad)
    }

    /// Starts the checks of `txs` on `helpers` threads of `scope`; the
    /// caller joins in when it is free, with [`ChecksAhead::finish`].
    pub fn start<'scope>(
        scope: &'scope Scope<'scope, '_>,
        txs: Vec<SignedTransaction>,
        helpers: usize,
    ) -> ChecksAhead<'scope> {
        // The helpers, and the caller once it joins in.
        let checks = Arc::new(SharedChecks::new(txs, helpers + 1));
        let helpers = (0..helpers)
            .map(|_| {
                let c = checks.clone();
                scope.spawn(move || c.work())
            })
            .collect();
        ChecksAhead { checks, helpers }
    }
}

/// Checks running ahead on helper threads ([`SharedChecks::start`]).
pub struct ChecksAhead<'scope> {
    checks: Arc<SharedChecks>,
    helpers: Vec<ScopedJoinHandle<'scope, ()>>,
}

impl ChecksAhead<'_> {
    /// Joins in until every signature is checked, then
    /// [`SharedChecks::finish`].
    pub fn finish(self) -> (Vec<SignedTransaction>, Option<usize>) {
        self.checks.work();
        for h in self.helpers {
            h.join().expect("signature checks do not panic");
        }
        Arc::into_inner(self.checks).expect("the helpers are done").finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Transaction};
    use ed25519_dalek::SigningKey;
    use procura_primitives::Address;

    fn txs(n: u64) -> Vec<SignedTransaction> {
        let key = SigningKey::from_bytes(&[3; 32]);
        (0..n)
            .map(|nonce| {
                Transaction {
                    chain_id: "procura-dev".into(),
                    signer: key.verifying_key().to_bytes(),
                    nonce,
                    gas_limit: 1,
                    action: Action::Call { contract: Address([1; 32]), method: "m".into(), args: vec![] },
                }
                .sign(&key)
            })
            .collect()
    }

    #[test]
    fn shared_checks_agree_with_serial_checks_however_split() {
        let mut batch = txs(100);
        for bad in [97, 40, 41] {
            batch[bad].signature[0] ^= 1;
        }
        assert_eq!(first_bad_signature_on(&batch, 1), Some(40));
        for helpers in 0..3 {
            let (back, first_bad) = std::thread::scope(|s| SharedChecks::start(s, batch.clone(), helpers).finish());
            assert_eq!(back, batch);
            assert_eq!(first_bad, Some(40), "{helpers} helpers");
        }
        assert_eq!(SharedChecks::new(txs(0), 1).finish().1, None);
        assert_eq!(SharedChecks::new(txs(17), 2).finish().1, None);
        // More than the largest chunk: several chunks of it and a short one.
        let mut large = txs(600);
        large[513].signature[5] ^= 1;
        for helpers in [0, 1, 3] {
            let (back, first_bad) = std::thread::scope(|s| SharedChecks::start(s, large.clone(), helpers).finish());
            assert_eq!((back.len(), first_bad), (600, Some(513)), "{helpers} helpers");
        }
    }
}
