//! `procura-chain`: what the chain records. Today: signed transactions
//! ([`tx`]), their admission checks ([`admission`]) and receipts
//! ([`receipt`]). Blocks, state and storage follow (issue 3).

pub mod admission;
pub mod receipt;
pub mod tx;

pub use admission::{admit, AccountView, AdmissionError, AdmissionRules};
pub use receipt::{Receipt, ReceiptStatus};
pub use tx::{account_address, contract_address, Action, SignedTransaction, Transaction};
