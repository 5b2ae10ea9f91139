//! Inputs that once crashed the `tx_admission` and `block_check` fuzz
//! targets (fuzz/regressions/<target>/), replayed through the same checks.

use borsh::BorshDeserialize;
use procura_chain::{admit, AccountView, AdmissionRules, Block, BlockError, BlockHeader, SignedTransaction};
use procura_primitives::{Address, Hash32};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../../fuzz/regressions/{target}", env!("CARGO_MANIFEST_DIR"));
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

struct View;

impl AccountView for View {
    fn next_nonce(&self, _: &Address) -> u64 {
        0
    }
    fn has_code(&self, code_hash: &Hash32) -> bool {
        code_hash[0] % 2 == 0
    }
    fn has_contract(&self, contract: &Address) -> bool {
        contract.0[0] % 2 == 0
    }
}

#[test]
fn tx_admission_regressions() {
    let rules = AdmissionRules { chain_id: "procura-dev".into(), block_gas_limit: 10_000_000_000, max_tx_bytes: 4096 };
    for (name, data) in inputs("tx_admission") {
        if let Ok(tx) = SignedTransaction::decode(&data) {
            assert_eq!(tx.encode(), data, "{name}");
        }
        if let Ok(tx) = admit(&data, &rules, &View) {
            assert!(tx.verify_signature(), "{name}");
        }
    }
}

/// Parent header, then block; `None` when either does not decode.
fn split(data: &[u8]) -> Option<(BlockHeader, Block)> {
    let mut rest = data;
    let parent = BlockHeader::deserialize(&mut rest).ok()?;
    Some((parent, Block::try_from_slice(rest).ok()?))
}

#[test]
fn block_check_regressions() {
    let found = inputs("block_check");
    assert!(!found.is_empty(), "fuzz/regressions/block_check holds the inputs");
    for (name, data) in found {
        let Some((parent, block)) = split(&data) else { continue };
        let _ = block.check_against_parent(&parent);
        let against_itself = block.check_against_parent(&block.header.header);
        if name == "parent_at_u64_max" {
            // The block, taken as its own parent, is at the last height.
            assert_eq!(block.height(), u64::MAX);
            assert_eq!(against_itself, Err(BlockError::NoSuccessor { height: u64::MAX }));
        }
    }
}
