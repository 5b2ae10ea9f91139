//! The `procura` CLI against a running node: keys, deploy (upload +
//! instantiate), call, view, tx, block and proof.

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
