//! Receipts: what a transaction did, recorded whether it succeeded or not.

use borsh::{BorshDeserialize, BorshSerialize};
use procura_primitives::{Event, Hash32};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ReceiptStatus {
    Success,
    /// The call failed; its state changes were discarded, its nonce and gas
    /// were still consumed. The message says why.
    Failure(String),
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Receipt {
    pub tx_hash: Hash32,
    pub status: ReceiptStatus,
    pub gas_used: u64,
    pub return_data: Vec<u8>,
    pub events: Vec<Event>,
}
