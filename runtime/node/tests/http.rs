//! The HTTP API over a real socket on loopback, against the real binary:
//! the happy path, every kind of malformed request, and a clean stop.

mod common;
#[path = "common/process.rs"]
mod process;
use common::*;
use process::*;
use procura_state::{verify_proof, StateKey, StateProof};
use serde_json::json;

fn wait_committed(node: &NodeProcess, hash: &str) -> serde_json::Value {
    for _ in 0..400 {
        let (code, v) = node.get(&format!("/v1/tx/{hash}")).unwrap();
        assert_eq!(code, 200, "{v}");
        if v["status"] == "committed" {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("tx {hash} not committed");
}

#[test]
fn api_serves_the_chain_and_refuses_bad_requests_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = NodeProcess::start(dir.path());
    let (code, head) = node.get("/v1/head").unwrap();
    assert_eq!((code, head["height"].as_u64()), (200, Some(0)));
    assert_eq!(head["chain_id"], "procura-dev");

    // Subscribe to the block stream before submitting.
    // The node subscribes before it sends the response headers, so once
    // `call` returns no block can be missed.
    let mut resp = ureq::get(&format!("{}/v1/stream", node.url)).call().expect("stream opens");
    let streamed = std::thread::spawn(move || {
        use std::io::BufRead;
        let reader = std::io::BufReader::new(resp.body_mut().as_reader());
        for line in reader.lines() {
            let line = line.expect("stream reads");
            if let Some(data) = line.strip_prefix("data:") {
                return serde_json::from_str::<serde_json::Value>(data.trim()).expect("block event is JSON");
            }
        }
        panic!("stream ended");
    });

    // A signed open_tender through the API, committed in a block.
    let buyer = user(1);
    let far = 4_000_000_000u64;
    let tx = call(&buyer, 0, "open_tender", borsh::to_vec(&(params(far, far + 1),)).unwrap());
    let (code, v) = node.post("/v1/tx", json!({ "tx": hex::encode(tx.encode()) })).unwrap();
    assert_eq!(code, 200, "{v}");
    let hash = v["hash"].as_str().unwrap().to_string();
    assert_eq!(hash, hex::encode(tx.hash()));
    let status = wait_committed(&node, &hash);
    assert_eq!(status["receipt"]["status"], "success", "{status}");
    assert_eq!(status["receipt"]["events"][0]["topic"], "tender_opened");
    let height = status["height"].as_u64().unwrap();
    let block_event = streamed.join().unwrap();
    assert_eq!(block_event["height"].as_u64(), Some(height));
    assert_eq!(block_event["receipts"][0]["tx_hash"], hash.as_str());

    // The same transaction again: its nonce is now stale.
    let (code, v) = node.post("/v1/tx", json!({ "tx": hex::encode(tx.encode()) })).unwrap();
    assert_eq!(code, 400);
    assert!(v["error"].as_str().unwrap().contains("stale nonce"), "{v}");

    // View, block, events.
    let contract = sealed_bid_address().to_hex();
    let (code, v) = node.post("/v1/view", json!({ "contract": contract, "method": "tender_count" })).unwrap();
    assert_eq!((code, v["result"].as_str()), (200, Some(hex::encode(1u64.to_le_bytes()).as_str())), "{v}");
    let (code, block) = node.get(&format!("/v1/blocks/{height}")).unwrap();
    assert_eq!(code, 200);
    assert_eq!(block["txs"][0], hash);
    let (code, v) = node.get(&format!("/v1/events/{contract}?topic=tender_opened")).unwrap();
    assert_eq!((code, v.as_array().unwrap().len()), (200, 1), "{v}");

    // A state read with a proof that verifies offline against the block's root.
    let account = procura_chain::account_address(&buyer.verifying_key().to_bytes());
    let key = StateKey::account(&account);
    let (code, v) = node.get(&format!("/v1/state/{}?height={height}", hex::encode(&key))).unwrap();
    assert_eq!(code, 200, "{v}");
    let proof: StateProof = borsh::from_slice(&hex::decode(v["proof"].as_str().unwrap()).unwrap()).unwrap();
    let root: [u8; 32] = hex::decode(block["state_root"].as_str().unwrap()).unwrap().try_into().unwrap();
    verify_proof(&root, &proof).unwrap();

    // Malformed requests: 4xx with a JSON error, and the node keeps serving.
    let cases: Vec<(&str, Result<(u16, serde_json::Value), String>)> = vec![
        ("not json", node.post_raw("/v1/tx", b"{nope")),
        ("not hex", node.post("/v1/tx", json!({ "tx": "zz" }))),
        ("not a tx", node.post("/v1/tx", json!({ "tx": "0102" }))),
        ("missing field", node.post("/v1/tx", json!({}))),
        ("bad hash", node.get("/v1/tx/1234")),
        ("bad height", node.get("/v1/blocks/abc")),
        ("bad contract", node.post("/v1/view", json!({ "contract": "00", "method": "x" }))),
        ("unknown method", node.post("/v1/view", json!({ "contract": contract, "method": "nope" }))),
        ("bad key", node.get("/v1/state/xyz")),
    ];
    for (name, result) in cases {
        let (code, v) = result.unwrap();
        assert_eq!(code, 400, "{name}: {v}");
        assert!(v["error"].is_string(), "{name}: {v}");
    }
    let (code, _) = node.get(&format!("/v1/tx/{}", hex::encode([7u8; 32]))).unwrap();
    assert_eq!(code, 404);
    let (code, _) = node.get("/v1/blocks/999999").unwrap();
    assert_eq!(code, 404);
    let huge = vec![b'a'; 3 * 1024 * 1024];
    let (code, _) = node.post_raw("/v1/tx", &huge).unwrap_or((413, json!(null)));
    assert_eq!(code, 413);
    assert_eq!(node.get("/v1/head").unwrap().0, 200, "the node still serves");

    // SIGTERM: a clean stop.
    let pid = node.child.id();
    std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    let status = node.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
