//! Permissions on a real chain: the procuring-entity registry and the
//! validator set come from genesis and change only by a proposal a threshold
//! of governors approved; the open tender asks governance who may open, and
//! block production and validation follow the validator set in state.

mod common;

use common::*;
use governance::Change;
use open_tender::{LotParams, TenderParams};
use procura_chain::{
    account_address, contract_address, Action, Receipt, ReceiptStatus, SignedTransaction, Transaction,
};
use procura_node::chain::{ApplyError, Chain};
use procura_node::genesis::{GenesisConfig, GovernanceGenesis};
use procura_primitives::Address;

fn address_of(name: &str) -> Address {
    let code = std::fs::read(contracts_dir().join(format!("{name}.wasm"))).expect("build the contracts first");
    contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0)
}

fn account(key: &ed25519_dalek::SigningKey) -> Address {
    account_address(&key.verifying_key().to_bytes())
}

struct Nonces(std::collections::BTreeMap<[u8; 32], u64>);

impl Nonces {
    fn tx(
        &mut self,
        key: &ed25519_dalek::SigningKey,
        contract: &str,
        method: &str,
        args: Vec<u8>,
    ) -> SignedTransaction {
        let nonce = self.0.entry(key.verifying_key().to_bytes()).or_default();
        *nonce += 1;
        Transaction {
            chain_id: "procura-dev".into(),
            signer: key.verifying_key().to_bytes(),
            nonce: *nonce - 1,
            gas_limit: 50_000_000,
            action: Action::Call { contract: address_of(contract), method: method.into(), args },
        }
        .sign(key)
    }
}

fn tender_params() -> (TenderParams, Vec<LotParams>) {
    below_threshold_tender(None)
}

fn failure(r: &Receipt) -> &str {
    match &r.status {
        ReceiptStatus::Failure(m) => m,
        ReceiptStatus::Success => panic!("expected a failure"),
    }
}

#[test]
fn entities_and_validators_change_only_by_threshold_approved_proposals() {
    let (g1, g2, g3, outsider, buyer, stranger) = (user(31), user(32), user(33), user(34), user(35), user(36));
    let second_validator = user(40);
    let mut genesis = GenesisConfig::dev(
        hex::encode(validator().verifying_key().to_bytes()),
        vec!["governance".into(), "open-tender".into()],
    );
    genesis.governance = Some(GovernanceGenesis {
        governors: [&g1, &g2, &g3].iter().map(|k| account(k).to_hex()).collect(),
        threshold: 2,
        procuring_entities: vec![account(&buyer).to_hex()],
    });
    let dir = tempfile::tempdir().unwrap();
    let mut chain = Chain::open(dir.path(), genesis.clone(), &contracts_dir(), Some(validator())).unwrap();
    let mut n = Nonces(Default::default());
    let open = borsh::to_vec(&tender_params()).unwrap();
    let time = std::cell::Cell::new(T0 + 10);
    let block = |chain: &mut Chain, txs: Vec<SignedTransaction>| {
        time.set(time.get() + 1);
        chain.produce(txs, time.get()).unwrap().1
    };

    // Only registered procuring entities open tenders.
    let r = block(
        &mut chain,
        vec![
            n.tx(&stranger, "open-tender", "open_tender", open.clone()),
            n.tx(&buyer, "open-tender", "open_tender", open.clone()),
        ],
    );
    assert!(failure(&r[0]).contains("is not a registered procuring entity"), "{:?}", r[0]);
    assert_eq!(r[1].status, ReceiptStatus::Success);

    // A proposal: refused from a non-governor, refused to execute below
    // the threshold, refused to approve from a non-governor.
    let add = |who: &ed25519_dalek::SigningKey| borsh::to_vec(&(Change::AddProcuringEntity(account(who)),)).unwrap();
    let r = block(
        &mut chain,
        vec![
            n.tx(&outsider, "governance", "propose", add(&stranger)),
            n.tx(&g1, "governance", "propose", add(&stranger)),
            n.tx(&g1, "governance", "execute", borsh::to_vec(&(0u64,)).unwrap()),
            n.tx(&outsider, "governance", "approve", borsh::to_vec(&(0u64,)).unwrap()),
        ],
    );
    assert!(failure(&r[0]).contains("is not a governor"));
    assert_eq!(r[1].status, ReceiptStatus::Success);
    assert!(failure(&r[2]).contains("has 1 of the 2 approvals"), "{:?}", r[2]);
    assert!(failure(&r[3]).contains("is not a governor"));
    // The threshold reached: the entity set changes and the stranger opens.
    let r = block(
        &mut chain,
        vec![
            n.tx(&g2, "governance", "approve", borsh::to_vec(&(0u64,)).unwrap()),
            n.tx(&g3, "governance", "execute", borsh::to_vec(&(0u64,)).unwrap()),
            n.tx(&stranger, "open-tender", "open_tender", open.clone()),
        ],
    );
    assert!(r.iter().all(|r| r.status == ReceiptStatus::Success), "{r:?}");

    // The validator set: a node with another key may not produce, and a
    // block it signs is refused, until governance adds its key.
    let other_dir = tempfile::tempdir().unwrap();
    let mut other =
        Chain::open(other_dir.path(), genesis.clone(), &contracts_dir(), Some(second_validator.clone())).unwrap();
    for h in 1..=chain.head().height {
        other.apply(&chain.db.block(h).unwrap().unwrap()).unwrap();
    }
    let refused = other.produce(vec![], time.get() + 1).unwrap_err().to_string();
    assert!(refused.contains("is not in the current validator set"), "{refused}");
    assert_eq!(chain.validators().unwrap(), vec![validator().verifying_key().to_bytes()]);

    let key = second_validator.verifying_key().to_bytes();
    let r = block(
        &mut chain,
        vec![
            n.tx(&g2, "governance", "propose", borsh::to_vec(&(Change::AddValidator(key),)).unwrap()),
            n.tx(&g3, "governance", "approve", borsh::to_vec(&(1u64,)).unwrap()),
            n.tx(&g1, "governance", "execute", borsh::to_vec(&(1u64,)).unwrap()),
        ],
    );
    assert!(r.iter().all(|r| r.status == ReceiptStatus::Success), "{r:?}");
    assert_eq!(chain.validators().unwrap(), vec![validator().verifying_key().to_bytes(), key]);
    other.apply(&chain.db.block(chain.head().height).unwrap().unwrap()).unwrap();
    let (b, _) = other.produce(vec![], time.get() + 2).unwrap();
    chain.apply(&b).expect("a block by the newly added validator is accepted");

    // A block from a key that was never added is refused.
    let rogue_dir = tempfile::tempdir().unwrap();
    let mut rogue = Chain::open(rogue_dir.path(), genesis, &contracts_dir(), Some(user(41))).unwrap();
    for h in 1..=chain.head().height {
        rogue.apply(&chain.db.block(h).unwrap().unwrap()).unwrap();
    }
    assert!(rogue.produce(vec![], time.get() + 3).is_err());
    let (forged, _) = {
        // Produce as the rogue by borrowing the chain's own executor path:
        // sign a header ourselves.
        let parent = chain.head().clone();
        let header = procura_chain::BlockHeader {
            height: parent.height + 1,
            prev_hash: parent.hash(),
            timestamp: parent.timestamp,
            proposer: user(41).verifying_key().to_bytes(),
            tx_root: procura_chain::block::tx_root(&[]),
            state_root: parent.state_root,
            receipts_root: procura_chain::block::receipts_root(&[]),
        };
        (procura_chain::Block { header: header.sign(&user(41)), txs: vec![] }, ())
    };
    assert!(matches!(chain.apply(&forged), Err(ApplyError::NotValidator { .. })));
}
