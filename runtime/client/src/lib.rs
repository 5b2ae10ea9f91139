//! A blocking client for a node's HTTP API (see README's API table), used by
//! the `procura` CLI and the examples. Kept apart from the node so a client
//! does not build RocksDB.

pub mod wire;

use anyhow::{anyhow, bail};
use ed25519_dalek::SigningKey;
use procura_chain::{account_address, Action, Transaction};
use serde_json::{json, Value};
use std::time::Duration;

pub struct Client {
    base: String,
}

impl Client {
    pub fn new(base: impl Into<String>) -> Self {
        Client { base: base.into() }
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    fn finish(&self, result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> anyhow::Result<Value> {
        let mut resp = result.map_err(|e| anyhow!("cannot reach the node at {} ({e}); is it running?", self.base))?;
        let status = resp.status();
        let body: Value = resp.body_mut().read_json()?;
        if !status.is_success() {
            bail!("{}", body["error"].as_str().unwrap_or("request failed"));
        }
        Ok(body)
    }

    /// GET; a 4xx/5xx answer becomes an error carrying the node's message.
    pub fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.finish(ureq::get(&format!("{}{path}", self.base)).config().http_status_as_error(false).build().call())
    }

    /// POST a JSON body; errors as for [`Client::get`].
    pub fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.finish(
            ureq::post(&format!("{}{path}", self.base)).config().http_status_as_error(false).build().send_json(body),
        )
    }

    /// Signs `action` with the account's next nonce, submits it and waits
    /// until it is in a block. Returns the committed status (height, index,
    /// receipt); a failed call is returned too, with its receipt's error.
    pub fn submit(&self, key: &SigningKey, gas_limit: u64, action: Action) -> anyhow::Result<Value> {
        let chain_id = self.get("/v1/head")?["chain_id"].as_str().unwrap_or_default().to_string();
        let signer = key.verifying_key().to_bytes();
        let account = self.get(&format!("/v1/accounts/{}", account_address(&signer)))?;
        let nonce = account["next_nonce"].as_u64().unwrap_or(0);
        let tx = Transaction { chain_id, signer, nonce, gas_limit, action }.sign(key);
        let submitted = self.post("/v1/tx", json!({ "tx": hex::encode(tx.encode()) }))?;
        let hash = submitted["hash"].as_str().unwrap_or_default().to_string();
        for _ in 0..600 {
            let status = self.get(&format!("/v1/tx/{hash}"))?;
            if status["status"] == "committed" {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("transaction {hash} was not committed within 30 s")
    }
}

/// Decodes a hex field of a JSON value.
pub fn hex_field(v: &Value, field: &str) -> anyhow::Result<Vec<u8>> {
    hex::decode(v[field].as_str().unwrap_or_default()).map_err(|e| anyhow!("bad {field}: {e}"))
}
