//! Transaction signatures checked on every core. Signatures are independent,
//! so the verdicts do not depend on how the work is split; execution stays on
//! one thread, in block order.
//!
//! Not ed25519-dalek's batch verification: it uses the cofactored equation
//! with random coefficients, so a batch can pass with a signature that
//! `verify_strict` (the chain's rule, which refuses small-order keys and
//! malleable signatures) rejects, and the outcome for such a signature can
//! vary between runs. Consensus needs exactly one answer per signature.

use crate::SignedTransaction;

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
        return txs.iter().map(SignedTransaction::verify_signature).collect();
    }
    let chunk = txs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let mut parts = txs.chunks(chunk);
        let first = parts.next().expect("txs is not empty");
        let others: Vec<_> = parts
            .map(|part| s.spawn(move || part.iter().map(SignedTransaction::verify_signature).collect::<Vec<_>>()))
            .collect();
        let mut verdicts: Vec<bool> = first.iter().map(SignedTransaction::verify_signature).collect();
        for handle in others {
            verdicts.extend(handle.join().expect("signature checks do not panic"));
        }
        verdicts
    })
}

/// Index of the first transaction whose signature does not verify.
pub fn first_bad_signature(txs: &[SignedTransaction]) -> Option<usize> {
    first_bad_signature_on(txs, cores())
}

/// [`first_bad_signature`] on at most `threads` threads (see [`verify_on`]).
pub fn first_bad_signature_on(txs: &[SignedTransaction], threads: usize) -> Option<usize> {
    verify_on(txs, threads).iter().position(|ok| !ok)
}
