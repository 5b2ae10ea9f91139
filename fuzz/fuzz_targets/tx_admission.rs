//! Transaction bytes from the network: decoding is canonical (what decodes
//! re-encodes to the same bytes) and admission never panics, whatever the
//! bytes, answering with a typed `AdmissionError` or the transaction.
#![no_main]

use libfuzzer_sys::fuzz_target;
use procura_chain::{admit, AccountView, AdmissionRules, SignedTransaction};
use procura_primitives::{Address, Hash32};

/// Every account at nonce 0; code and contracts exist when their first byte
/// is even, so both answers are reached.
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

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = SignedTransaction::decode(data) {
        assert_eq!(tx.encode(), data, "one transaction, one encoding");
        let _ = tx.hash();
        let _ = tx.verify_signature();
    }
    let rules = AdmissionRules { chain_id: "procura-dev".into(), block_gas_limit: 10_000_000_000, max_tx_bytes: 4096 };
    if let Ok(tx) = admit(data, &rules, &View) {
        assert!(tx.verify_signature(), "admitted without a valid signature");
        assert_eq!(tx.tx.nonce, 0);
    }
});
