//! The chain end to end, in process: blocks of signed sealed-bid calls,
//! two independent nodes agreeing on every root, proofs at old heights,
//! refusal of tampered blocks, and persistence across reopen.

mod common;
use common::*;
use procura_chain::ReceiptStatus;
use procura_node::chain::{ApplyError, TxSignatures};
use procura_state::{verify_proof, StateKey, StateProof};

/// A chain that ran the tender, its blocks, and a fresh chain beside it
/// (with the proposer key if asked). The directories come first so that
/// they outlive both chains when a test destructures this.
struct TenderAndFresh {
    _dirs: [tempfile::TempDir; 2],
    a: procura_node::chain::Chain,
    blocks: Vec<procura_chain::Block>,
    b: procura_node::chain::Chain,
}

fn tender_and_fresh(b_proposes: bool) -> TenderAndFresh {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut a = open_chain(dirs[0].path(), true);
    let blocks = run_tender(&mut a);
    let b = open_chain(dirs[1].path(), b_proposes);
    TenderAndFresh { _dirs: dirs, a, blocks, b }
}

#[test]
fn two_nodes_fed_the_same_blocks_agree_on_every_root() {
    let TenderAndFresh { _dirs, a, blocks, mut b } = tender_and_fresh(false);
    assert_eq!(a.genesis_hash().unwrap(), b.genesis_hash().unwrap());
    for block in &blocks {
        let receipts = b.apply(block).unwrap();
        assert_eq!(procura_chain::block::receipts_root(&receipts), block.header.header.receipts_root);
        assert_eq!(b.head(), &block.header.header);
    }
    assert_eq!(a.head().hash(), b.head().hash());
    assert_eq!(a.head().state_root, b.head().state_root);
    // The failed call still consumed the bidder's nonce.
    let bidder = procura_chain::account_address(&user(2).verifying_key().to_bytes());
    assert_eq!(b.account(&bidder).next_nonce, 3);
}

#[test]
fn a_block_whose_roots_disagree_with_execution_is_refused() {
    let TenderAndFresh { _dirs, blocks, mut b, .. } = tender_and_fresh(false);
    let mut forged = blocks[0].clone();
    forged.header.header.state_root = [9; 32];
    forged.header = forged.header.header.clone().sign(&validator());
    assert!(matches!(b.apply(&forged), Err(ApplyError::RootMismatch { what: "state", .. })));
    assert_eq!(b.head().height, 0, "nothing was committed");
    let mut by_stranger = blocks[0].clone();
    by_stranger.header.header.proposer = user(9).verifying_key().to_bytes();
    by_stranger.header = by_stranger.header.header.clone().sign(&user(9));
    assert!(matches!(b.apply(&by_stranger), Err(ApplyError::NotValidator { .. })));
    let mut replayed_tx = blocks[0].clone();
    replayed_tx.txs.push(replayed_tx.txs[0].clone());
    replayed_tx.header.header.tx_root = procura_chain::block::tx_root(&replayed_tx.txs);
    replayed_tx.header = replayed_tx.header.header.clone().sign(&validator());
    assert!(matches!(b.apply(&replayed_tx), Err(ApplyError::BadTx { .. })));
    b.apply(&blocks[0]).unwrap();
}

#[test]
fn values_at_old_heights_are_readable_with_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open_chain(dir.path(), true);
    let blocks = run_tender(&mut chain);
    let buyer = procura_chain::account_address(&user(1).verifying_key().to_bytes());
    let key = StateKey::account(&buyer);
    let at1 = StateProof::read(&*chain.db, &key, 1).unwrap();
    let nonce_at_1: procura_state::Account = borsh::from_slice(at1.value.as_ref().unwrap()).unwrap();
    assert_eq!(nonce_at_1.next_nonce, 1);
    verify_proof(&blocks[0].header.header.state_root, &at1).unwrap();
    let now = StateProof::read(&*chain.db, &key, 4).unwrap();
    let nonce_now: procura_state::Account = borsh::from_slice(now.value.as_ref().unwrap()).unwrap();
    assert_eq!(nonce_now.next_nonce, 4);
    verify_proof(&chain.head().state_root, &now).unwrap();
    assert!(verify_proof(&chain.head().state_root, &at1).is_err());
    let mut tampered = now;
    tampered.value = Some(borsh::to_vec(&procura_state::Account { next_nonce: 0 }).unwrap());
    assert!(verify_proof(&chain.head().state_root, &tampered).is_err());
    let absent = StateProof::read(&*chain.db, &StateKey::account(&procura_primitives::Address([7; 32])), 4).unwrap();
    assert!(absent.value.is_none());
    verify_proof(&chain.head().state_root, &absent).unwrap();
}

#[test]
fn a_data_directory_refuses_another_genesis() {
    let dir = tempfile::tempdir().unwrap();
    drop(open_chain(dir.path(), true));
    let mut other = genesis();
    other.chain_id = "another-chain".into();
    let err = procura_node::chain::Chain::open(dir.path(), other, &contracts_dir(), None).err().expect("refused");
    assert!(err.to_string().contains("another genesis configuration"), "{err}");
}

#[test]
fn a_reopened_node_continues_from_its_head() {
    let dir = tempfile::tempdir().unwrap();
    let head = {
        let mut chain = open_chain(dir.path(), true);
        run_tender(&mut chain);
        chain.head().clone()
    };
    let mut chain = open_chain(dir.path(), true);
    assert_eq!(chain.head(), &head);
    let buyer = user(1);
    let next = call(&buyer, 4, "cancel", borsh::to_vec(&(0u64, String::from("x"))).unwrap());
    let (block, receipts) = chain.produce(vec![next], head.timestamp).unwrap();
    assert_eq!(block.header.header.prev_hash, head.hash());
    assert!(matches!(&receipts[0].status, ReceiptStatus::Failure(m) if m.contains("cannot cancel")));
}

/// A block produced behind (its tree, roots and signature finished on the
/// commit thread) is the block `build` makes on this thread, byte for
/// byte: the replicated proposer and the solo node make the same blocks.
#[test]
fn a_block_sealed_behind_is_the_block_built_in_place() {
    let TenderAndFresh { _dirs, a, blocks, mut b } = tender_and_fresh(true);
    for block in &blocks {
        let h = &block.header.header;
        let (built, executed) = b.build(block.txs.clone(), h.timestamp, TxSignatures::Check).unwrap();
        assert_eq!(&built, block, "block {}", h.height);
        b.commit(&built, executed).unwrap();
    }
    assert_eq!(b.head(), a.head());
}

/// `apply_behind` checks the state root on the commit thread: a block that
/// lies about it is accepted for now, refused by the next call (at its own
/// height, ahead of anything wrong with the later block), and never
/// written; the head goes back to its parent. Building on top of it meanwhile
/// waits for its tree.
#[test]
fn a_wrong_state_root_found_behind_is_refused_and_leaves_nothing() {
    let TenderAndFresh { _dirs, a, blocks, mut b } = tender_and_fresh(true);
    b.apply_behind(&blocks[0], TxSignatures::Check).unwrap();
    let mut forged = blocks[1].clone();
    forged.header.header.state_root = [9; 32];
    forged.header = forged.header.header.clone().sign(&validator());
    b.apply_behind(&forged, TxSignatures::Check).expect("the state root is not checked yet");
    assert_eq!(b.head(), &forged.header.header);
    // A block built on top meanwhile reads the forged block's tree through it.
    b.produce_behind(vec![], forged.header.header.timestamp, TxSignatures::Check)
        .expect_err("its parent's write is refused when it is committed");
    assert_eq!(b.head(), &blocks[0].header.header, "back to the last good block");
    assert_eq!(b.db.head().unwrap(), Some(1));
    assert!(b.db.block(2).unwrap().is_none(), "the forged block is not written");
    // The same refusal through the next apply, reported at the forged height.
    b.apply_behind(&forged, TxSignatures::Check).unwrap();
    let err = b.apply_behind(&blocks[2], TxSignatures::Check).unwrap_err();
    assert!(matches!(err, ApplyError::RootMismatch { height: 2, what: "state", .. }), "{err}");
    assert_eq!(b.head(), &blocks[0].header.header);
    // The honest block applies afterwards.
    for block in &blocks[1..] {
        b.apply_behind(block, TxSignatures::Check).unwrap();
    }
    b.flush().unwrap();
    assert_eq!(b.head(), a.head());
}

/// Write-behind: each block is checked (or built) while the block before is
/// still being written, reading through it: the nonces, contract state and
/// tree nodes it left. The result must be exactly that of durable heads,
/// and nothing shows a block as durable before it is.
#[test]
fn blocks_checked_or_built_on_a_block_still_being_written_are_those_of_a_durable_head() {
    let (a_dir, b_dir, c_dir) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = open_chain(a_dir.path(), true);
    let blocks = run_tender(&mut a);
    {
        let mut b = open_chain(b_dir.path(), false);
        for (i, block) in blocks.iter().enumerate() {
            let h = &block.header.header;
            let applied = b.apply_behind(block, TxSignatures::Check).unwrap();
            assert_eq!(procura_chain::block::receipts_root(&applied.receipts), h.receipts_root);
            assert_eq!(b.head(), h);
            // The block's tree update runs while the one before is written.
            let durable = if i == 0 { h.height - 1 } else { h.height - 2 };
            assert_eq!(b.durable_head().height, durable, "block {}", h.height);
            let in_flight = &blocks[i.saturating_sub(1)..=i];
            assert!(in_flight.iter().flat_map(|b| &b.txs).all(|t| b.is_being_written(&t.hash())));
        }
        b.flush().unwrap();
        assert_eq!(b.durable_head(), a.head());
        assert!(!b.is_being_written(&blocks[3].txs[0].hash()));
        let last = blocks.last().unwrap();
        assert_eq!(b.db.block(last.height()).unwrap().as_ref(), Some(last));
        // Produced behind: each block executes while the one before is
        // still being sealed (tree, header, signature), and is sealed while
        // that one is written.
        let mut c = open_chain(c_dir.path(), true);
        for (i, block) in blocks.iter().enumerate() {
            let h = &block.header.header;
            let produced = c.produce_behind(block.txs.clone(), h.timestamp, TxSignatures::Check).unwrap();
            assert_eq!(produced.height, h.height);
            assert_eq!(procura_chain::block::receipts_root(&produced.receipts), h.receipts_root);
            assert!(c.is_sealing());
            assert_eq!(c.tip().0, h.height);
            assert_eq!(c.head().height, h.height - 1, "block {} has no header yet", h.height);
            // The block before is being written, the one before that is durable.
            let durable = if i == 0 { h.height - 1 } else { h.height - 2 };
            assert_eq!(c.durable_head().height, durable, "block {}", h.height);
            let in_flight = &blocks[i.saturating_sub(1)..=i];
            assert!(in_flight.iter().flat_map(|b| &b.txs).all(|t| c.is_being_written(&t.hash())));
            assert!(c.build(vec![], h.timestamp, TxSignatures::Check).is_err(), "no building on an unsealed head");
            assert!(c.check(block, TxSignatures::Check).is_err(), "no checking against an unsealed head");
            let sealed = c.take_sealed();
            match i {
                0 | 1 => assert!(sealed.is_none(), "no block is durable yet"),
                _ => assert_eq!(sealed.as_ref(), Some(&blocks[i - 2]), "block {} sealed behind", h.height - 2),
            }
        }
        c.flush().unwrap();
        assert_eq!(c.take_sealed().as_ref(), blocks.get(blocks.len() - 2));
        assert_eq!(c.take_sealed().as_ref(), blocks.last());
        assert_eq!(c.take_sealed(), None);
        assert_eq!(c.head(), a.head());
        assert!(!c.is_sealing());
        // The block in flight at the end is durable once the chain is dropped.
        let buyer = user(1);
        let next = call(&buyer, 4, "cancel", borsh::to_vec(&(0u64, String::from("x"))).unwrap());
        let extra = c.produce_behind(vec![next], a.head().timestamp, TxSignatures::Check).unwrap();
        assert_eq!(c.durable_head(), a.head());
        drop(c);
        let reopened = open_chain(c_dir.path(), true);
        assert_eq!(reopened.head().height, extra.height);
        assert_eq!(reopened.head().prev_hash, a.head().hash());
    }
    let b = open_chain(b_dir.path(), false);
    assert_eq!(b.head(), a.head());
}
