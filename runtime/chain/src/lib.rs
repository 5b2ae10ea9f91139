//! `procura-chain`: what the chain records. Today: signed transactions
//! ([`tx`]), their admission checks ([`admission`]), receipts
//! ([`receipt`]), and signed, hash-linked blocks ([`block`]) with Merkle
//! roots ([`merkle`]).

pub mod admission;
pub mod block;
pub mod ed25519;
pub mod merkle;
pub mod receipt;
pub mod signatures;
pub mod tx;

pub use admission::{
    admit, admit_prechecked, check, check_presigned, AccountView, AdmissionError, AdmissionRules, Prechecked,
};
pub use block::{Block, BlockError, BlockHeader, SignedHeader};
pub use receipt::{Receipt, ReceiptStatus};
pub use signatures::{
    cores, first_bad_signature, first_bad_signature_on, verify_all, verify_batch, verify_on, ChecksAhead, SharedChecks,
};
pub use tx::{account_address, contract_address, Action, SignedTransaction, Transaction};
