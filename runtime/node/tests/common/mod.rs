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
    call_on_chain("procura-dev", key, nonce, method, args)
}

/// A sealed-bid call signed for `chain_id`.
pub fn call_on_chain(chain_id: &str, key: &SigningKey, nonce: u64, method: &str, args: Vec<u8>) -> SignedTransaction {
    Transaction {
        chain_id: chain_id.into(),
        signer: key.verifying_key().to_bytes(),
        nonce,
        gas_limit: 5_000_000,
        action: Action::Call { contract: sealed_bid_address(), method: method.into(), args },
    }
    .sign(key)
}

pub const T0: u64 = 1_767_225_600;

/// A below-threshold, price-only open tender: one lot of 1,000 EUR, bids
/// until T0 + 10 days; with `registry`, bidders must be eligible there.
pub fn below_threshold_tender(registry: Option<Address>) -> (open_tender::TenderParams, Vec<open_tender::LotParams>) {
    const DAY: u64 = 86_400;
    let params = open_tender::TenderParams {
        procedure: open_tender::Procedure::BelowThreshold,
        criterion: open_tender::AwardCriterion::PriceOnly,
        criteria: vec![],
        evaluators: vec![],
        currency: "EUR".into(),
        documents_hash: [1; 32],
        enquiry_end: T0 + 5 * DAY,
        bid_deadline: T0 + 10 * DAY,
        reveal_deadline: T0 + 11 * DAY,
        standstill_secs: 2 * DAY,
        min_bids: 1,
        registry,
        review_body: None,
        auction: None,
    };
    (params, vec![open_tender::LotParams { value: 1_000, description_hash: [2; 32] }])
}

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

/// Produces a full tender in four blocks on a proposer chain.
pub fn run_tender(chain: &mut procura_node::chain::Chain) -> Vec<procura_chain::Block> {
    let buyer = user(1);
    let bidders = [user(2), user(3), user(4)];
    let mut blocks = Vec::new();
    let bid_deadline = T0 + 1_000;
    let reveal_deadline = T0 + 2_000;
    let open = call(&buyer, 0, "open_tender", borsh::to_vec(&(params(bid_deadline, reveal_deadline),)).unwrap());
    let mut txs = vec![open];
    for (i, b) in bidders.iter().enumerate() {
        let (_, _, c) = sealed(0, b, 500 + 100 * i as u128);
        txs.push(call(b, 0, "submit_bid", borsh::to_vec(&(0u64, c)).unwrap()));
    }
    blocks.push(chain.produce(txs, T0 + 10).unwrap().0);
    let reveals = bidders
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (bid, salt, _) = sealed(0, b, 500 + 100 * i as u128);
            call(b, 1, "reveal_bid", borsh::to_vec(&(0u64, bid, salt)).unwrap())
        })
        .collect();
    blocks.push(chain.produce(reveals, bid_deadline).unwrap().0);
    let close = vec![
        call(&buyer, 1, "evaluate", borsh::to_vec(&(0u64,)).unwrap()),
        call(&buyer, 2, "award", borsh::to_vec(&(0u64,)).unwrap()),
        // Fails (wrong role) but is recorded and consumes its nonce.
        call(&bidders[0], 2, "cancel", borsh::to_vec(&(0u64, String::from("no"))).unwrap()),
    ];
    let (b, receipts) = chain.produce(close, reveal_deadline).unwrap();
    assert_eq!(receipts[0].status, procura_chain::ReceiptStatus::Success);
    assert_eq!(receipts[1].status, procura_chain::ReceiptStatus::Success);
    assert!(matches!(&receipts[2].status, procura_chain::ReceiptStatus::Failure(m) if m.contains("only the buyer")));
    blocks.push(b);
    blocks.push(
        chain
            .produce(vec![call(&buyer, 3, "finalize", borsh::to_vec(&(0u64,)).unwrap())], reveal_deadline + 60)
            .unwrap()
            .0,
    );
    blocks
}
