//! The chain's rule for transaction signatures, checked one at a time or in
//! batches with the same verdict for every signature.
//!
//! The rule is ZIP-215's (as Zcash, Penumbra and tendermint-rs apply it,
//! and the `ed25519-consensus` crate implements it), with small-order keys
//! refused on top:
//! - the key and `R` decode to curve points (non-canonical encodings are
//!   decoded, and hashed as given);
//! - the key is not of small order: under ZIP-215 alone anyone could sign
//!   for such a key without a secret, and no honest key is one;
//! - `s` is canonical (below the group order ℓ);
//! - `[8]([s]B − R − [k]A)` is the identity, `k = SHA-512(R ‖ A ‖ M) mod ℓ`.
//!
//! The cofactored equation is what makes batching safe: a batch passes if
//! and only if every signature passes alone (up to a 2⁻¹²⁸ chance of a bad
//! batch passing, with coefficients an attacker cannot choose), so nodes
//! agree whichever signatures they batch together. ed25519-dalek's
//! `verify_strict` and `verify_batch` use the cofactorless equation, with
//! which a signature carrying a small torsion component can pass in one
//! batch and fail alone. Honest signatures (`SigningKey::sign`) pass all
//! three, so chains signed before this rule replay unchanged.
//!
//! Built from curve25519-dalek's group operations (its AVX2 backend on this
//! hardware); `ed25519-consensus`, whose backend has no AVX2 on stable Rust,
//! is the reference the tests hold this rule to.

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use sha2::{Digest, Sha256, Sha512};
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

/// Keys each of the cache's two generations holds (about 200 bytes a key).
/// When the newer is full it becomes the older and the older is dropped:
/// a key used again within the last 32,768 to 65,536 new keys (a bidder's
/// reveal after its bid, with many bidders in between) is still there,
/// and a flood of one-off keys costs memory it gives back.
const KEY_GENERATION: usize = 32_768;

/// Whether `signature` by `key` over `message` holds.
pub fn verify(key: &[u8; 32], signature: &[u8; 64], message: &[u8]) -> bool {
    Decoded::new(key, signature, message).is_some_and(|d| d.holds())
}

/// [`verify`] for each `(key, signature, message)`, in order: one batch
/// equation for all that decode, and one by one only if the batch fails.
pub fn verify_batch(items: &[(&[u8; 32], &[u8; 64], &[u8])]) -> Vec<bool> {
    let decoded: Vec<Option<Decoded>> = items.iter().map(|(k, s, m)| Decoded::new(k, s, m)).collect();
    let batch: Vec<&Decoded> = decoded.iter().flatten().collect();
    if batch_holds(&batch, &coefficient_seed(items)) {
        return decoded.iter().map(Option::is_some).collect();
    }
    decoded.iter().map(|d| d.as_ref().is_some_and(Decoded::holds)).collect()
}

/// A signature whose parts decode: the points, `s` and `k`.
struct Decoded {
    key: EdwardsPoint,
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
}

impl Decoded {
    fn new(key: &[u8; 32], signature: &[u8; 64], message: &[u8]) -> Option<Self> {
        let (r_bytes, s_bytes) = signature.split_at(32);
        let a = decoded_key(key)?;
        let r = CompressedEdwardsY(r_bytes.try_into().expect("32 bytes")).decompress()?;
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes.try_into().expect("32 bytes")))?;
        let hash: [u8; 64] =
            Sha512::new().chain_update(r_bytes).chain_update(key).chain_update(message).finalize().into();
        Some(Decoded { key: a, r, s, k: Scalar::from_bytes_mod_order_wide(&hash) })
    }

    /// `[8]([s]B − [k]A − R) = 0`.
    fn holds(&self) -> bool {
        let expected_r = EdwardsPoint::vartime_double_scalar_mul_basepoint(&self.k, &-self.key, &self.s);
        (expected_r - self.r).mul_by_cofactor().is_identity()
    }
}

/// The key as a point, if it decodes and is not of small order. Decoding
/// costs a field exponentiation, about a sixth of a batched check, and an
/// account signs many transactions (a bidder its bid and its reveal, a
/// buyer every step of its tenders), so keys that passed are kept. Only the
/// cost depends on the cache, never a verdict: decoding is a pure function.
fn decoded_key(key: &[u8; 32]) -> Option<EdwardsPoint> {
    let cache = key_cache();
    if let Some(point) = cache.read().expect("no thread panics holding the key cache").get(key) {
        return Some(point);
    }
    let point = CompressedEdwardsY(*key).decompress()?;
    if point.is_small_order() {
        return None;
    }
    cache.write().expect("no thread panics holding the key cache").insert(*key, point);
    Some(point)
}

/// Decoded keys in two generations (see [`KEY_GENERATION`]).
#[derive(Default)]
struct KeyCache {
    newer: HashMap<[u8; 32], EdwardsPoint>,
    older: HashMap<[u8; 32], EdwardsPoint>,
}

impl KeyCache {
    fn get(&self, key: &[u8; 32]) -> Option<EdwardsPoint> {
        self.newer.get(key).or_else(|| self.older.get(key)).copied()
    }

    fn insert(&mut self, key: [u8; 32], point: EdwardsPoint) {
        if self.newer.len() >= KEY_GENERATION {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(key, point);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.newer.len() + self.older.len()
    }
}

fn key_cache() -> &'static RwLock<KeyCache> {
    static KEYS: OnceLock<RwLock<KeyCache>> = OnceLock::new();
    KEYS.get_or_init(Default::default)
}

/// Empties the decoded-key cache: benchmarks measure checks of keys never
/// seen before with it.
#[doc(hidden)]
pub fn forget_keys() {
    *key_cache().write().expect("no thread panics holding the key cache") = KeyCache::default();
}

/// `[8](Σ zᵢRᵢ + Σ zᵢkᵢAᵢ − (Σ zᵢsᵢ)B) = 0`, with 128-bit coefficients `zᵢ`
/// drawn from `seed`.
fn batch_holds(batch: &[&Decoded], seed: &[u8; 32]) -> bool {
    if batch.is_empty() {
        return true;
    }
    let z: Vec<Scalar> = (0..batch.len()).map(|i| coefficient(seed, i)).collect();
    let b_coefficient: Scalar = batch.iter().zip(&z).map(|(d, z)| z * d.s).sum();
    let scalars =
        std::iter::once(-b_coefficient).chain(z.iter().copied()).chain(batch.iter().zip(&z).map(|(d, z)| z * d.k));
    let points = std::iter::once(curve25519_dalek::constants::ED25519_BASEPOINT_POINT)
        .chain(batch.iter().map(|d| d.r))
        .chain(batch.iter().map(|d| d.key));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).mul_by_cofactor().is_identity()
}

/// The seed of a batch's coefficients: a digest of everything in it (the
/// Fiat–Shamir way). The coefficients are fixed only once every key,
/// signature and message is, so a forger cannot aim at them, and checking
/// needs no randomness from the operating system.
fn coefficient_seed(items: &[(&[u8; 32], &[u8; 64], &[u8])]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"procura/ed25519-batch/v1");
    for (key, signature, message) in items {
        h.update(key.as_slice());
        h.update(signature.as_slice());
        h.update((message.len() as u64).to_le_bytes());
        h.update(message);
    }
    h.finalize().into()
}

fn coefficient(seed: &[u8; 32], index: usize) -> Scalar {
    let block: [u8; 32] = Sha256::new().chain_update(seed).chain_update((index as u64).to_le_bytes()).finalize().into();
    Scalar::from(u128::from_le_bytes(block[..16].try_into().expect("16 bytes")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use ed25519_dalek::{Signer, SigningKey};

    type Item = ([u8; 32], [u8; 64], Vec<u8>);

    fn signed(seed: u8, message: &[u8]) -> Item {
        let key = SigningKey::from_bytes(&[seed; 32]);
        (key.verifying_key().to_bytes(), key.sign(message).to_bytes(), message.to_vec())
    }

    fn batch_of(items: &[Item]) -> Vec<bool> {
        let refs: Vec<_> = items.iter().map(|(k, s, m)| (k, s, m.as_slice())).collect();
        verify_batch(&refs)
    }

    fn one_by_one(items: &[Item]) -> Vec<bool> {
        items.iter().map(|(k, s, m)| verify(k, s, m)).collect()
    }

    /// The reference: ZIP-215 as `ed25519-consensus` implements it.
    fn zip215(item: &Item) -> bool {
        let (k, s, m) = item;
        ed25519_consensus::VerificationKey::try_from(ed25519_consensus::VerificationKeyBytes::from(*k))
            .and_then(|vk| vk.verify(&ed25519_consensus::Signature::from(*s), m))
            .is_ok()
    }

    fn strict(item: &Item) -> bool {
        let (k, s, m) = item;
        ed25519_dalek::VerifyingKey::from_bytes(k)
            .is_ok_and(|vk| vk.verify_strict(m, &ed25519_dalek::Signature::from_bytes(s)).is_ok())
    }

    /// A signature by `key` whose `R` carries the torsion point `t`: it
    /// holds under the cofactored equation only.
    fn with_torsion_in_r(seed: u8, message: &[u8], t: EdwardsPoint) -> Item {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let a = key.to_scalar();
        let public = key.verifying_key().to_bytes();
        let nonce = Scalar::from(0x1234_5678_u64 + u64::from(seed));
        let r = (ED25519_BASEPOINT_POINT * nonce + t).compress().to_bytes();
        let hash: [u8; 64] = Sha512::new().chain_update(r).chain_update(public).chain_update(message).finalize().into();
        let s = nonce + Scalar::from_bytes_mod_order_wide(&hash) * a;
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(&r);
        signature[32..].copy_from_slice(s.as_bytes());
        (public, signature, message.to_vec())
    }

    #[test]
    fn honest_signatures_hold_under_every_rule() {
        let items: Vec<_> = (0..40u8).map(|i| signed(i, &[i; 100])).collect();
        assert_eq!(batch_of(&items), vec![true; 40]);
        assert!(items.iter().all(|i| verify(&i.0, &i.1, &i.2) && zip215(i) && strict(i)));
    }

    #[test]
    fn batch_single_and_the_reference_agree_on_every_corruption() {
        let mut items: Vec<_> = (0..64u8).map(|i| signed(i, &[i; 50])).collect();
        // One flipped bit in every third item: key, R, s or message.
        for i in (0..64).step_by(3) {
            let bit = (i * 37) % 8;
            match i % 4 {
                0 => items[i].0[i % 32] ^= 1 << bit,
                1 => items[i].1[i % 32] ^= 1 << bit,
                2 => items[i].1[32 + i % 32] ^= 1 << bit,
                _ => items[i].2[i % 50] ^= 1 << bit,
            }
        }
        let single = one_by_one(&items);
        assert_eq!(single, items.iter().map(zip215).collect::<Vec<_>>(), "the reference");
        assert_eq!(batch_of(&items), single);
        assert_eq!(single.iter().filter(|ok| !**ok).count(), (0..64).step_by(3).count(), "every flip breaks one");
        for chunk in items.chunks(7) {
            assert_eq!(batch_of(chunk), one_by_one(chunk));
        }
        assert_eq!(batch_of(&[]), Vec::<bool>::new());
    }

    #[test]
    fn torsion_in_r_is_accepted_alone_and_in_any_batch_as_zip215_says() {
        let honest: Vec<_> = (0..10u8).map(|i| signed(i, b"tender 7")).collect();
        for (n, t) in EIGHT_TORSION.iter().enumerate().skip(1) {
            let odd = with_torsion_in_r(50 + n as u8, b"bid", *t);
            assert!(verify(&odd.0, &odd.1, &odd.2) && zip215(&odd), "torsion point {n}");
            assert!(!strict(&odd), "verify_strict refuses it: the reason the rule changed");
            for at in [0, 5, 10] {
                let mut batch = honest.clone();
                batch.insert(at, odd.clone());
                assert_eq!(batch_of(&batch), vec![true; 11], "torsion point {n} at {at}");
            }
        }
    }

    /// Every encoding of a small-order point that decodes: the canonical
    /// ones, `y + p` where that still fits (y = 0 and y = 1), and the sign
    /// bit set where x = 0.
    fn small_order_encodings() -> Vec<[u8; 32]> {
        let mut encodings: Vec<[u8; 32]> = EIGHT_TORSION.iter().map(|t| t.compress().to_bytes()).collect();
        // p = 2^255 - 19, little-endian; p + y for y = 0, 1.
        for y in [0u8, 1] {
            let mut e = [0xff; 32];
            e[0] = 0xed + y;
            e[31] = 0x7f;
            encodings.push(e);
        }
        for e in encodings.clone() {
            let mut flipped = e;
            flipped[31] ^= 0x80;
            encodings.push(flipped);
        }
        encodings.sort();
        encodings.dedup();
        encodings.retain(|e| CompressedEdwardsY(*e).decompress().is_some());
        encodings
    }

    #[test]
    fn r_in_any_encoding_of_a_small_order_point_gets_the_references_verdict() {
        let key = SigningKey::from_bytes(&[77; 32]);
        let public = key.verifying_key().to_bytes();
        let encodings = small_order_encodings();
        assert!(encodings.len() > 8, "non-canonical encodings are among them: {}", encodings.len());
        let mut items = Vec::new();
        for r in encodings {
            // R is a small-order point, so [s]B = [k]A makes the cofactored
            // equation hold; k hashes R's bytes as given.
            let hash: [u8; 64] =
                Sha512::new().chain_update(r).chain_update(public).chain_update(b"lot").finalize().into();
            let s = Scalar::from_bytes_mod_order_wide(&hash) * key.to_scalar();
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&r);
            signature[32..].copy_from_slice(s.as_bytes());
            items.push((public, signature, b"lot".to_vec()));
        }
        let single = one_by_one(&items);
        assert_eq!(single, items.iter().map(zip215).collect::<Vec<_>>(), "the reference");
        assert!(single.iter().any(|ok| *ok) && items.iter().all(|i| !strict(i)));
        assert_eq!(batch_of(&items), single);
    }

    #[test]
    fn a_key_in_any_encoding_of_a_small_order_point_signs_nothing() {
        for key in small_order_encodings() {
            let mut forged = [0u8; 64];
            forged[..32].copy_from_slice(&key);
            assert!(!verify(&key, &forged, b"pay me"), "{key:?}");
            assert_eq!(batch_of(&[(key, forged, b"pay me".to_vec()), signed(1, b"pay me")]), [false, true]);
        }
    }

    #[test]
    fn a_known_key_gets_the_verdict_it_got_when_new_and_a_refused_key_is_never_kept() {
        let items: Vec<Item> = (0..8).map(|i| signed(200 + i, b"known key")).collect();
        let mut tampered = items.clone();
        tampered[3].2 = b"another message".to_vec();
        tampered[5].1[40] ^= 1;
        let expected: Vec<bool> = tampered.iter().map(zip215).collect();
        assert_eq!(expected.iter().filter(|ok| !**ok).count(), 2, "two tampered signatures");
        // First sight, then with every key decoded before.
        for _ in 0..2 {
            assert_eq!(one_by_one(&items), [true; 8]);
            assert_eq!(one_by_one(&tampered), expected);
            assert_eq!(batch_of(&tampered), expected);
        }
        for key in small_order_encodings() {
            let mut forged = [0u8; 64];
            forged[..32].copy_from_slice(&key);
            for _ in 0..2 {
                assert!(!verify(&key, &forged, b"pay me"));
            }
            assert!(key_cache().read().unwrap().get(&key).is_none(), "{key:?} is kept");
        }
    }

    /// A key used again after up to a generation of other new keys is still
    /// known; the cache never holds more than two generations.
    #[test]
    fn the_key_cache_keeps_the_last_two_generations() {
        let point = curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
        let key = |i: usize| -> [u8; 32] { Sha256::digest(i.to_le_bytes()).into() };
        let mut cache = KeyCache::default();
        for i in 0..KEY_GENERATION {
            cache.insert(key(i), point);
        }
        for i in KEY_GENERATION..2 * KEY_GENERATION {
            cache.insert(key(i), point);
            assert!(cache.get(&key(i - KEY_GENERATION + 1)).is_some(), "key {} is kept", i - KEY_GENERATION + 1);
        }
        assert_eq!(cache.len(), 2 * KEY_GENERATION);
        cache.insert(key(2 * KEY_GENERATION), point);
        assert!(cache.get(&key(0)).is_none() && cache.get(&key(KEY_GENERATION - 1)).is_none(), "the oldest went");
        assert!(cache.get(&key(KEY_GENERATION)).is_some() && cache.get(&key(2 * KEY_GENERATION)).is_some());
        assert_eq!(cache.len(), KEY_GENERATION + 1);
    }

    #[test]
    fn a_small_order_key_signs_nothing_although_zip215_alone_would_accept() {
        // The identity point as key, R the identity, s = 0: the equation
        // holds for every message, with no secret involved.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut forged = [0u8; 64];
        forged[..32].copy_from_slice(&identity);
        let forgery = (identity, forged, b"pay me".to_vec());
        assert!(zip215(&forgery), "valid under ZIP-215 alone");
        assert!(!verify(&identity, &forged, b"pay me"));
        assert_eq!(batch_of(&[forgery, signed(1, b"pay me")]), [false, true]);
    }

    #[test]
    fn a_non_canonical_s_is_refused_by_every_rule() {
        let (key, mut signature, message) = signed(3, b"award");
        // s + ℓ: the same scalar, not canonically encoded.
        const ELL: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let ell_plus_s = (signature[32..].iter().zip(&ELL))
            .scan(0u16, |carry, (a, b)| {
                let sum = u16::from(*a) + u16::from(*b) + *carry;
                *carry = sum >> 8;
                Some(sum as u8)
            })
            .collect::<Vec<u8>>();
        signature[32..].copy_from_slice(&ell_plus_s);
        let item = (key, signature, message);
        assert!(!verify(&item.0, &item.1, &item.2) && !zip215(&item) && !strict(&item));
        assert_eq!(batch_of(&[item, signed(4, b"award")]), [false, true]);
    }
}
