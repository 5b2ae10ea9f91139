//! Builds signed calls to a contract from JSON arguments, encoded through the
//! contract's own ABI sections (as an auditor would), with each signer's
//! nonces tracked locally. Used by the replay and by tests that script a
//! tender on a scratch chain.

use ed25519_dalek::SigningKey;
use procura_abi::ContractAbi;
use procura_chain::{account_address, contract_address, Action, SignedTransaction, Transaction};
use procura_primitives::{Address, Event};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Enough for any open-tender or contract-payments call.
pub const CALL_GAS: u64 = 200_000_000;

pub struct Driver {
    pub chain_id: String,
    pub address: Address,
    pub abi: ContractAbi,
    nonces: HashMap<Address, u64>,
}

impl Driver {
    /// The genesis instance (salt 0, deployed by the zero address) of
    /// `<contracts_dir>/<name>.wasm`.
    pub fn genesis_contract(contracts_dir: &Path, name: &str, chain_id: &str) -> anyhow::Result<Self> {
        let path = crate::genesis::contract_path(contracts_dir, name);
        let code = std::fs::read(&path).map_err(|e| {
            anyhow::anyhow!(
                "cannot read {} ({e}): run scripts/build-contracts, or give --contracts DIR",
                path.display()
            )
        })?;
        let abi = ContractAbi::from_wasm(&code).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let address = contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0);
        Ok(Driver { chain_id: chain_id.into(), address, abi, nonces: HashMap::new() })
    }

    /// A signed call of `method` with arguments given by name.
    pub fn call(&mut self, key: &SigningKey, method: &str, args: Value) -> anyhow::Result<SignedTransaction> {
        let encoded = self.abi.encode_args(method, &args).map_err(|e| anyhow::anyhow!("{method}: {e}"))?;
        let signer = key.verifying_key().to_bytes();
        let nonce = self.nonces.entry(account_address(&signer)).or_insert(0);
        let tx = Transaction {
            chain_id: self.chain_id.clone(),
            signer,
            nonce: *nonce,
            gas_limit: CALL_GAS,
            action: Action::Call { contract: self.address, method: method.into(), args: encoded },
        };
        *nonce += 1;
        Ok(tx.sign(key))
    }

    /// Takes over another driver's nonces: the same keys calling a second
    /// contract on the same chain.
    pub fn continue_nonces(&mut self, from: &Driver) {
        self.nonces.extend(from.nonces.iter().map(|(k, v)| (*k, *v)));
    }

    /// The contract's events among `events`, decoded: `(topic, payload)`.
    pub fn decode<'a>(&self, events: impl IntoIterator<Item = &'a Event>) -> Vec<(String, Value)> {
        events
            .into_iter()
            .filter(|e| e.contract == self.address)
            .filter_map(|e| self.abi.decode_event(&e.topic, &e.payload).ok().map(|p| (e.topic.clone(), p)))
            .collect()
    }
}

pub fn address_of(key: &SigningKey) -> Address {
    account_address(&key.verifying_key().to_bytes())
}

/// A u128 the ABI codec wrote: a number, or a string above 2^53.
pub fn amount(v: &Value) -> Option<u128> {
    match v {
        Value::Number(n) => n.as_u64().map(u128::from),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}
