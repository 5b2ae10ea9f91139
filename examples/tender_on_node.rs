//! A full tender against a running dev node, over its HTTP API: a buyer
//! opens it, three bidders commit sealed bids, reveal them after the
//! deadline, the buyer evaluates and awards, and the award becomes final.
//! Every step is a signed transaction; each prints its block and gas.
//!
//!   scripts/run &                       # a dev node on 127.0.0.1:8645
//!   cargo run -p procura-examples --bin tender-on-node [-- http://127.0.0.1:8645]

use anyhow::{anyhow, bail};
use ed25519_dalek::SigningKey;
use procura_chain::{account_address, contract_address, Action, Transaction};
use procura_primitives::Address;
use sealed_bid::{commitment, Bid, Tender, TenderParams};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

struct Node(String);

impl Node {
    fn get(&self, path: &str) -> anyhow::Result<Value> {
        Ok(ureq::get(&format!("{}{path}", self.0)).call()?.body_mut().read_json()?)
    }

    fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let mut r =
            ureq::post(&format!("{}{path}", self.0)).config().http_status_as_error(false).build().send_json(body)?;
        let v: Value = r.body_mut().read_json()?;
        if !r.status().is_success() {
            bail!("{}", v["error"]);
        }
        Ok(v)
    }

    /// Signs and submits a call, waits for its block, prints the receipt.
    fn call(
        &self,
        who: &str,
        key: &SigningKey,
        contract: Address,
        method: &str,
        args: Vec<u8>,
    ) -> anyhow::Result<Value> {
        let signer = key.verifying_key().to_bytes();
        let nonce =
            self.get(&format!("/v1/accounts/{}", account_address(&signer)))?["next_nonce"].as_u64().unwrap_or(0);
        let chain_id = self.get("/v1/head")?["chain_id"].as_str().unwrap_or_default().to_string();
        let action = Action::Call { contract, method: method.into(), args };
        let tx = Transaction { chain_id, signer, nonce, gas_limit: 50_000_000, action }.sign(key);
        let hash = self.post("/v1/tx", json!({ "tx": hex::encode(tx.encode()) }))?["hash"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        for _ in 0..200 {
            let status = self.get(&format!("/v1/tx/{hash}"))?;
            if status["status"] == "committed" {
                let r = &status["receipt"];
                let topics: Vec<&str> =
                    r["events"].as_array().into_iter().flatten().filter_map(|e| e["topic"].as_str()).collect();
                let outcome = if r["status"] == "success" {
                    format!("ok {}", topics.join(", "))
                } else {
                    format!("refused: {}", r["error"])
                };
                println!("block {:>5}  {who:<9} {method:<14} gas {:>7}  {outcome}", status["height"], r["gas_used"]);
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("{method} was not committed in time")
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn wait_until(t: u64) {
    while now() < t {
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn main() -> anyhow::Result<()> {
    let node = Node(std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8645".into()));
    node.get("/v1/head").map_err(|e| anyhow!("no node at {} ({e}): start one with scripts/run", node.0))?;
    let code = procura_harness::contract_wasm("sealed-bid");
    let contract = contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0);
    let buyer = SigningKey::from_bytes(&now().to_le_bytes().repeat(4).try_into().expect("32 bytes"));
    let bidders: Vec<(&str, SigningKey, u128)> =
        [("bidder A", 0xa1u8, 92_000u128), ("bidder B", 0xb2, 87_500), ("bidder C", 0xc3, 90_100)]
            .into_iter()
            .map(|(name, seed, price)| {
                let mut s = buyer.to_bytes();
                s[0] = seed;
                (name, SigningKey::from_bytes(&s), price)
            })
            .collect();

    let start = now();
    let params = TenderParams {
        description_hash: [0x42; 32],
        budget: 100_000,
        currency: "EUR".into(),
        bid_deadline: start + 6,
        reveal_deadline: start + 12,
        min_bids: 2,
        standstill_secs: 5,
    };
    let (bid_deadline, reveal_deadline) = (params.bid_deadline, params.reveal_deadline);
    let opened = node.call("buyer", &buyer, contract, "open_tender", borsh::to_vec(&(params,))?)?;
    let id: u64 = borsh::from_slice(&hex::decode(opened["receipt"]["return_data"].as_str().unwrap_or_default())?)?;
    println!("tender {id} opened; bids close at {bid_deadline}, reveals at {reveal_deadline}");
    let salt = |k: &SigningKey| [k.to_bytes()[0]; 32];
    for (name, key, price) in &bidders {
        let bid = Bid { tender_id: id, bidder: account_address(&key.verifying_key().to_bytes()), price: *price };
        node.call(name, key, contract, "submit_bid", borsh::to_vec(&(id, commitment(&bid, &salt(key))))?)?;
    }
    println!("waiting for the bid deadline…");
    wait_until(bid_deadline);
    for (name, key, price) in &bidders {
        let bid = Bid { tender_id: id, bidder: account_address(&key.verifying_key().to_bytes()), price: *price };
        node.call(name, key, contract, "reveal_bid", borsh::to_vec(&(id, bid, salt(key)))?)?;
    }
    println!("waiting for the reveal deadline…");
    wait_until(reveal_deadline);
    node.call("buyer", &buyer, contract, "evaluate", borsh::to_vec(&(id,))?)?;
    let awarded = node.call("buyer", &buyer, contract, "award", borsh::to_vec(&(id,))?)?;
    let award: sealed_bid::Award =
        borsh::from_slice(&hex::decode(awarded["receipt"]["return_data"].as_str().unwrap_or_default())?)?;
    println!("standstill until {}…", award.standstill_ends);
    wait_until(award.standstill_ends);
    node.call("buyer", &buyer, contract, "finalize", borsh::to_vec(&(id,))?)?;
    let view = node.post(
        "/v1/view",
        json!({ "contract": contract.to_hex(), "method": "tender", "args": hex::encode(borsh::to_vec(&(id,))?) }),
    )?;
    let tender: Tender = borsh::from_slice(&hex::decode(view["result"].as_str().unwrap_or_default())?)?;
    let winner = bidders
        .iter()
        .find(|(_, k, _)| account_address(&k.verifying_key().to_bytes()) == award.bidder)
        .map(|b| b.0)
        .unwrap_or("?");
    println!("tender {id} is {:?}: awarded to {winner} at {} {}", tender.stage, award.price, tender.params.currency);
    Ok(())
}
