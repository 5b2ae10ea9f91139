//! A loopback cluster of replicated validators for process tests: each one
//! the real `procura node --config` (this build's binary) with its
//! `procura-validator` engine (runtime/consensus; PROCURA_VALIDATOR_BIN).
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn procura_bin() -> String {
    std::env::var("PROCURA_NODE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_procura").into())
}

/// The engine binary, or `None` (the test is skipped, saying why): it is
/// built in its own workspace, `scripts/cluster build`.
pub fn validator_bin() -> Option<PathBuf> {
    let bin = std::env::var("PROCURA_VALIDATOR_BIN").ok().map(PathBuf::from);
    match bin {
        Some(b) if b.exists() => Some(b),
        _ => {
            eprintln!("SKIPPED: set PROCURA_VALIDATOR_BIN to a procura-validator (scripts/cluster build)");
            None
        }
    }
}

pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub n: usize,
    pub api_port: u16,
    pub nodes: Vec<Option<Child>>,
    pub validator_bin: PathBuf,
}

fn ports_free(base: u16, n: usize) -> bool {
    (0..n as u16).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok())
}

/// `n` consecutive free ports at a random-ish base.
fn free_base(n: usize) -> u16 {
    let seed = std::process::id() as u64
        ^ Instant::now().elapsed().as_nanos() as u64
        ^ std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let mut base = 20_000 + (seed % 20_000) as u16;
    while !ports_free(base, n) {
        base += n as u16 + 1;
    }
    base
}

impl Cluster {
    /// Writes the cluster's files (no node started).
    pub fn init(n: usize, validator_bin: PathBuf) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let api_port = free_base(n);
        let p2p_port = free_base(2 * n + 2) + n as u16 + 1;
        let out = Command::new(procura_bin())
            .args(["cluster", "init", "--validators", &n.to_string()])
            .arg("--dir")
            .arg(dir.path())
            .args(["--api-port", &api_port.to_string(), "--p2p-port", &p2p_port.to_string()])
            .arg("--contracts")
            .arg(crate::common::contracts_dir())
            .output()
            .unwrap();
        assert!(out.status.success(), "cluster init: {}", String::from_utf8_lossy(&out.stderr));
        // Tighter timeouts than the defaults keep the tests short.
        for i in 0..n {
            let path = dir.path().join(format!("v{i}.json"));
            let mut c: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            c["consensus"]["propose_timeout_ms"] = 2000.into();
            c["consensus"]["idle_block_ms"] = 500.into();
            std::fs::write(&path, c.to_string()).unwrap();
        }
        Cluster { dir, n, api_port, nodes: (0..n).map(|_| None).collect(), validator_bin }
    }

    pub fn start(n: usize, validator_bin: PathBuf) -> Cluster {
        let mut c = Cluster::init(n, validator_bin);
        for i in 0..n {
            c.spawn(i);
        }
        for i in 0..n {
            c.wait_up(i);
        }
        c
    }

    pub fn config(&self, i: usize) -> PathBuf {
        self.dir.path().join(format!("v{i}.json"))
    }

    pub fn set_byzantine(&self, i: usize, bin: &Path) {
        let path = self.config(i);
        let mut c: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        c["byzantine"] = true.into();
        c["validator_bin"] = bin.to_string_lossy().into_owned().into();
        std::fs::write(&path, c.to_string()).unwrap();
    }

    /// Moves every engine into its own network namespace of `net`: each
    /// listens on its namespace's address and dials the others' there.
    pub fn use_netns(&self, net: &crate::netns::Netns) {
        // Each engine has its own address, so all can use one port.
        let addr = |i: usize| format!("{}:26656", net.addr(i));
        for i in 0..self.n {
            let path = self.config(i);
            let mut c: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            c["consensus"]["listen"] = addr(i).into();
            let peers: Vec<Value> = (0..self.n).filter(|j| *j != i).map(|j| addr(j).into()).collect();
            c["consensus"]["peers"] = peers.into();
            let wrapper = net.engine_wrapper(i, &self.validator_bin, self.dir.path());
            c["validator_bin"] = wrapper.to_string_lossy().into_owned().into();
            std::fs::write(&path, c.to_string()).unwrap();
        }
    }

    /// Starts validator `i` (its node, which starts its engine).
    pub fn spawn(&mut self, i: usize) {
        let log = |ext: &str| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.path().join(format!("v{i}.{ext}")))
                .unwrap()
        };
        let child = Command::new(procura_bin())
            .args(["node", "--config"])
            .arg(self.config(i))
            .env("PROCURA_VALIDATOR_BIN", &self.validator_bin)
            .stdout(Stdio::from(log("out")))
            .stderr(Stdio::from(log("err")))
            .spawn()
            .expect("procura starts");
        self.nodes[i] = Some(child);
    }

    pub fn url(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}", self.api_port as usize + i)
    }

    pub fn get(&self, i: usize, path: &str) -> Result<Value, String> {
        let mut resp = ureq::get(&format!("{}{path}", self.url(i)))
            .config()
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .call()
            .map_err(|e| e.to_string())?;
        serde_json::from_str(&resp.body_mut().read_to_string().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
    }

    /// Submits `tx` to validator `i`, as a polite client: over the node's
    /// rate limit (429), it waits the `Retry-After` it is given and resends.
    pub fn post_tx(&self, i: usize, tx: &procura_chain::SignedTransaction) -> String {
        let body = serde_json::json!({ "tx": hex::encode(borsh::to_vec(tx).unwrap()) }).to_string();
        let mut resp = loop {
            let resp = ureq::post(&format!("{}/v1/tx", self.url(i)))
                .config()
                .http_status_as_error(false)
                .build()
                .content_type("application/json")
                .send(body.as_bytes())
                .unwrap();
            if resp.status().as_u16() != 429 {
                break resp;
            }
            let wait = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(1);
            std::thread::sleep(Duration::from_secs(wait));
        };
        let text = resp.body_mut().read_to_string().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "submit to v{i}: {text}");
        serde_json::from_str::<Value>(&text).unwrap()["hash"].as_str().unwrap().to_string()
    }

    pub fn wait_up(&self, i: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.get(i, "/v1/head").is_err() {
            assert!(Instant::now() < deadline, "v{i} did not answer within 60 s:\n{}", self.stderr(i));
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn height(&self, i: usize) -> Option<u64> {
        self.get(i, "/v1/head").ok().and_then(|h| h["height"].as_u64())
    }

    /// The highest height any running validator reports.
    pub fn max_height(&self) -> u64 {
        (0..self.n).filter(|i| self.nodes[*i].is_some()).filter_map(|i| self.height(i)).max().unwrap_or(0)
    }

    pub fn wait_height(&self, i: usize, h: u64, within: Duration) {
        let deadline = Instant::now() + within;
        while self.height(i).unwrap_or(0) < h {
            assert!(Instant::now() < deadline, "v{i} did not reach height {h} within {within:?}:\n{}", self.logs());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `hash` is committed on validator `i`; returns its height.
    pub fn wait_committed(&self, i: usize, hash: &str, within: Duration) -> u64 {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(v) = self.get(i, &format!("/v1/tx/{hash}")) {
                if v["status"] == "committed" {
                    assert_eq!(v["receipt"]["status"], "success", "tx {hash}: {v}");
                    return v["height"].as_u64().unwrap();
                }
            }
            assert!(Instant::now() < deadline, "tx {hash} not committed on v{i} within {within:?}:\n{}", self.logs());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// (block hash, state root) at `height` on validator `i`.
    pub fn block_id(&self, i: usize, height: u64) -> (String, String) {
        let b = self.get(i, &format!("/v1/blocks/{height}")).unwrap();
        (b["hash"].as_str().unwrap().to_string(), b["state_root"].as_str().unwrap().to_string())
    }

    /// Every running validator has the same block hash and state root at
    /// every height 1..=upto.
    pub fn assert_same_chain(&self, upto: u64) {
        let running: Vec<usize> = (0..self.n).filter(|i| self.nodes[*i].is_some()).collect();
        for &i in &running {
            self.wait_height(i, upto, Duration::from_secs(60));
        }
        for h in 1..=upto {
            let first = self.block_id(running[0], h);
            for &i in &running[1..] {
                assert_eq!(self.block_id(i, h), first, "v{i} differs from v{} at height {h}", running[0]);
            }
        }
    }

    pub fn kill9(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // The engine follows its node within ~100 ms (it watches its parent).
        std::thread::sleep(Duration::from_millis(500));
    }

    /// The engine process of validator `i`, as its node printed it.
    pub fn engine_pid(&self, i: usize) -> u32 {
        let out = std::fs::read_to_string(self.dir.path().join(format!("v{i}.out"))).unwrap_or_default();
        out.lines()
            .filter_map(|l| l.split("consensus engine pid ").nth(1))
            .last()
            .and_then(|p| p.trim().parse().ok())
            .expect("the node printed its engine's pid")
    }

    /// Sends `sig` (e.g. "-STOP") to validator `i`'s node and engine.
    pub fn signal(&self, i: usize, sig: &str) {
        let pid = self.nodes[i].as_ref().unwrap().id();
        let engine = self.engine_pid(i);
        let _ = Command::new("kill").args([sig, &pid.to_string(), &engine.to_string()]).status();
    }

    pub fn stderr(&self, i: usize) -> String {
        let text = std::fs::read_to_string(self.dir.path().join(format!("v{i}.err"))).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Every validator's height and log tail: what a stalled test shows.
    pub fn logs(&self) -> String {
        (0..self.n)
            .map(|i| {
                let state = if self.nodes[i].is_some() { "running" } else { "stopped" };
                format!("--- v{i} ({state}, height {:?}):\n{}\n", self.height(i), self.stderr(i))
            })
            .collect()
    }

    pub fn key(&self, i: usize) -> ed25519_dalek::SigningKey {
        procura_node::keys::load(&self.dir.path().join(format!("v{i}.key"))).unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..self.n {
            if let Some(mut c) = self.nodes[i].take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        // Let the engines see their nodes gone before the directory goes.
        std::thread::sleep(Duration::from_millis(300));
    }
}
