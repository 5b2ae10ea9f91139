//! `procura-chain`: what the chain records. Today: signed transactions
//! ([`tx`]), their admission checks ([`admission`]), receipts
//! ([`receipt`]), and signed, hash-linked blocks ([`block`]) with Merkle
//! roots ([`merkle`]).

pub mod admission;
pub mod block;
pub mod merkle;
pub mod receipt;
pub mod signatures;
pub mod tx;

pub use admission::{admit, check, check_presigned, AccountView, AdmissionError, AdmissionRules};
pub use block::{Block, BlockError, BlockHeader, SignedHeader};
pub use receipt::{Receipt, ReceiptStatus};
pub use signatures::{first_bad_signature, verify_all};
pub use tx::{account_address, contract_address, Action, SignedTransaction, Transaction};
