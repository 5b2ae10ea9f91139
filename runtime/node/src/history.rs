//! A contract's history as auditors read it: every call to the contract, in
//! chain order, with its arguments, outcome and events decoded through the
//! ABI that the chain's own copy of the code publishes. Nothing here trusts
//! the node's indexes: it walks the blocks and their receipts.

use procura_abi::ContractAbi;
use procura_chain::{account_address, Action};
use procura_primitives::Address;
use procura_state::{ContractInfo, StateKey, StateStore};
use procura_storage::Db;
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Debug, Serialize)]
pub struct EventRecord {
    pub topic: String,
    /// Decoded payload; the raw hex under `raw` when it does not decode.
    pub payload: Value,
}

/// One transaction that called the contract.
#[derive(Clone, Debug, Serialize)]
pub struct CallRecord {
    pub height: u64,
    /// Block time, unix seconds, and the same as RFC 3339 UTC.
    pub time: u64,
    pub time_utc: String,
    pub tx_index: u32,
    pub tx_hash: String,
    /// The signer's account address, hex.
    pub signer: String,
    pub method: String,
    pub args: Value,
    pub ok: bool,
    pub error: Option<String>,
    pub result: Value,
    pub gas_used: u64,
    pub events: Vec<EventRecord>,
}

/// The ABI of the contract at `contract`, read from its code in state.
pub fn contract_abi(db: &Db, contract: &Address) -> anyhow::Result<ContractAbi> {
    let info = db
        .latest(&StateKey::contract(contract))?
        .ok_or_else(|| anyhow::anyhow!("no contract at {contract} on this chain"))?;
    let info: ContractInfo = borsh::from_slice(&info)?;
    let code = db
        .latest(&StateKey::code(&info.code_hash))?
        .ok_or_else(|| anyhow::anyhow!("the code of {contract} is missing from state: verify the chain"))?;
    ContractAbi::from_wasm(&code).map_err(|e| anyhow::anyhow!("contract {contract}: {e}"))
}

/// Decodes with `decode`, or keeps the bytes as hex when that fails (a
/// failed call's arguments may be garbage: that is part of the record).
fn decoded(result: Result<Value, procura_abi::AbiError>, raw: &[u8]) -> Value {
    result.unwrap_or_else(|e| serde_json::json!({ "raw": hex::encode(raw), "undecodable": e.to_string() }))
}

/// Every call to `contract` from genesis to the head, oldest first.
pub fn contract_history(db: &Db, contract: &Address) -> anyhow::Result<(ContractAbi, Vec<CallRecord>)> {
    let abi = contract_abi(db, contract)?;
    let head = db.head()?.ok_or_else(|| anyhow::anyhow!("the database holds no chain"))?;
    let mut records = Vec::new();
    for height in 1..=head {
        let block = db.block(height)?.ok_or_else(|| anyhow::anyhow!("block {height} is missing"))?;
        let receipts = db.receipts(height)?;
        let time = block.header.header.timestamp;
        for (index, tx) in block.txs.iter().enumerate() {
            let Action::Call { contract: target, method, args } = &tx.tx.action else { continue };
            if target != contract {
                continue;
            }
            let receipt = receipts
                .get(index)
                .ok_or_else(|| anyhow::anyhow!("block {height} has no receipt for transaction {index}"))?;
            let (ok, error) = match &receipt.status {
                procura_chain::ReceiptStatus::Success => (true, None),
                procura_chain::ReceiptStatus::Failure(e) => (false, Some(e.clone())),
            };
            let events = receipt
                .events
                .iter()
                .filter(|e| e.contract == *contract)
                .map(|e| EventRecord {
                    topic: e.topic.clone(),
                    payload: decoded(abi.decode_event(&e.topic, &e.payload), &e.payload),
                })
                .collect();
            records.push(CallRecord {
                height,
                time,
                time_utc: utc(time),
                tx_index: index as u32,
                tx_hash: hex::encode(tx.hash()),
                signer: hex::encode(account_address(&tx.tx.signer).0),
                method: method.clone(),
                args: decoded(abi.decode_args(method, args), args),
                ok,
                error,
                result: if ok {
                    decoded(abi.decode_return(method, &receipt.return_data), &receipt.return_data)
                } else {
                    Value::Null
                },
                gas_used: receipt.gas_used,
                events,
            });
        }
    }
    Ok((abi, records))
}

/// Whether `value` holds, at any depth, a field `key` equal to `id`.
pub fn mentions(value: &Value, key: &str, id: u64) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| (k == key && v.as_u64() == Some(id)) || mentions(v, key, id)),
        Value::Array(items) => items.iter().any(|v| mentions(v, key, id)),
        _ => false,
    }
}

/// The calls that touched one tender: its id (field `key`, e.g.
/// `tender_id`) appears in the call's arguments or in one of its events.
/// Failed attempts are kept: they are part of what happened.
pub fn timeline<'a>(records: &'a [CallRecord], key: &str, id: u64) -> Vec<&'a CallRecord> {
    records
        .iter()
        .filter(|r| mentions(&r.args, key, id) || r.events.iter().any(|e| mentions(&e.payload, key, id)))
        .collect()
}

/// Unix seconds as RFC 3339 UTC (`2026-01-01T00:00:00Z`), computed from the
/// civil calendar so the output never depends on the machine's time zone.
pub fn utc(secs: u64) -> String {
    crate::ocds::time::format_rfc3339(secs)
}

/// The timeline as text for a terminal: one block per call.
pub fn render(records: &[&CallRecord]) -> String {
    let mut out = String::new();
    for r in records {
        let status = match &r.error {
            None => "ok".to_string(),
            Some(e) => format!("FAILED: {e}"),
        };
        out.push_str(&format!(
            "{}  block {} tx {}  {}  by {}…  gas {}  {}\n",
            r.time_utc,
            r.height,
            r.tx_index,
            r.method,
            &r.signer[..12],
            r.gas_used,
            status
        ));
        out.push_str(&format!("    args   {}\n", r.args));
        if !r.result.is_null() {
            out.push_str(&format!("    result {}\n", r.result));
        }
        for e in &r.events {
            out.push_str(&format!("    event  {} {}\n", e.topic, e.payload));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_matches_known_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
        assert_eq!(utc(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn mentions_finds_nested_ids_only_under_the_key() {
        let v = serde_json::json!({"bid": {"tender_id": 3, "price": 7}, "other": [{"tender_id": 4}]});
        assert!(mentions(&v, "tender_id", 3) && mentions(&v, "tender_id", 4));
        assert!(!mentions(&v, "tender_id", 7) && !mentions(&v, "lot_id", 3));
    }
}
