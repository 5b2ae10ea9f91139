//! Blocks from another node: a Borsh parent header followed by a Borsh
//! block, both arbitrary. Decoding is canonical and `check_against_parent`
//! answers with a typed `BlockError` (or Ok) without panicking.
#![no_main]

use borsh::BorshDeserialize;
use libfuzzer_sys::fuzz_target;
use procura_chain::{Block, BlockHeader};

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    let Ok(parent) = BlockHeader::deserialize(&mut rest) else { return };
    let Ok(block) = Block::try_from_slice(rest) else { return };
    assert_eq!(borsh::to_vec(&block).unwrap(), rest, "one block, one encoding");
    let _ = block.check_against_parent(&parent);
    // A block checked against its own header, and against a genesis-like
    // parent, exercise the other branches.
    let _ = block.check_against_parent(&block.header.header);
    if block.check_against_parent(&parent).is_ok() {
        assert_eq!(block.height(), parent.height + 1);
        assert!(block.header.verify_signature());
    }
});
