//! The layout of the state's plain key space. Each kind of entry has a
//! one-byte tag, so kinds never collide and a contract's storage is a
//! contiguous, ordered range.

use borsh::{BorshDeserialize, BorshSerialize};
use procura_primitives::{Address, Hash32};

const ACCOUNT: u8 = b'a';
const CODE: u8 = b'c';
const CONTRACT: u8 = b'k';
const STORAGE: u8 = b's';

pub struct StateKey;

impl StateKey {
    pub fn account(address: &Address) -> Vec<u8> {
        tagged(ACCOUNT, &address.0)
    }
    pub fn code(code_hash: &Hash32) -> Vec<u8> {
        tagged(CODE, code_hash)
    }
    pub fn contract(address: &Address) -> Vec<u8> {
        tagged(CONTRACT, &address.0)
    }
    /// The prefix of a contract's storage; the contract's own key follows.
    pub fn storage_prefix(contract: &Address) -> Vec<u8> {
        tagged(STORAGE, &contract.0)
    }
    pub fn storage(contract: &Address, key: &[u8]) -> Vec<u8> {
        let mut k = Self::storage_prefix(contract);
        k.extend_from_slice(key);
        k
    }
}

fn tagged(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + body.len());
    k.push(tag);
    k.extend_from_slice(body);
    k
}

#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Account {
    /// The nonce the account's next transaction must carry.
    pub next_nonce: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ContractInfo {
    pub code_hash: Hash32,
    pub creator: Address,
    pub created_at: u64,
}
