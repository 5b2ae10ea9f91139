//! A contract's calls and events, decoded through the ABI of the code stored
//! on the chain: the input of the OCDS export. Shaped like the node's
//! `history::contract_history` (in progress on main) so the export can move
//! onto it unchanged.

use crate::executor::{load, PendingState};
use procura_abi::ContractAbi;
use procura_chain::{Action, ReceiptStatus};
use procura_primitives::Address;
use procura_state::{ContractInfo, StateKey, StateStore};
use procura_storage::Db;
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct EventRecord {
    pub topic: String,
    pub payload: Value,
}

#[derive(Clone, Debug)]
pub struct CallRecord {
    pub height: u64,
    /// Block time, unix seconds.
    pub time: u64,
    pub tx_index: u32,
    pub tx_hash: [u8; 32],
    pub signer: Address,
    pub method: String,
    pub args: Value,
    pub ok: bool,
    pub error: Option<String>,
    pub gas_used: u64,
    /// Events the contract emitted in this call (none when it failed).
    pub events: Vec<EventRecord>,
}

/// Every call to `contract`, oldest first, with its events decoded.
pub fn contract_history(db: &Db, contract: &Address) -> anyhow::Result<(ContractAbi, Vec<CallRecord>)> {
    let state = PendingState::new(db);
    let info: ContractInfo = load(&state, &StateKey::contract(contract)).ok_or_else(|| {
        anyhow::anyhow!("no contract {contract} on this chain: give the address of a deployed contract (64 hex)")
    })?;
    let code = db
        .latest(&StateKey::code(&info.code_hash))?
        .ok_or_else(|| anyhow::anyhow!("the code of contract {contract} is missing from the state"))?;
    let abi = ContractAbi::from_wasm(&code)
        .map_err(|e| anyhow::anyhow!("contract {contract} publishes no readable ABI ({e}); it cannot be exported"))?;
    let head = db.head()?.unwrap_or(0);
    let mut calls = Vec::new();
    for height in 1..=head {
        let block = db.block(height)?.ok_or_else(|| anyhow::anyhow!("block {height} is missing from the database"))?;
        let receipts = db.receipts(height)?;
        for (i, (tx, receipt)) in block.txs.iter().zip(&receipts).enumerate() {
            let Action::Call { contract: to, method, args } = &tx.tx.action else { continue };
            if to != contract {
                continue;
            }
            let args = abi.decode_args(method, args).unwrap_or(Value::Null);
            let (ok, error) = match &receipt.status {
                ReceiptStatus::Success => (true, None),
                ReceiptStatus::Failure(m) => (false, Some(m.clone())),
            };
            let events = receipt
                .events
                .iter()
                .filter(|e| e.contract == *contract)
                .map(|e| EventRecord {
                    topic: e.topic.clone(),
                    payload: abi.decode_event(&e.topic, &e.payload).unwrap_or(Value::Null),
                })
                .collect();
            calls.push(CallRecord {
                height,
                time: block.header.header.timestamp,
                tx_index: i as u32,
                tx_hash: tx.hash(),
                signer: tx.tx.sender(),
                method: method.clone(),
                args,
                ok,
                error,
                gas_used: receipt.gas_used,
                events,
            });
        }
    }
    Ok((abi, calls))
}
