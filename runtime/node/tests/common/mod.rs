//! Helpers shared by the node's integration tests.
#![allow(dead_code)]

use ed25519_dalek::SigningKey;
use procura_chain::{contract_address, Action, SignedTransaction, Transaction};
use procura_node::chain::Chain;
use procura_node::genesis::GenesisConfig;
use procura_primitives::Address;
use sealed_bid::{commitment, Bid, TenderParams};
use std::path::PathBuf;

pub fn contracts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/contracts")
}

pub fn sealed_bid_address() -> Address {
    let code = std::fs::read(contracts_dir().join("sealed-bid.wasm"))
        .expect("build the contracts first: scripts/build-contracts");
    contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0)
}

pub fn validator() -> SigningKey {
    SigningKey::from_bytes(&[0x11; 32])
}

pub fn genesis() -> GenesisConfig {
    GenesisConfig::dev(hex::encode(validator().verifying_key().to_bytes()), vec!["sealed-bid".into()])
}

pub fn open_chain(dir: &std::path::Path, proposer: bool) -> Chain {
    Chain::open(dir, genesis(), &contracts_dir(), proposer.then(validator)).expect("chain opens")
}

pub fn user(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

pub fn call(key: &SigningKey, nonce: u64, method: &str, args: Vec<u8>) -> SignedTransaction {
    Transaction {
        chain_id: "procura-dev".into(),
        signer: key.verifying_key().to_bytes(),
        nonce,
        gas_limit: 5_000_000,
        action: Action::Call { contract: sealed_bid_address(), method: method.into(), args },
    }
    .sign(key)
}

pub const T0: u64 = 1_767_225_600;

pub fn params(bid_deadline: u64, reveal_deadline: u64) -> TenderParams {
    TenderParams {
        description_hash: [1; 32],
        budget: 1_000_000,
        currency: "EUR".into(),
        bid_deadline,
        reveal_deadline,
        min_bids: 2,
        standstill_secs: 60,
    }
}

pub fn sealed(tender: u64, bidder: &SigningKey, price: u128) -> (Bid, [u8; 32], [u8; 32]) {
    let addr = procura_chain::account_address(&bidder.verifying_key().to_bytes());
    let bid = Bid { tender_id: tender, bidder: addr, price };
    let salt = [bidder.to_bytes()[0]; 32];
    let c = commitment(&bid, &salt);
    (bid, salt, c)
}
