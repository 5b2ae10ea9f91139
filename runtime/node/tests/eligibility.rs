//! Cross-contract views on a real chain: the dev genesis deploys the supplier
//! registry (operated by the validator's account, set by its init args) and
//! the open tender; the executor lets the tender ask the registry, within the
//! same block, whether each bidder is eligible.

mod common;

use common::*;
use open_tender::{commitment, Bid};
use procura_chain::{account_address, contract_address, Action, ReceiptStatus, SignedTransaction, Transaction};
use procura_node::chain::Chain;
use procura_node::genesis::GenesisConfig;
use procura_primitives::Address;

const DAY: u64 = 86_400;

fn address_of(name: &str) -> Address {
    let code = std::fs::read(contracts_dir().join(format!("{name}.wasm"))).expect("build the contracts first");
    contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0)
}

fn tx(key: &ed25519_dalek::SigningKey, nonce: u64, contract: &str, method: &str, args: Vec<u8>) -> SignedTransaction {
    Transaction {
        chain_id: "procura-dev".into(),
        signer: key.verifying_key().to_bytes(),
        nonce,
        gas_limit: 20_000_000,
        action: Action::Call { contract: address_of(contract), method: method.into(), args },
    }
    .sign(key)
}

fn account(key: &ed25519_dalek::SigningKey) -> Address {
    account_address(&key.verifying_key().to_bytes())
}

#[test]
fn the_tender_asks_the_registry_within_the_block() {
    let dir = tempfile::tempdir().unwrap();
    let genesis = GenesisConfig::dev(
        hex::encode(validator().verifying_key().to_bytes()),
        vec!["open-tender".into(), "supplier-registry".into()],
    );
    let mut chain = Chain::open(dir.path(), genesis, &contracts_dir(), Some(validator())).unwrap();
    let operator = validator();
    let (buyer, acme, stranger) = (user(1), user(2), user(3));
    let registry = address_of("supplier-registry");
    let (params, lots) = below_threshold_tender(Some(registry));
    let sealed = |who: &ed25519_dalek::SigningKey| {
        commitment(&Bid { tender_id: 0, lot_id: 0, bidder: account(who), price: 900, life_cycle_cost: 0 }, &[3; 32])
    };
    // One block: the registration comes before the bid that depends on it,
    // so the registry's answer must see the block's own pending state.
    let txs = vec![
        tx(&buyer, 0, "open-tender", "open_tender", borsh::to_vec(&(params, lots)).unwrap()),
        tx(&acme, 0, "supplier-registry", "register", borsh::to_vec(&("UA-EDR:40996564", "Acme")).unwrap()),
        tx(&acme, 1, "open-tender", "submit_bid", borsh::to_vec(&(0u64, 0u32, sealed(&acme))).unwrap()),
        tx(&stranger, 0, "open-tender", "submit_bid", borsh::to_vec(&(0u64, 0u32, sealed(&stranger))).unwrap()),
    ];
    let (_, receipts) = chain.produce(txs, T0 + 10).unwrap();
    let status: Vec<_> = receipts.iter().map(|r| &r.status).collect();
    assert_eq!(status[..3], [&ReceiptStatus::Success; 3], "{status:?}");
    assert!(matches!(status[3], ReceiptStatus::Failure(m) if m.contains("not eligible")), "{status:?}");

    // The validator's account operates the dev registry: it may debar.
    let debar = tx(
        &operator,
        0,
        "supplier-registry",
        "debar",
        borsh::to_vec(&(account(&acme), T0 + 400 * DAY, "fraud")).unwrap(),
    );
    let rebid = tx(&acme, 2, "open-tender", "submit_bid", borsh::to_vec(&(0u64, 0u32, sealed(&acme))).unwrap());
    let (_, receipts) = chain.produce(vec![debar, rebid], T0 + 20).unwrap();
    assert_eq!(receipts[0].status, ReceiptStatus::Success);
    assert!(matches!(&receipts[1].status, ReceiptStatus::Failure(m) if m.contains("not eligible")));

    // A second node applying the same blocks reaches the same roots.
    let other_dir = tempfile::tempdir().unwrap();
    let genesis = chain.genesis.clone();
    let mut other = Chain::open(other_dir.path(), genesis, &contracts_dir(), None).unwrap();
    for h in 1..=chain.head().height {
        let block = chain.db.block(h).unwrap().unwrap();
        other.apply(&block).unwrap();
    }
    assert_eq!(other.head().hash(), chain.head().hash());
}
