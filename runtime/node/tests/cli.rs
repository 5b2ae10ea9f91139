//! The `procura` CLI against a running node: keys, deploy (upload +
//! instantiate), call, view, tx, block and proof; and offline, the chain
//! file: export, import, `audit verify --file`.

mod common;
#[path = "common/process.rs"]
mod process;
use process::*;
use std::process::Command;

fn procura(node: &NodeProcess, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_procura")).arg("--node").arg(&node.url).args(args).output().unwrap();
    assert!(out.status.success(), "procura {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn field<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines().find_map(|l| l.strip_prefix(label)).map(str::trim).unwrap_or_else(|| panic!("no `{label}` in {text}"))
}

#[test]
fn keys_deploy_call_view_and_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProcess::start(dir.path());
    let key = dir.path().join("alice.key");
    let key = key.to_str().unwrap();
    let created = procura(&node, &["keys", "new", key]);
    assert_eq!(procura(&node, &["keys", "show", key]), created);
    let refused = Command::new(env!("CARGO_BIN_EXE_procura")).args(["keys", "new", key]).output().unwrap();
    assert!(!refused.status.success(), "an existing key file is never overwritten");

    let wasm = common::contracts_dir().join("sealed-bid.wasm");
    let deployed = procura(&node, &["deploy", "--key", key, "--salt", "7", wasm.to_str().unwrap()]);
    let contract = field(&deployed, "contract ").to_string();
    assert_eq!(contract.len(), 64);

    let far = 4_000_000_000u64;
    let args = hex::encode(borsh::to_vec(&(common::params(far, far + 1),)).unwrap());
    let receipt = procura(&node, &["call", "--key", key, &contract, "open_tender", &args]);
    let receipt: serde_json::Value = serde_json::from_str(&receipt).unwrap();
    assert_eq!(receipt["status"], "success", "{receipt}");

    let view: serde_json::Value = serde_json::from_str(&procura(&node, &["view", &contract, "tender_count"])).unwrap();
    assert_eq!(view["result"], hex::encode(1u64.to_le_bytes()));
    let tx: serde_json::Value =
        serde_json::from_str(&procura(&node, &["tx", receipt["tx_hash"].as_str().unwrap()])).unwrap();
    let height = tx["height"].as_u64().unwrap();
    let block: serde_json::Value = serde_json::from_str(&procura(&node, &["block", &height.to_string()])).unwrap();
    assert_eq!(block["txs"][0], receipt["tx_hash"]);
    let account_key = hex::encode(procura_state::StateKey::account(&procura_primitives::Address(
        hex::decode(field(&created, "account")).unwrap().try_into().unwrap(),
    )));
    let proof: serde_json::Value = serde_json::from_str(&procura(&node, &["proof", &account_key])).unwrap();
    assert!(proof["value"].is_string() && proof["proof"].is_string(), "{proof}");
}

fn offline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_procura")).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = offline(args);
    assert!(out.status.success(), "procura {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// "… N blocks and M transactions …; head H" of a verify summary.
fn verified(text: &str) -> (u64, u64, String) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = |w: &str| words.iter().position(|x| *x == w).unwrap_or_else(|| panic!("no `{w}` in {text}"));
    let blocks = words[at("blocks") - 1].parse().unwrap();
    let txs = words[at("transactions") - 1].parse().unwrap();
    (blocks, txs, words[at("head") + 1].to_string())
}

#[test]
fn export_import_and_verify_a_chain_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    let mut node = NodeProcess::start(&data);
    let key = dir.path().join("buyer.key");
    let key = key.to_str().unwrap();
    procura(&node, &["keys", "new", key]);
    let far = 4_000_000_000u64;
    let args = hex::encode(borsh::to_vec(&(common::params(far, far + 1),)).unwrap());
    let contract = hex::encode(common::sealed_bid_address().0);
    for _ in 0..3 {
        procura(&node, &["call", "--key", key, &contract, "open_tender", &args]);
    }
    node.kill9(); // every committed block survives (crash.rs)

    let contracts = common::contracts_dir();
    let contracts = contracts.to_str().unwrap();
    let (data_s, file) = (data.to_str().unwrap(), dir.path().join("chain.procura"));
    let file_s = file.to_str().unwrap();
    let exported = ok(&["chain", "export", "--data", data_s, "--out", file_s, "--contracts", contracts]);
    assert!(exported.starts_with("exported "), "{exported}");
    let from_data = verified(&ok(&["audit", "verify", "--data", data_s, "--contracts", contracts]));
    let from_file = verified(&ok(&["audit", "verify", "--file", file_s]));
    assert_eq!(from_file, from_data);
    assert!(from_file.1 >= 3, "the three calls are in the file: {from_file:?}");

    let imported = dir.path().join("imported");
    let imported_s = imported.to_str().unwrap();
    let out = ok(&["chain", "import", "--file", file_s, "--data", imported_s]);
    assert_eq!(verified(&out), from_file, "{out}");
    let contracts_copy = imported.join("contracts");
    let again = ok(&["audit", "verify", "--data", imported_s, "--contracts", contracts_copy.to_str().unwrap()]);
    assert_eq!(verified(&again), from_file);

    // The imported chain tells each tender's story, as text and as JSON.
    let text = ok(&["audit", "tender", &contract, "1", "--data", imported_s]);
    assert!(text.starts_with("SealedBid tender_id 1: 1 calls"), "{text}");
    assert!(text.contains("open_tender") && text.contains("event  tender_opened"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["audit", "tender", &contract, "2", "--json", "--data", imported_s])).unwrap();
    assert_eq!(json["calls"][0]["result"], 2);
    assert_eq!(json["calls"][0]["args"]["params"]["currency"], "EUR");
    let none = offline(&["audit", "tender", &contract, "9", "--data", imported_s]);
    assert!(String::from_utf8_lossy(&none.stderr).contains("no call to SealedBid"), "{none:?}");

    // Refusals say what to do and exit non-zero.
    let refused = offline(&["chain", "import", "--file", file_s, "--data", imported_s]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("new (or empty) data directory"));
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(bytes.len() - 7);
    std::fs::write(&file, bytes).unwrap();
    let truncated = offline(&["audit", "verify", "--file", file_s]);
    assert!(!truncated.status.success());
    let stderr = String::from_utf8_lossy(&truncated.stderr);
    assert!(stderr.contains("truncated") && stderr.contains("byte"), "{stderr}");
}
