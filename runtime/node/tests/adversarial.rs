//! Hostile contracts as real uploads through the node's transaction path:
//! each attack is a signed transaction in a produced block. Each must end
//! in a typed failure in its receipt, be charged the right gas, change no
//! state but the sender's nonce (a second node re-executes every block and
//! reports the keys it wrote), and, over HTTP, leave `/v1/head` answering.

#[path = "../../vm/tests/common/bombs.rs"]
mod bombs;
mod common;
#[path = "common/process.rs"]
mod process;

use common::*;
use ed25519_dalek::SigningKey;
use procura_chain::{
    account_address, contract_address, Action, Receipt, ReceiptStatus, SignedTransaction, Transaction,
};
use procura_node::chain::TxSignatures;
use procura_node::executor::{UPLOAD_BASE_GAS, UPLOAD_GAS_PER_BYTE};
use procura_primitives::Address;
use procura_state::StateKey;
use std::time::{Duration, Instant};

const GAS: u64 = 50_000_000;

fn attacker_code() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/attacker.wat");
    wat::parse_file(path).expect("attacker.wat parses")
}

fn attacker() -> SigningKey {
    user(0x66)
}

fn sign(key: &SigningKey, nonce: u64, gas_limit: u64, action: Action) -> SignedTransaction {
    let signer = key.verifying_key().to_bytes();
    Transaction { chain_id: "procura-dev".into(), signer, nonce, gas_limit, action }.sign(key)
}

/// The attacker's two instances (salts 0 and 1) of `attacker.wat`.
fn instances() -> (Address, Address) {
    let creator = account_address(&attacker().verifying_key().to_bytes());
    let hash = procura_vm::code_hash(&attacker_code());
    (contract_address(&creator, &hash, 0), contract_address(&creator, &hash, 1))
}

/// Upload, two instances, and a value under "k" in the first.
fn deploy_txs() -> Vec<SignedTransaction> {
    let key = attacker();
    let code = attacker_code();
    let hash = procura_vm::code_hash(&code);
    let (a, _) = instances();
    let instantiate = |salt| Action::Instantiate { code_hash: hash, init_args: vec![], salt };
    vec![
        sign(&key, 0, GAS, Action::UploadCode { code }),
        sign(&key, 1, GAS, instantiate(0)),
        sign(&key, 2, GAS, instantiate(1)),
        sign(&key, 3, GAS, Action::Call { contract: a, method: "put".into(), args: b"secret".to_vec() }),
    ]
}

/// How much gas an attack must be charged.
#[derive(Clone, Copy, Debug)]
enum Gas {
    /// A trap raised by Wasm burns the whole limit.
    All,
    /// Exactly this (host-raised failures charge what was used; the figure
    /// is consensus, so a change here is a gas schedule change).
    Exactly(u64),
    /// More than the call's base cost and at most this: cross-contract
    /// failures, whose cost includes the callee's run.
    AtMost(u64),
}

struct Attack {
    name: &'static str,
    action: Action,
    /// Part of the receipt's failure message.
    error: &'static str,
    gas: Gas,
}

fn call(contract: Address, method: &str, args: Vec<u8>) -> Action {
    Action::Call { contract, method: method.into(), args }
}

fn attacks() -> Vec<Attack> {
    let (a, b) = instances();
    let ask = |target: Address, method: &str| [target.0.as_slice(), method.as_bytes()].concat();
    let too_big = {
        // A module just over the 512 KiB upload limit: a huge data segment.
        let mut wat = String::from(r#"(module (memory (export "memory") 16 16) (data (i32.const 0) ""#);
        wat.push_str(&"\\00".repeat(512 * 1024));
        wat.push_str(r#"") (func (export "run")))"#);
        wat::parse_str(&wat).unwrap()
    };
    let upload_gas = |code: &[u8]| UPLOAD_BASE_GAS + UPLOAD_GAS_PER_BYTE * code.len() as u64;
    vec![
        Attack { name: "infinite loop", action: call(a, "spin", vec![]), error: "out of gas", gas: Gas::All },
        Attack { name: "memory bomb", action: call(a, "grow", vec![]), error: "memory limit exceeded", gas: Gas::All },
        Attack { name: "deep recursion", action: call(a, "recurse", vec![]), error: "stack exhausted", gas: Gas::All },
        Attack { name: "host-call flood", action: call(a, "flood", vec![]), error: "out of gas", gas: Gas::All },
        Attack { name: "storage fill", action: call(a, "fill_storage", vec![]), error: "out of gas", gas: Gas::All },
        Attack {
            name: "huge event payload",
            action: call(a, "big_event", vec![]),
            error: "event payload of 1048576 bytes exceeds the 16384 byte limit",
            gas: Gas::Exactly(10_006),
        },
        Attack {
            name: "too many events",
            action: call(a, "many_events", vec![]),
            error: "more than 64 events in one call",
            gas: Gas::Exactly(78_678),
        },
        Attack {
            name: "oversized storage key",
            action: call(a, "big_key", vec![]),
            error: "storage key of 257 bytes exceeds the 256 byte limit",
            gas: Gas::Exactly(10_006),
        },
        Attack {
            name: "oversized storage value",
            action: call(a, "big_value", vec![]),
            error: "storage value of 65537 bytes exceeds the 65536 byte limit",
            gas: Gas::Exactly(10_006),
        },
        Attack {
            name: "re-entrancy into itself",
            action: call(a, "ask_self", vec![]),
            error: "already on the call stack; re-entrant calls are refused",
            gas: Gas::AtMost(200_000),
        },
        Attack {
            name: "re-entrancy via a callee",
            action: call(a, "ask", ask(b, "call_back")),
            error: "a view reached by call_view cannot call further",
            gas: Gas::AtMost(200_000),
        },
        Attack {
            name: "write in a view (call_view)",
            action: call(a, "ask", ask(b, "put")),
            error: "a view call may not write state or emit events",
            gas: Gas::AtMost(200_000),
        },
        Attack {
            name: "read another's key (own key space)",
            action: call(b, "peek", b"k".to_vec()),
            error: "contract aborted: absent",
            gas: Gas::AtMost(200_000),
        },
        Attack {
            name: "read another's key (full state key)",
            action: call(b, "peek", StateKey::storage(&a, b"k")),
            error: "contract aborted: absent",
            gas: Gas::AtMost(200_000),
        },
        Attack {
            name: "JIT bomb",
            action: Action::UploadCode { code: worst_jit_bomb() },
            error: "",
            gas: Gas::Exactly(upload_gas(&worst_jit_bomb())),
        },
        Attack {
            name: "JIT bomb beyond the limits",
            action: Action::UploadCode { code: refused_jit_bomb() },
            error: "upload refused: function 0 has a body of",
            gas: Gas::Exactly(upload_gas(&refused_jit_bomb())),
        },
        Attack {
            name: "huge data segment",
            action: Action::UploadCode { code: too_big.clone() },
            error: "upload refused: module is",
            gas: Gas::Exactly(upload_gas(&too_big)),
        },
    ]
}

/// The slowest-compiling module the upload rules accept, as measured by
/// runtime/vm/tests/jit_bomb.rs: as many copies as fit of a function at the
/// nesting limit.
fn worst_jit_bomb() -> Vec<u8> {
    let limits = procura_vm::Limits::default();
    let body = bombs::nested_blocks(limits.max_nesting_depth as usize);
    bombs::module_n(bombs::copies(body.len(), limits.max_code_size), 0, &body)
}

/// A JIT bomb beyond the limits: one 512 KiB function of nested blocks.
fn refused_jit_bomb() -> Vec<u8> {
    bombs::module(0, &bombs::nested_blocks(512 * 1024 / 3 - 64))
}

fn failure(r: &Receipt) -> &str {
    match &r.status {
        ReceiptStatus::Failure(m) => m,
        ReceiptStatus::Success => "",
    }
}

#[test]
fn each_attack_fails_typed_is_charged_and_changes_only_the_nonce() {
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open_chain(dir.path(), true);
    let replica_dir = tempfile::tempdir().unwrap();
    let mut replica = open_chain(replica_dir.path(), false);
    let (a, _) = instances();

    // Admission wants code committed before it is instantiated, and a
    // contract before it is called.
    let mut deploy = deploy_txs();
    let put = deploy.split_off(3);
    let instantiate = deploy.split_off(1);
    for txs in [deploy, instantiate, put] {
        let count = txs.len();
        let (block, receipts) = chain.produce(txs, T0 + 1).unwrap();
        assert_eq!(receipts.len(), count);
        assert!(receipts.iter().all(|r| r.status == ReceiptStatus::Success), "{receipts:?}");
        replica.apply(&block).unwrap();
    }

    let key = attacker();
    let sender = account_address(&key.verifying_key().to_bytes());
    let mut nonce = deploy_txs().len() as u64;
    for attack in attacks() {
        let tx = sign(&key, nonce, GAS, attack.action.clone());
        nonce += 1;
        let root_before = chain.head().state_root;
        let started = Instant::now();
        let (block, receipts) = chain.produce(vec![tx], T0 + 1).unwrap();
        let took = started.elapsed();
        assert_eq!(receipts.len(), 1, "{}: the transaction is in the block", attack.name);
        let r = &receipts[0];
        println!("{:<36} {:>10} gas  {:>7.1} ms  {}", attack.name, r.gas_used, took.as_secs_f64() * 1e3, failure(r));
        if attack.name == "JIT bomb" {
            // Accepted within the limits: what matters is its bounded cost.
            assert_eq!(r.status, ReceiptStatus::Success, "{}", failure(r));
        } else {
            assert!(failure(r).contains(attack.error), "{}: {:?}", attack.name, r.status);
        }
        match attack.gas {
            Gas::All => assert_eq!(r.gas_used, GAS, "{}", attack.name),
            Gas::AtMost(g) => assert!(r.gas_used > 10_000 && r.gas_used <= g, "{}: {}", attack.name, r.gas_used),
            Gas::Exactly(g) => assert_eq!(r.gas_used, g, "{}", attack.name),
        }
        // The replica re-executes the block: same receipts and roots, and
        // the only state written is the sender's account (its nonce); for
        // an accepted upload, the code too.
        let applied = replica.apply_with(&block, TxSignatures::Check).unwrap();
        assert_eq!(applied.receipts, receipts);
        let mut expected = vec![StateKey::account(&sender)];
        if r.status == ReceiptStatus::Success {
            expected.push(StateKey::code(&procura_vm::code_hash(&worst_jit_bomb())));
        }
        expected.sort();
        assert_eq!(applied.written, expected, "{}: wrote more than the nonce", attack.name);
        assert_ne!(chain.head().state_root, root_before, "the nonce changed");
    }
    // The victim's value is intact and readable only by its owner.
    let ctx = procura_node::executor::BlockContext { height: chain.head().height, time: T0 };
    let read = |c: &Address| chain.executor.view(&*chain.db, &ctx, c, "peek", b"k", GAS);
    assert_eq!(read(&a), Ok(b"secret".to_vec()));
    assert_eq!(read(&instances().1), Err("contract aborted: absent".into()));
    // A view through the node's read path cannot write either.
    let write = chain.executor.view(&*chain.db, &ctx, &a, "put", b"x", GAS);
    assert_eq!(write, Err("a view call may not write state or emit events".into()));
    assert_eq!(read(&a), Ok(b"secret".to_vec()));
}

/// Latencies of `/v1/head`, in milliseconds, polled until `done`.
fn poll_head(node_url: String, done: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Vec<f64> {
    let mut samples = Vec::new();
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        let started = Instant::now();
        let ok = ureq::get(&format!("{node_url}/v1/head")).call().is_ok();
        assert!(ok, "/v1/head failed during an attack");
        samples.push(started.elapsed().as_secs_f64() * 1e3);
        std::thread::sleep(Duration::from_millis(5));
    }
    samples
}

fn wait_committed(node: &process::NodeProcess, hash: &str) -> serde_json::Value {
    for _ in 0..2400 {
        let (code, v) = node.get(&format!("/v1/tx/{hash}")).unwrap();
        assert_eq!(code, 200, "{v}");
        if v["status"] == "committed" {
            return v;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("tx {hash} not committed");
}

fn submit(node: &process::NodeProcess, tx: &SignedTransaction) -> String {
    let (code, v) = node.post("/v1/tx", serde_json::json!({ "tx": hex::encode(tx.encode()) })).unwrap();
    assert_eq!(code, 200, "{v}");
    v["hash"].as_str().unwrap().to_string()
}

/// Gas limit of the attacks over HTTP: large, so each runs long enough for
/// the head latency to mean something.
const HTTP_GAS: u64 = 1_000_000_000;

#[test]
fn the_http_node_stays_responsive_while_attacks_run() {
    let dir = tempfile::tempdir().unwrap();
    let node = process::NodeProcess::start(dir.path());
    for tx in deploy_txs() {
        let hash = submit(&node, &tx);
        let v = wait_committed(&node, &hash);
        assert_eq!(v["receipt"]["status"], "success", "{v}");
    }
    let key = attacker();
    let mut nonce = deploy_txs().len() as u64;
    println!("{:<36} {:>12} {:>9} {:>9} {:>9}  error", "attack", "gas", "block ms", "head max", "head p99");
    for attack in attacks() {
        let tx = sign(&key, nonce, HTTP_GAS, attack.action.clone());
        nonce += 1;
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let poller = {
            let (url, done) = (node.url.clone(), done.clone());
            std::thread::spawn(move || poll_head(url, done))
        };
        let started = Instant::now();
        let hash = submit(&node, &tx);
        let status = wait_committed(&node, &hash);
        let took = started.elapsed();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let mut samples = poller.join().unwrap();
        samples.sort_by(f64::total_cmp);
        let max = samples.last().copied().unwrap_or(0.0);
        let p99 = samples[(samples.len() * 99 / 100).min(samples.len() - 1)];
        let receipt = &status["receipt"];
        println!(
            "{:<36} {:>12} {:>9.0} {:>9.1} {:>9.1}  {}",
            attack.name,
            receipt["gas_used"],
            took.as_secs_f64() * 1e3,
            max,
            p99,
            receipt["error"].as_str().unwrap_or("-")
        );
        if attack.name != "JIT bomb" {
            assert_eq!(receipt["status"], "failure", "{}: {receipt}", attack.name);
            assert!(receipt["error"].as_str().unwrap().contains(attack.error), "{}: {receipt}", attack.name);
        }
        if let Gas::All = attack.gas {
            assert_eq!(receipt["gas_used"].as_u64(), Some(HTTP_GAS), "{}", attack.name);
        }
        // A generous sanity bound, not a benchmark.
        assert!(max < 5_000.0, "{}: /v1/head took {max} ms", attack.name);
    }
    // A write through the view endpoint is refused the same way.
    let (a, _) = instances();
    let (code, v) =
        node.post("/v1/view", serde_json::json!({ "contract": a.to_hex(), "method": "put", "args": "78" })).unwrap();
    assert_eq!(code, 400);
    assert_eq!(v["error"], "a view call may not write state or emit events");
}
