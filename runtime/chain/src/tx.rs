//! Transactions: Borsh-encoded, signed with ed25519 over the canonical
//! encoding of the unsigned body. The tx hash is sha256 of the canonical
//! encoding of the signed transaction.

use borsh::{BorshDeserialize, BorshSerialize};
use ed25519_dalek::{Signer, SigningKey};
use procura_primitives::{Address, Hash32};
use sha2::{Digest, Sha256};

/// Domain separators: a signature or address of one kind can never be
/// mistaken for another.
const TX_DOMAIN: &[u8] = b"procura/tx/v1";
const ACCOUNT_DOMAIN: &[u8] = b"procura/account/v1";
const CONTRACT_DOMAIN: &[u8] = b"procura/contract/v1";

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum Action {
    /// Store a Wasm module; it is validated and addressed by its sha256.
    UploadCode { code: Vec<u8> },
    /// Create a contract from uploaded code, running its `init` method.
    Instantiate { code_hash: Hash32, init_args: Vec<u8>, salt: u64 },
    /// Call a method with Borsh-encoded arguments.
    Call { contract: Address, method: String, args: Vec<u8> },
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Transaction {
    pub chain_id: String,
    pub signer: [u8; 32],
    pub nonce: u64,
    pub gas_limit: u64,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SignedTransaction {
    pub tx: Transaction,
    pub signature: [u8; 64],
}

/// An account's address: sha256 of a domain tag and its public key.
pub fn account_address(public_key: &[u8; 32]) -> Address {
    let mut h = Sha256::new();
    h.update(ACCOUNT_DOMAIN);
    h.update(public_key);
    Address(h.finalize().into())
}

/// A contract's address: fixed by who instantiated it, from which code and
/// with which salt, so every node derives the same one.
pub fn contract_address(creator: &Address, code_hash: &Hash32, salt: u64) -> Address {
    let mut h = Sha256::new();
    h.update(CONTRACT_DOMAIN);
    h.update(creator.0);
    h.update(code_hash);
    h.update(salt.to_be_bytes());
    Address(h.finalize().into())
}

impl Transaction {
    /// The bytes the signer signs.
    pub fn signing_bytes(&self) -> Vec<u8> {
        let mut bytes = TX_DOMAIN.to_vec();
        self.serialize(&mut bytes).expect("encoding to a Vec cannot fail");
        bytes
    }

    pub fn sign(self, key: &SigningKey) -> SignedTransaction {
        let signature = key.sign(&self.signing_bytes()).to_bytes();
        SignedTransaction { tx: self, signature }
    }

    pub fn sender(&self) -> Address {
        account_address(&self.signer)
    }
}

impl SignedTransaction {
    pub fn encode(&self) -> Vec<u8> {
        borsh::to_vec(self).expect("encoding to a Vec cannot fail")
    }

    /// Decodes exactly one transaction; trailing bytes are an error, so one
    /// transaction has exactly one encoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, borsh::io::Error> {
        borsh::from_slice(bytes)
    }

    pub fn hash(&self) -> Hash32 {
        Sha256::digest(self.encode()).into()
    }

    /// Whether the signature holds under the chain's rule
    /// ([`crate::ed25519`]).
    pub fn verify_signature(&self) -> bool {
        crate::ed25519::verify(&self.tx.signer, &self.signature, &self.tx.signing_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn call_tx(key: &SigningKey, nonce: u64) -> Transaction {
        Transaction {
            chain_id: "procura-dev".into(),
            signer: key.verifying_key().to_bytes(),
            nonce,
            gas_limit: 1_000_000,
            action: Action::Call { contract: Address([3; 32]), method: "submit_bid".into(), args: vec![1, 2, 3] },
        }
    }

    #[test]
    fn signatures_verify_and_any_change_breaks_them() {
        let k = key(1);
        let signed = call_tx(&k, 0).sign(&k);
        assert!(signed.verify_signature());
        let mut tampered = signed.clone();
        tampered.tx.nonce = 1;
        assert!(!tampered.verify_signature());
        let mut other_signer = signed.clone();
        other_signer.tx.signer = key(2).verifying_key().to_bytes();
        assert!(!other_signer.verify_signature());
        let mut bad_sig = signed;
        bad_sig.signature[0] ^= 1;
        assert!(!bad_sig.verify_signature());
    }

    #[test]
    fn addresses_are_derived_deterministically_and_distinctly() {
        let pk = key(1).verifying_key().to_bytes();
        assert_eq!(account_address(&pk), account_address(&pk));
        assert_ne!(account_address(&pk), account_address(&key(2).verifying_key().to_bytes()));
        let creator = account_address(&pk);
        assert_ne!(contract_address(&creator, &[0; 32], 0), contract_address(&creator, &[0; 32], 1));
        assert_ne!(contract_address(&creator, &[0; 32], 0), Address(pk));
    }

    #[test]
    fn trailing_bytes_are_refused() {
        let k = key(1);
        let mut bytes = call_tx(&k, 0).sign(&k).encode();
        bytes.push(0);
        assert!(SignedTransaction::decode(&bytes).is_err());
    }

    proptest! {
        #[test]
        fn encoding_round_trips_and_hash_is_stable(nonce in any::<u64>(), gas in any::<u64>(), args in proptest::collection::vec(any::<u8>(), 0..64), method in "[a-z_]{1,20}") {
            let k = key(9);
            let mut tx = call_tx(&k, nonce);
            tx.gas_limit = gas;
            tx.action = Action::Call { contract: Address([4; 32]), method, args };
            let signed = tx.sign(&k);
            let decoded = SignedTransaction::decode(&signed.encode()).unwrap();
            prop_assert_eq!(&decoded, &signed);
            prop_assert_eq!(decoded.hash(), signed.hash());
            prop_assert!(decoded.verify_signature());
        }
    }
}
