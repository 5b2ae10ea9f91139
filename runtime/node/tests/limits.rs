//! The node's flood limits against the real binary: a body over the limit
//! (413), a client over its rate (429 with Retry-After), an account over its
//! pending cap (429), a full mempool (503), each with a JSON error that says
//! what to do; and a short bounded `procura load` run.

mod common;
#[path = "common/process.rs"]
mod process;
use common::*;
use process::*;
use serde_json::json;

fn submit(node: &NodeProcess, tx: &procura_chain::SignedTransaction) -> (u16, serde_json::Value) {
    node.post("/v1/tx", json!({ "tx": hex::encode(tx.encode()) })).unwrap()
}

fn open(key: &ed25519_dalek::SigningKey, nonce: u64) -> procura_chain::SignedTransaction {
    let far = 4_000_000_000u64;
    call(key, nonce, "open_tender", borsh::to_vec(&(params(far, far + 1),)).unwrap())
}

#[test]
fn body_size_mempool_and_account_caps_refuse_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Blocks every minute: the mempool keeps what it accepts.
    let flags = ["--block-interval-ms", "60000", "--max-body-bytes", "4096", "--max-mempool", "3"];
    let node = NodeProcess::start_with(dir.path(), &[&flags[..], &["--max-pending-per-account", "2"]].concat());

    let (code, v) = node.post_raw("/v1/tx", &vec![b' '; 5000]).unwrap_or((413, json!({"error": "too large"})));
    assert_eq!(code, 413, "{v}");
    assert!(v["error"].as_str().unwrap().contains("too large"), "{v}");

    let (alice, bob) = (user(1), user(2));
    assert_eq!(submit(&node, &open(&alice, 0)).0, 200);
    assert_eq!(submit(&node, &open(&alice, 1)).0, 200);
    let (code, v) = submit(&node, &open(&alice, 2));
    assert_eq!(code, 429, "{v}");
    assert!(v["error"].as_str().unwrap().contains("transactions pending; wait until some are committed"), "{v}");

    assert_eq!(submit(&node, &open(&bob, 0)).0, 200);
    let (code, v) = submit(&node, &open(&bob, 1));
    assert_eq!(code, 503, "{v}");
    assert!(v["error"].as_str().unwrap().contains("mempool is full (3 transactions); retry after the next block"));
    let (_, head) = node.get("/v1/head").unwrap();
    assert_eq!(head["mempool"], 3);

    let (code, v) = node.get("/v1/nope").unwrap();
    assert_eq!(code, 404);
    assert!(v["error"].is_string(), "unknown routes answer JSON too: {v}");
}

#[test]
fn a_client_over_its_rate_gets_429_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProcess::start_with(dir.path(), &["--rate-limit", "2", "--rate-burst", "5"]);
    std::thread::sleep(std::time::Duration::from_secs(3)); // the start-up polls' tokens come back
    let codes: Vec<u16> = (0..20).map(|_| node.get("/v1/head").unwrap().0).collect();
    assert_eq!(codes[0], 200);
    assert!(codes.iter().filter(|c| **c == 200).count() <= 8, "{codes:?}");
    let resp = ureq::get(&format!("{}/v1/head", node.url)).config().http_status_as_error(false).build().call();
    let mut resp = resp.unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp.headers().get("retry-after").is_some());
    let v: serde_json::Value = resp.body_mut().read_json().unwrap();
    assert!(v["error"].as_str().unwrap().contains("too many requests"), "{v}");
}

#[test]
fn loopback_only_load_generator_refuses_other_hosts() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_procura"))
        .args(["--node", "http://192.0.2.1:8645", "load", "--duration-secs", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a loopback address"));
}

/// A few seconds of `procura load` with small caps: blocks keep coming,
/// every invalid kind is refused with its message, the caps refuse the
/// excess, and the node's RSS stays under a generous bound.
#[test]
fn a_short_bounded_load_is_absorbed() {
    let dir = tempfile::tempdir().unwrap();
    // Blocks every 400 ms: submissions outpace them, so the caps are reached.
    let caps =
        ["--rate-limit", "0", "--max-mempool", "300", "--max-pending-per-account", "3", "--block-interval-ms", "400"];
    let node = NodeProcess::start_with(dir.path(), &caps);
    let pid = node.child.id().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_procura"))
        .args(["--node", &node.url, "load", "--duration-secs", "4", "--accounts", "60", "--workers", "3"])
        .args(["--invalid-every", "5", "--json", "--node-pid", &pid, "--contracts"])
        .arg(contracts_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("{r:#}");
    assert!(r["blocks"].as_u64().unwrap() >= 3, "blocks kept coming: {r}");
    assert!(r["longest_gap_between_blocks_secs"].as_f64().unwrap() < 3.0, "{r}");
    assert_eq!(r["valid"]["refused_other"], json!({}), "valid transactions are only refused by the caps: {r}");
    assert!(r["valid"]["accepted"].as_u64().unwrap() > 0);
    assert_eq!(r["committed_txs"].as_u64().unwrap(), r["valid"]["accepted"].as_u64().unwrap(), "{r}");
    let excess = r["valid"]["account_capped_429"].as_u64().unwrap() + r["valid"]["mempool_full_503"].as_u64().unwrap();
    assert!(excess > 0, "the caps refused the excess: {r}");
    for kind in ["bad_signature", "wrong_nonce", "wrong_chain", "garbage_json", "oversize"] {
        let k = &r["invalid"][kind];
        assert!(k["sent"].as_u64().unwrap() > 0, "{kind}: {r}");
        assert_eq!(k["accepted"], 0, "{kind}: {r}");
        assert_eq!(k["rejected"], k["sent"], "{kind} refused with its message: {r}");
    }
    let rss_mib = r["rss_kib"]["max"].as_u64().unwrap() / 1024;
    assert!(rss_mib > 0 && rss_mib < 1024, "RSS {rss_mib} MiB");
    assert_eq!(node.get("/v1/head").unwrap().0, 200);
}
