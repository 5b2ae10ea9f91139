//! `procura load`: a bounded load generator for a node on this machine. It
//! floods the API with valid sealed-bid `submit_bid` transactions from many
//! accounts mixed with invalid ones (bad signature, wrong nonce, wrong
//! chain id, oversize body, garbage JSON), and measures what the node
//! accepted and refused (with its messages), committed throughput, latency
//! of submissions and of `/v1/head`, and the node's RSS. It refuses
//! non-loopback targets and stops by itself (time or transaction budget).

use anyhow::{anyhow, bail, Context};
use ed25519_dalek::SigningKey;
use procura_chain::{account_address, contract_address, Action, SignedTransaction, Transaction};
use procura_primitives::Address;
use serde_json::{json, Value};
use sha2::Digest;
use std::collections::BTreeMap;
use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Hard bounds, whatever the flags say: a load run always ends.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
const GAS: u64 = 5_000_000;

#[derive(Clone, Debug)]
pub struct LoadConfig {
    /// `http://127.0.0.1:PORT` (loopback only).
    pub url: String,
    pub duration: Duration,
    /// Stop after this many accepted valid transactions.
    pub max_txs: u64,
    pub accounts: usize,
    pub workers: usize,
    /// One submission in `invalid_every` is an invalid one (0: none).
    pub invalid_every: u64,
    /// Bytes of the oversize body (above the node's body limit).
    pub oversize_bytes: usize,
    /// The node's process id, for RSS samples from /proc.
    pub node_pid: Option<u32>,
    /// Where `sealed-bid.wasm` is (its ABI encodes the calls).
    pub contracts_dir: PathBuf,
    /// Distinguishes runs against the same chain (fresh accounts).
    pub seed: u64,
}

/// The kinds of invalid submissions, each with the refusal it must get.
const INVALID: [(&str, u16, &str); 5] = [
    ("bad_signature", 400, "bad signature"),
    ("wrong_nonce", 400, "nonce"),
    ("wrong_chain", 400, "wrong chain id"),
    ("garbage_json", 400, "malformed JSON"),
    ("oversize", 413, "too large"),
];

/// Refuses anything but a loopback address: this tool floods, so it only
/// ever points at a node on the same machine.
pub fn check_loopback(url: &str) -> anyhow::Result<()> {
    let rest = url.strip_prefix("http://").ok_or_else(|| anyhow!("the node URL must start with http://"))?;
    let host_port = rest.split('/').next().unwrap_or_default();
    let addrs: Vec<_> =
        host_port.to_socket_addrs().with_context(|| format!("cannot resolve {host_port} (give host:port)"))?.collect();
    if addrs.is_empty() || addrs.iter().any(|a| !a.ip().is_loopback()) {
        bail!("procura load only targets a node on this machine: {host_port} is not a loopback address");
    }
    Ok(())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// One request: status and JSON body, or a transport error.
fn request(agent: &ureq::Agent, url: &str, body: Option<&[u8]>) -> Result<(u16, Value), String> {
    let result = match body {
        Some(b) => agent.post(url).content_type("application/json").send(b),
        None => agent.get(url).call(),
    };
    let mut resp = result.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().map_err(|e| e.to_string())?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

/// GET with retries over rate limits (setup and final accounting only).
fn get(agent: &ureq::Agent, url: &str) -> anyhow::Result<Value> {
    for _ in 0..200 {
        match request(agent, url, None) {
            Ok((200, v)) => return Ok(v),
            Ok((429, _)) => std::thread::sleep(Duration::from_millis(50)),
            Ok((code, v)) => bail!("GET {url}: {code} {v}"),
            Err(e) => bail!("GET {url}: {e}"),
        }
    }
    bail!("GET {url}: still rate limited after 10 s")
}

fn key(seed: u64, i: u64) -> SigningKey {
    let digest = sha2::Sha256::digest([b"procura-load".as_slice(), &seed.to_le_bytes(), &i.to_le_bytes()].concat());
    SigningKey::from_bytes(&digest.into())
}

#[derive(Default)]
struct Counts {
    accepted: u64,
    mempool_full: u64,
    account_capped: u64,
    rate_limited: u64,
    valid_refused: BTreeMap<String, u64>,
    transport_errors: u64,
    /// kind → (sent, rejected as expected, accepted, other outcome, sample message)
    invalid: BTreeMap<&'static str, (u64, u64, u64, u64, String)>,
    submit_latency_us: Vec<u64>,
}

struct Shared {
    chain_id: String,
    contract: Address,
    tender_id: u64,
    submit_url: String,
    stop: AtomicBool,
    accepted: AtomicU64,
    counts: Mutex<Counts>,
}

fn submit_body(tx: &SignedTransaction) -> Vec<u8> {
    json!({ "tx": hex::encode(tx.encode()) }).to_string().into_bytes()
}

fn bid_tx(shared: &Shared, key: &SigningKey, nonce: u64, chain_id: &str) -> Transaction {
    let commitment: [u8; 32] = sha2::Sha256::digest(nonce.to_le_bytes()).into();
    Transaction {
        chain_id: chain_id.into(),
        signer: key.verifying_key().to_bytes(),
        nonce,
        gas_limit: GAS,
        action: Action::Call {
            contract: shared.contract,
            method: "submit_bid".into(),
            args: borsh::to_vec(&(shared.tender_id, commitment)).expect("encodes"),
        },
    }
}

/// One worker: its own accounts, in turn, with an invalid submission every
/// `invalid_every` steps.
fn worker(shared: Arc<Shared>, config: LoadConfig, mut accounts: Vec<(SigningKey, u64)>, offset: u64) {
    // Oversize bodies on their own connections: the server closes one
    // after refusing it, which would fail the next pooled request.
    let oversize_agent = agent();
    let agent = agent();
    let mut local = Counts::default();
    let mut step = offset;
    let mut failures_in_row = 0;
    let oversize = {
        let mut b = b"{\"tx\":\"".to_vec();
        b.resize(config.oversize_bytes, b'0');
        b.extend_from_slice(b"\"}");
        b
    };
    while !shared.stop.load(Ordering::Relaxed) && failures_in_row < 50 {
        step += 1;
        let index = (step as usize) % accounts.len();
        let (key, nonce) = (&accounts[index].0, accounts[index].1);
        if config.invalid_every > 0 && step % config.invalid_every == 0 {
            let kind = (step / config.invalid_every) as usize % INVALID.len();
            let (name, want_code, want_text) = INVALID[kind];
            let body = match INVALID[kind].0 {
                "bad_signature" => {
                    let mut tx = bid_tx(&shared, key, nonce, &shared.chain_id).sign(key);
                    tx.signature[7] ^= 0x40;
                    submit_body(&tx)
                }
                "wrong_nonce" => submit_body(&bid_tx(&shared, key, nonce + 1_000, &shared.chain_id).sign(key)),
                "wrong_chain" => submit_body(&bid_tx(&shared, key, nonce, "not-this-chain").sign(key)),
                "garbage_json" => b"{\"tx\": 12, oops".to_vec(),
                _ => oversize.clone(),
            };
            let via = if name == "oversize" { &oversize_agent } else { &agent };
            let outcome = request(via, &shared.submit_url, Some(&body));
            let entry = local.invalid.entry(name).or_default();
            entry.0 += 1;
            match outcome {
                Ok((code, v)) if code == want_code && v["error"].as_str().is_some_and(|m| m.contains(want_text)) => {
                    entry.1 += 1;
                    if entry.4.is_empty() {
                        entry.4 = v["error"].as_str().unwrap_or_default().to_string();
                    }
                }
                Ok((429, _)) => local.rate_limited += 1,
                Ok((200, _)) => entry.2 += 1,
                // The server may close the connection before it has read an
                // oversize body: refused all the same.
                Err(_) if name == "oversize" => entry.1 += 1,
                Ok((code, v)) => {
                    entry.3 += 1;
                    entry.4 = format!("unexpected {code}: {v}");
                }
                Err(_) => local.transport_errors += 1,
            }
            continue;
        }
        let tx = bid_tx(&shared, key, nonce, &shared.chain_id).sign(key);
        let started = Instant::now();
        let outcome = request(&agent, &shared.submit_url, Some(&submit_body(&tx)));
        local.submit_latency_us.push(started.elapsed().as_micros() as u64);
        match outcome {
            Ok((200, _)) => {
                failures_in_row = 0;
                local.accepted += 1;
                accounts[index].1 += 1;
                if shared.accepted.fetch_add(1, Ordering::Relaxed) + 1 >= config.max_txs {
                    shared.stop.store(true, Ordering::Relaxed);
                }
            }
            Ok((code, v)) => {
                failures_in_row = 0;
                let msg = v["error"].as_str().unwrap_or_default();
                match code {
                    503 => local.mempool_full += 1,
                    429 if msg.contains("pending") => local.account_capped += 1,
                    429 => local.rate_limited += 1,
                    _ => *local.valid_refused.entry(format!("{code} {msg}")).or_default() += 1,
                }
                if code == 400 && msg.contains("nonce") {
                    // Out of step with the chain (a dropped tx): resync.
                    let a = account_address(&key.verifying_key().to_bytes());
                    if let Ok((200, v)) = request(&agent, &format!("{}/v1/accounts/{a}", config.url), None) {
                        accounts[index].1 = v["next_nonce"].as_u64().unwrap_or(nonce);
                    }
                }
                // Back off a little when the node pushes back.
                std::thread::sleep(Duration::from_millis(if code == 400 { 0 } else { 5 }));
            }
            Err(_) => {
                failures_in_row += 1;
                local.transport_errors += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    let mut c = shared.counts.lock().expect("counts lock");
    c.accepted += local.accepted;
    c.mempool_full += local.mempool_full;
    c.account_capped += local.account_capped;
    c.rate_limited += local.rate_limited;
    c.transport_errors += local.transport_errors;
    c.submit_latency_us.extend(local.submit_latency_us);
    for (k, v) in local.valid_refused {
        *c.valid_refused.entry(k).or_default() += v;
    }
    for (k, v) in local.invalid {
        let e = c.invalid.entry(k).or_default();
        (e.0, e.1, e.2, e.3) = (e.0 + v.0, e.1 + v.1, e.2 + v.2, e.3 + v.3);
        if e.4.is_empty() || v.4.starts_with("unexpected") {
            e.4 = v.4;
        }
    }
}

/// VmRSS of `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentiles(mut v: Vec<u64>) -> Value {
    if v.is_empty() {
        return json!(null);
    }
    v.sort_unstable();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0;
    json!({ "count": v.len(), "p50_ms": at(0.5), "p99_ms": at(0.99), "max_ms": at(1.0) })
}

/// Opens the tender the bids go to and waits until it is committed.
fn open_tender(agent: &ureq::Agent, config: &LoadConfig, chain_id: &str, contract: Address) -> anyhow::Result<u64> {
    let code = std::fs::read(config.contracts_dir.join("sealed-bid.wasm"))
        .with_context(|| format!("cannot read sealed-bid.wasm in {}", config.contracts_dir.display()))?;
    let abi = procura_abi::ContractAbi::from_wasm(&code)?;
    let far = 4_000_000_000u64;
    let args = abi.encode_args(
        "open_tender",
        &json!({ "params": { "description_hash": hex::encode([1u8; 32]), "budget": "1000000", "currency": "EUR",
            "bid_deadline": far, "reveal_deadline": far + 1, "min_bids": 1, "standstill_secs": 60 } }),
    )?;
    let buyer = key(config.seed, u64::MAX);
    let account = account_address(&buyer.verifying_key().to_bytes());
    let nonce = get(agent, &format!("{}/v1/accounts/{account}", config.url))?["next_nonce"].as_u64().unwrap_or(0);
    let tx = Transaction {
        chain_id: chain_id.into(),
        signer: buyer.verifying_key().to_bytes(),
        nonce,
        gas_limit: GAS,
        action: Action::Call { contract, method: "open_tender".into(), args },
    }
    .sign(&buyer);
    match request(agent, &format!("{}/v1/tx", config.url), Some(&submit_body(&tx))) {
        Ok((200, _)) => {}
        other => bail!("the node refused the tender opening: {other:?}"),
    }
    let hash = hex::encode(tx.hash());
    for _ in 0..600 {
        let v = get(agent, &format!("{}/v1/tx/{hash}", config.url))?;
        if v["status"] == "committed" {
            let receipt = &v["receipt"];
            if receipt["status"] != "success" {
                bail!("open_tender failed: {}", receipt["error"]);
            }
            let data = hex::decode(receipt["return_data"].as_str().unwrap_or_default())?;
            return Ok(u64::from_le_bytes(data.try_into().map_err(|_| anyhow!("bad tender id"))?));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("the tender opening was not committed within 30 s")
}

/// Runs the load and returns the report (JSON; see docs/performance.md).
pub fn run(config: LoadConfig) -> anyhow::Result<Value> {
    check_loopback(&config.url)?;
    if config.duration > MAX_DURATION || config.accounts == 0 || config.workers == 0 {
        bail!("duration must be at most {} s and accounts/workers positive", MAX_DURATION.as_secs());
    }
    let agent = agent();
    let head = get(&agent, &format!("{}/v1/head", config.url))?;
    let chain_id = head["chain_id"].as_str().unwrap_or_default().to_string();
    let code = std::fs::read(config.contracts_dir.join("sealed-bid.wasm"))
        .with_context(|| format!("cannot read sealed-bid.wasm in {}", config.contracts_dir.display()))?;
    let contract = contract_address(&Address::ZERO, &procura_vm::code_hash(&code), 0);
    let tender_id = open_tender(&agent, &config, &chain_id, contract)?;
    let mut accounts = Vec::with_capacity(config.accounts);
    for i in 0..config.accounts as u64 {
        let k = key(config.seed, i);
        let a = account_address(&k.verifying_key().to_bytes());
        let nonce = get(&agent, &format!("{}/v1/accounts/{a}", config.url))?["next_nonce"].as_u64().unwrap_or(0);
        accounts.push((k, nonce));
    }
    let start_height = get(&agent, &format!("{}/v1/head", config.url))?["height"].as_u64().unwrap_or(0);
    let shared = Arc::new(Shared {
        chain_id,
        contract,
        tender_id,
        submit_url: format!("{}/v1/tx", config.url),
        stop: AtomicBool::new(false),
        accepted: AtomicU64::new(0),
        counts: Mutex::new(Counts::default()),
    });
    let started = Instant::now();
    let mut threads = Vec::new();
    let per = config.accounts.div_ceil(config.workers);
    for (w, chunk) in accounts.chunks(per).enumerate() {
        let (shared, config, chunk) = (shared.clone(), config.clone(), chunk.to_vec());
        threads.push(std::thread::spawn(move || worker(shared, config, chunk, w as u64)));
    }
    // Observers: /v1/head latency and heights, and the node's RSS.
    let mut head_latency = Vec::new();
    let (mut rss_max, mut rss_samples, mut rss_first) = (0u64, 0u64, None);
    let mut heights = Vec::new();
    while started.elapsed() < config.duration && !shared.stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        if let Ok((200, v)) = request(&agent, &format!("{}/v1/head", config.url), None) {
            head_latency.push(t.elapsed().as_micros() as u64);
            heights.push((started.elapsed().as_secs_f64(), v["height"].as_u64().unwrap_or(0)));
        }
        if let Some(rss) = config.node_pid.and_then(rss_kib) {
            rss_first.get_or_insert(rss);
            rss_max = rss_max.max(rss);
            rss_samples += 1;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    shared.stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let flood_secs = started.elapsed().as_secs_f64();
    // Let the mempool drain so every accepted transaction is counted.
    let drain_deadline = Instant::now() + Duration::from_secs(30);
    let mut end_height = start_height;
    while Instant::now() < drain_deadline {
        let v = get(&agent, &format!("{}/v1/head", config.url))?;
        end_height = v["height"].as_u64().unwrap_or(end_height);
        if v["mempool"].as_u64() == Some(0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let total_secs = started.elapsed().as_secs_f64();
    if let Some(rss) = config.node_pid.and_then(rss_kib) {
        rss_max = rss_max.max(rss);
    }
    let mut committed = 0u64;
    for h in start_height + 1..=end_height {
        committed +=
            get(&agent, &format!("{}/v1/blocks/{h}", config.url))?["txs"].as_array().map_or(0, |a| a.len()) as u64;
    }
    let c = std::mem::take(&mut *shared.counts.lock().expect("counts lock"));
    let invalid: serde_json::Map<String, Value> = c
        .invalid
        .iter()
        .map(|(k, (sent, rejected, accepted, other, msg))| {
            (
                k.to_string(),
                json!({ "sent": sent, "rejected": rejected, "accepted": accepted, "other": other, "message": msg }),
            )
        })
        .collect();
    let longest_stall = heights
        .windows(2)
        .fold((0.0f64, heights.first().map_or(0.0, |h| h.0)), |(worst, since), w| {
            if w[1].1 > w[0].1 {
                (worst.max(w[1].0 - since), w[1].0)
            } else {
                (worst, since)
            }
        })
        .0;
    Ok(json!({
        "flood_secs": flood_secs,
        "total_secs": total_secs,
        "accounts": config.accounts,
        "workers": config.workers,
        "valid": {
            "accepted": c.accepted,
            "mempool_full_503": c.mempool_full,
            "account_capped_429": c.account_capped,
            "refused_other": c.valid_refused,
        },
        "rate_limited_429": c.rate_limited,
        "transport_errors": c.transport_errors,
        "invalid": invalid,
        "blocks": end_height - start_height,
        "start_height": start_height,
        "end_height": end_height,
        "committed_txs": committed,
        "committed_tps": committed as f64 / total_secs.max(1e-9),
        "longest_gap_between_blocks_secs": longest_stall,
        "submit_latency": percentiles(c.submit_latency_us),
        "head_latency": percentiles(head_latency),
        "rss_kib": config.node_pid.map(|_| json!({ "first": rss_first, "max": rss_max, "samples": rss_samples })),
    }))
}

/// The report in a few lines for people.
pub fn render(r: &Value) -> String {
    let lat = |v: &Value| format!("p50 {} ms, p99 {} ms, max {} ms", v["p50_ms"], v["p99_ms"], v["max_ms"]);
    let mut out = format!(
        "load: {:.1} s flood, {} blocks, {} txs committed ({:.0} txs/s)\n\
         valid: {} accepted, {} refused (mempool full), {} refused (per-account cap), {} rate limited\n\
         submit latency: {}\n/v1/head latency: {}\n",
        r["flood_secs"].as_f64().unwrap_or(0.0),
        r["blocks"],
        r["committed_txs"],
        r["committed_tps"].as_f64().unwrap_or(0.0),
        r["valid"]["accepted"],
        r["valid"]["mempool_full_503"],
        r["valid"]["account_capped_429"],
        r["rate_limited_429"],
        lat(&r["submit_latency"]),
        lat(&r["head_latency"]),
    );
    if let Some(map) = r["invalid"].as_object() {
        for (k, v) in map {
            out += &format!(
                "invalid {k}: {} sent, {} rejected, {} accepted ({})\n",
                v["sent"], v["rejected"], v["accepted"], v["message"]
            );
        }
    }
    if r["rss_kib"].is_object() {
        out += &format!("node RSS: max {} MiB\n", r["rss_kib"]["max"].as_u64().unwrap_or(0) / 1024);
    }
    out
}
