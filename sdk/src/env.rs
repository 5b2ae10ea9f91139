//! Who is calling, which contract runs, and in which block.

use crate::host;
use procura_primitives::Address;

/// The account that signed the transaction calling this contract.
pub fn caller() -> Address {
    host::caller()
}

/// This contract's address.
pub fn contract_address() -> Address {
    host::contract_address()
}

pub fn block_height() -> u64 {
    host::block_height()
}

/// Block time in unix seconds, set by the proposer and monotonic.
pub fn block_time() -> u64 {
    host::block_time()
}
