//! The browser side (web/): the Wasm the page runs must produce exactly the
//! node's bytes, and the page itself must carry a bidder through a tender in
//! real headless Chromium against the real `procura` binary.
//!
//! Needs `scripts/build-web` (web/app/pkg), Node.js, `web/node_modules`
//! (playwright-core) and Chromium: `scripts/setup` installs them and
//! `scripts/test` builds the Wasm first.

mod common;
#[path = "common/process.rs"]
mod process;
use common::*;
use ed25519_dalek::SigningKey;
use open_tender::{Bid, LotKey};
use process::*;
use procura_abi::ContractAbi;
use procura_chain::{account_address, Action, Transaction};
use procura_primitives::Address;
use procura_sdk::testing::MockHost;
use procura_sdk::Map;
use procura_state::{compute_update, MemStateStore, StateKey, StateProof};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// Runs a script under web/tests with Node.js; its last stdout line is JSON.
fn node_js(script: &str, args: &[&str]) -> Value {
    let web = repo().join("web");
    assert!(
        web.join("app/pkg/procura_web_bg.wasm").exists(),
        "the page's Wasm is missing: run scripts/build-web (scripts/test does)"
    );
    let out = Command::new("node")
        .arg(web.join("tests").join(script))
        .args(args)
        .output()
        .expect("Node.js runs (scripts/setup installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("the script's last line is JSON")
}

fn open_tender_abi() -> ContractAbi {
    ContractAbi::from_wasm(&std::fs::read(contracts_dir().join("open-tender.wasm")).expect("built contracts"))
        .expect("the open tender's ABI")
}

fn key_vectors(seeds: &[[u8; 32]]) -> Vec<Value> {
    seeds
        .iter()
        .map(|s| {
            let pk = SigningKey::from_bytes(s).verifying_key().to_bytes();
            json!({ "secret_key": hex::encode(s), "public_key": hex::encode(pk), "address": account_address(&pk).to_hex() })
        })
        .collect()
}

fn tx_vectors(seeds: &[[u8; 32]]) -> Vec<Value> {
    let cases: [(u64, u64, &str, Vec<u8>); 3] = [
        (0, 50_000_000, "submit_bid", vec![1, 2, 3]),
        (7, 1, "reveal_bid", vec![]),
        (u64::MAX - 1, u64::MAX, "méthode_ü", (0..=255).collect()),
    ];
    let mut out = Vec::new();
    for seed in seeds {
        let key = SigningKey::from_bytes(seed);
        for (nonce, gas, method, args) in &cases {
            let tx = Transaction {
                chain_id: "procura-dev".into(),
                signer: key.verifying_key().to_bytes(),
                nonce: *nonce,
                gas_limit: *gas,
                action: Action::Call { contract: Address([3; 32]), method: (*method).into(), args: args.clone() },
            };
            let signed = tx.sign(&key);
            assert!(signed.verify_signature());
            out.push(json!({
                "secret_key": hex::encode(seed), "chain_id": "procura-dev", "nonce": nonce.to_string(),
                "gas_limit": gas.to_string(), "contract": Address([3; 32]).to_hex(), "method": method,
                "args": hex::encode(args), "tx": hex::encode(signed.encode()), "hash": hex::encode(signed.hash()),
            }));
        }
    }
    out
}

/// Commitments with the contract's own `commitment`, and call arguments
/// Borsh-encoded by Rust, each beside its JSON form.
fn bid_vectors(abi: &ContractAbi) -> (Vec<Value>, Vec<Value>) {
    let bids = [
        (Bid { tender_id: 0, lot_id: 0, bidder: Address([9; 32]), price: 87_500, life_cycle_cost: 0 }, [7u8; 32]),
        // A price above 2^53 travels as a decimal string in JSON.
        (
            Bid {
                tender_id: 5,
                lot_id: 2,
                bidder: Address([0xab; 32]),
                price: 10u128.pow(25) + 3,
                life_cycle_cost: 42,
            },
            {
                let mut s = [0u8; 32];
                s.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8 * 7);
                s
            },
        ),
    ];
    let mut commitments = Vec::new();
    let mut args = Vec::new();
    for (bid, salt) in bids {
        let borsh_bid = borsh::to_vec(&bid).unwrap();
        let bid_json = abi.decode("Bid", &borsh_bid).unwrap();
        commitments.push(json!({
            "bid": bid_json, "salt": hex::encode(salt), "bid_borsh": hex::encode(&borsh_bid),
            "commitment": hex::encode(open_tender::commitment(&bid, &salt)),
        }));
        let reveal = borsh::to_vec(&(bid.tender_id, bid.lot_id, bid.clone(), salt)).unwrap();
        let submit = borsh::to_vec(&(bid.tender_id, bid.lot_id, open_tender::commitment(&bid, &salt))).unwrap();
        for (method, bytes) in [("reveal_bid", reveal), ("submit_bid", submit)] {
            args.push(json!({ "method": method, "json": abi.decode_args(method, &bytes).unwrap(), "borsh": hex::encode(bytes) }));
        }
    }
    (commitments, args)
}

/// Proofs from procura-state, including ones the Wasm must refuse.
fn proof_vectors() -> Vec<Value> {
    let mut store = MemStateStore::default();
    let mut root = [0; 32];
    for (version, pairs) in [
        (0u64, vec![(b"alice".to_vec(), Some(b"10".to_vec())), (b"bob".to_vec(), Some(vec![5]))]),
        (1, vec![(b"alice".to_vec(), Some(b"7".to_vec()))]),
    ] {
        let update = compute_update(&store, version, pairs.into_iter().collect::<BTreeMap<_, _>>()).unwrap();
        store.apply(&update);
        root = update.root;
    }
    let proof = |key: &[u8]| hex::encode(StateProof::read(&store, key, 1).unwrap().encode());
    let r = hex::encode(root);
    vec![
        json!({ "name": "inclusion", "root": r, "key": hex::encode(b"alice"), "proof": proof(b"alice"), "version": 1, "value": hex::encode(b"7") }),
        json!({ "name": "absence", "root": r, "key": hex::encode(b"carol"), "proof": proof(b"carol"), "version": 1, "value": null }),
        json!({ "name": "another root", "root": hex::encode([1u8; 32]), "key": hex::encode(b"alice"), "proof": proof(b"alice"), "error": "does not verify" }),
        json!({ "name": "another key", "root": r, "key": hex::encode(b"bob"), "proof": proof(b"alice"), "error": "another key" }),
        json!({ "name": "garbage", "root": r, "key": hex::encode(b"bob"), "proof": "00ff", "error": "does not decode" }),
    ]
}

/// Storage keys as the SDK's maps write them in a contract, mapped into
/// the contract's range as the node's executor does.
fn storage_key_vectors() -> Vec<Value> {
    let contract = Address([0x5c; 32]);
    let bidder = Address([0x77; 32]);
    MockHost::reset();
    Map::<u64, u8>::new("tender").set(&5, &0);
    Map::<(u64, u32), u8>::new("lot").set(&(5, 2), &0);
    Map::<(LotKey, Address), u8>::new("bid").set(&(LotKey(5, 2), bidder), &0);
    let keys: Vec<Vec<u8>> = MockHost::storage().into_keys().collect();
    let find = |prefix: &[u8]| keys.iter().find(|k| k.starts_with(prefix)).expect("written").clone();
    let be = |id: u64, lot: u32| [id.to_be_bytes().to_vec(), lot.to_be_bytes().to_vec()].concat();
    [
        ("tender", 5u64.to_be_bytes().to_vec(), find(b"\x06tender")),
        ("lot", be(5, 2), find(b"\x03lot")),
        ("bid", [be(5, 2), bidder.0.to_vec()].concat(), find(b"\x03bid")),
    ]
    .into_iter()
    .map(|(ns, map_key, sdk_key)| {
        json!({ "contract": contract.to_hex(), "namespace": ns, "map_key": hex::encode(map_key),
                "key": hex::encode(StateKey::storage(&contract, &sdk_key)) })
    })
    .collect()
}

#[test]
fn the_pages_wasm_produces_the_nodes_bytes() {
    let seeds = [[1u8; 32], [0x42; 32], core::array::from_fn(|i| i as u8)];
    let abi = open_tender_abi();
    let (commitments, args) = bid_vectors(&abi);
    let vectors = json!({
        "open_tender_wasm": contracts_dir().join("open-tender.wasm"),
        "keys": key_vectors(&seeds),
        "txs": tx_vectors(&seeds),
        "commitments": commitments,
        "args": args,
        "proofs": proof_vectors(),
        "storage_keys": storage_key_vectors(),
    });
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("procura-web-vectors.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&vectors).unwrap()).unwrap();
    let report = node_js("vectors.mjs", &[path.to_str().unwrap()]);
    assert_eq!(report["failures"], json!([]));
    // 4 per key, 2 per tx, 2 per commitment, 1 per args/proof/storage key, 1 malformed key.
    let expected = 4 * 3 + 2 * 9 + 2 * 2 + 4 + 5 + 3 + 1;
    assert_eq!(report["checked"], json!(expected), "every vector was checked");
}

#[test]
fn a_bidder_commits_and_reveals_in_chromium_and_sees_the_award() {
    let data = tempfile::tempdir().unwrap();
    let web = repo().join("web/app");
    let node = NodeProcess::start_with(data.path(), &["--dev-clock", "--web", web.to_str().unwrap()]);
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-e2e");
    let _ = std::fs::remove_dir_all(&shots);
    // The buyer is the dev genesis's one registered procuring entity: the
    // validator's own account (open_tender refuses anyone else).
    let buyer_key = std::fs::read_to_string(data.path().join("validator.key")).unwrap();
    let r = node_js("e2e.mjs", &[&node.url, shots.to_str().unwrap(), buyer_key.trim()]);

    assert_eq!(r["page_errors"], json!([]));
    let bidder = r["bidder"].as_str().expect("the page showed its account");
    assert_eq!(r["award"]["bidder"], json!(bidder), "the page's bidder won");
    assert_eq!(r["award"]["price"], json!(87_500));
    assert_eq!(r["lot_status"], json!("Standstill"));
    assert!(r["award_text"].as_str().unwrap().contains("87500 EUR"), "{}", r["award_text"]);
    // The salt was kept for the reveal and the commitment is the contract's.
    let saved = &r["saved_bid"];
    let salt: [u8; 32] = hex::decode(saved["salt"].as_str().unwrap()).unwrap().try_into().unwrap();
    let bid = Bid {
        tender_id: r["tender_id"].as_u64().unwrap(),
        lot_id: 0,
        bidder: Address(hex::decode(bidder).unwrap().try_into().unwrap()),
        price: 87_500,
        life_cycle_cost: 0,
    };
    assert_eq!(saved["commitment"], json!(hex::encode(open_tender::commitment(&bid, &salt))));
    // The decoded timeline the page showed, in chain order.
    let methods: Vec<String> = r["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().split_whitespace().nth(3).unwrap_or("").to_string())
        .collect();
    assert_eq!(methods, ["open_tender", "submit_bid", "reveal_bid", "evaluate_lot", "award"]);
    let verdict = r["verdict"].as_str().unwrap();
    let head = node.get("/v1/head").unwrap().1["height"].as_u64().unwrap();
    assert_eq!(verdict, format!("Tender {} verified against block {head}", bid.tender_id));
    for name in ["1-tenders", "2-bidder-committed", "3-bidder-revealed", "4-tender-awarded", "5-auditor-verified"] {
        let png = std::fs::read(shots.join(format!("{name}.png"))).expect("screenshot saved");
        assert!(png.len() > 1000 && png.starts_with(b"\x89PNG"), "{name}.png is a PNG");
    }
    println!("screenshots in {}", shots.display());
}

#[test]
fn the_web_app_is_served_and_the_dev_clock_is_opt_in() {
    let data = tempfile::tempdir().unwrap();
    let web = repo().join("web/app");
    let node = NodeProcess::start_with(data.path(), &["--web", web.to_str().unwrap()]);
    let (status, body) = node.get("/").unwrap();
    assert_eq!(status, 200);
    assert!(body.as_str().unwrap().contains("<script type=\"module\" src=\"/app/app.js\">"));
    assert_eq!(node.get("/app/procura.js").unwrap().0, 200);
    assert_eq!(node.get("/app/..%2F..%2FCargo.toml").unwrap().0, 404);
    assert_eq!(node.get("/app/nothing.js").unwrap().0, 404);
    let (status, body) = node.post("/v1/dev/advance-time", json!({ "secs": 86_400 })).unwrap();
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().unwrap().contains("--dev-clock"));
    let contracts = node.get("/v1/contracts").unwrap().1;
    let open_tender = contracts.as_array().unwrap().iter().find(|c| c["name"] == "open-tender").expect("listed");
    let (status, timeline) =
        node.get(&format!("/v1/contracts/{}/timeline?id=0", open_tender["address"].as_str().unwrap())).unwrap();
    assert_eq!((status, &timeline["calls"]), (200, &json!([])));
    assert_eq!(node.get(&format!("/v1/contracts/{}/timeline?id=0", "00".repeat(32))).unwrap().0, 404);
}
