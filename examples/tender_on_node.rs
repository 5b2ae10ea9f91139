//! A full tender against a running dev node, over its HTTP API: a buyer
//! opens it, three bidders commit sealed bids, reveal them after the
//! deadline, the buyer evaluates and awards, and the award becomes final.
//! Every step is a signed transaction; each prints its block and gas.
//!
//!   scripts/run &                       # a dev node on 127.0.0.1:8645
//!   cargo run -p procura-examples --bin tender-on-node [-- http://127.0.0.1:8645]

use anyhow::anyhow;
use ed25519_dalek::SigningKey;
use procura_chain::{account_address, contract_address, Action};
use procura_client::{hex_field, Client};
use procura_primitives::Address;
use sealed_bid::{commitment, Bid, Tender, TenderParams};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Submits a signed call, prints its block, gas and outcome.
fn call(
    node: &Client,
    who: &str,
    key: &SigningKey,
    contract: Address,
    method: &str,
    args: Vec<u8>,
) -> anyhow::Result<Value> {
    let status = node.submit(key, 5_000_000, Action::Call { contract, method: method.into(), args })?;
    let r = &status["receipt"];
    let topics: Vec<&str> = r["events"].as_array().into_iter().flatten().filter_map(|e| e["topic"].as_str()).collect();
    let outcome =
        if r["status"] == "success" { format!("ok {}", topics.join(", ")) } else { format!("refused: {}", r["error"]) };
    println!("block {:>5}  {who:<9} {method:<14} gas {:>7}  {outcome}", status["height"], r["gas_used"]);
    Ok(status)
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
    let node = Client::new(std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8645".into()));
    node.get("/v1/head").map_err(|e| anyhow!("{e}: start a node with scripts/run"))?;
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
    let opened = call(&node, "buyer", &buyer, contract, "open_tender", borsh::to_vec(&(params,))?)?;
    let id: u64 = borsh::from_slice(&hex_field(&opened["receipt"], "return_data")?)?;
    println!("tender {id} opened; bids close at {bid_deadline}, reveals at {reveal_deadline}");
    let salt = |k: &SigningKey| [k.to_bytes()[0]; 32];
    for (name, key, price) in &bidders {
        let bid = Bid { tender_id: id, bidder: account_address(&key.verifying_key().to_bytes()), price: *price };
        call(&node, name, key, contract, "submit_bid", borsh::to_vec(&(id, commitment(&bid, &salt(key))))?)?;
    }
    println!("waiting for the bid deadline…");
    wait_until(bid_deadline);
    for (name, key, price) in &bidders {
        let bid = Bid { tender_id: id, bidder: account_address(&key.verifying_key().to_bytes()), price: *price };
        call(&node, name, key, contract, "reveal_bid", borsh::to_vec(&(id, bid, salt(key)))?)?;
    }
    println!("waiting for the reveal deadline…");
    wait_until(reveal_deadline);
    call(&node, "buyer", &buyer, contract, "evaluate", borsh::to_vec(&(id,))?)?;
    let awarded = call(&node, "buyer", &buyer, contract, "award", borsh::to_vec(&(id,))?)?;
    let award: sealed_bid::Award = borsh::from_slice(&hex_field(&awarded["receipt"], "return_data")?)?;
    println!("standstill until {}…", award.standstill_ends);
    wait_until(award.standstill_ends);
    call(&node, "buyer", &buyer, contract, "finalize", borsh::to_vec(&(id,))?)?;
    let view = node.post(
        "/v1/view",
        json!({ "contract": contract.to_hex(), "method": "tender", "args": hex::encode(borsh::to_vec(&(id,))?) }),
    )?;
    let tender: Tender = borsh::from_slice(&hex_field(&view, "result")?)?;
    let winner = bidders
        .iter()
        .find(|(_, k, _)| account_address(&k.verifying_key().to_bytes()) == award.bidder)
        .map(|b| b.0)
        .unwrap_or("?");
    println!("tender {id} is {:?}: awarded to {winner} at {} {}", tender.stage, award.price, tender.params.currency);
    Ok(())
}
