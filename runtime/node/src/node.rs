//! Runs a node: the chain, the mempool, block ordering (`consensus`: solo
//! producer or the replicated engine) and the HTTP API, with a graceful stop
//! on SIGINT/SIGTERM.

use crate::api;
use crate::chain::Chain;
use crate::consensus::{self, forward::Forwarder, Mode, NodeApp};
use crate::genesis::GenesisConfig;
use crate::limits::ApiLimits;
use crate::mempool::{Mempool, MempoolLimits};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct NodeState {
    pub chain: Chain,
    pub mempool: Mempool,
    /// New blocks with their receipts, as JSON, for `/v1/stream`.
    pub blocks: tokio::sync::broadcast::Sender<String>,
    /// The genesis contracts by name, for `/v1/contracts`.
    pub contracts: Vec<(String, procura_primitives::Address)>,
    /// The web app's directory (`/`, `/app/...`), if served.
    pub web_dir: Option<PathBuf>,
    /// Dev chains only (`--dev-clock`): seconds added to the wall clock for
    /// block times, moved forward by `POST /v1/dev/advance-time` so tests
    /// and demos can pass deadlines of days in seconds.
    pub clock: Option<u64>,
    /// What `/v1/head` answers, kept outside the node lock: the producer
    /// holds that lock while it executes a block, and a block of hostile
    /// transactions may run for seconds; liveness checks must not wait.
    pub head: Arc<RwLock<Value>>,
    /// Replicated mode: submissions go on to the other validators.
    pub forward: Option<Forwarder>,
}

impl NodeState {
    /// The time the next block is proposed at.
    pub fn now(&self) -> u64 {
        unix_now().saturating_add(self.clock.unwrap_or(0))
    }

    /// Refreshes the `/v1/head` answer; call after the head or the mempool
    /// changed.
    pub fn publish_head(&mut self) {
        let h = self.chain.durable_head();
        let head = json!({
            "chain_id": self.chain.genesis.chain_id,
            "height": h.height,
            "hash": hex::encode(h.hash()),
            "state_root": hex::encode(h.state_root),
            "timestamp": h.timestamp,
            "mempool": self.mempool.len(),
        });
        *self.head.write().expect("head lock") = head;
    }
}

pub struct NodeConfig {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub genesis: GenesisConfig,
    pub contracts_dir: PathBuf,
    pub key: SigningKey,
    /// Solo (the node proposes and decides) or replicated (BFT).
    pub mode: Mode,
    pub max_block_txs: usize,
    pub web_dir: Option<PathBuf>,
    pub dev_clock: bool,
    pub mempool: MempoolLimits,
    pub api: ApiLimits,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Fails early, with what to do, when the data directory cannot be written
/// (read-only mount or permissions) instead of deep inside RocksDB.
fn check_writable(dir: &std::path::Path) -> anyhow::Result<()> {
    let probe = dir.join(".procura-write-probe");
    std::fs::write(&probe, b"probe").and_then(|()| std::fs::remove_file(&probe)).map_err(|e| {
        anyhow::anyhow!(
            "the data directory {} is not writable ({e}); make it writable or use another --data",
            dir.display()
        )
    })
}

async fn shutdown_signal(stop: Arc<AtomicBool>, state: Arc<Mutex<NodeState>>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    let stopped = async {
        while !stop.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {}, _ = stopped => {} }
    // End the block streams, or open `/v1/stream` connections would hold
    // the graceful shutdown forever.
    state.lock().expect("node lock").blocks = tokio::sync::broadcast::channel(1).0;
}

pub async fn run(config: NodeConfig) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)?;
    check_writable(&config.data_dir)?;
    let chain = Chain::open(&config.data_dir, config.genesis, &config.contracts_dir, Some(config.key))?;
    let head = chain.head().clone();
    println!(
        "procura node: chain {} at height {} (state root {}), data in {}",
        chain.genesis.chain_id,
        head.height,
        hex::encode(head.state_root),
        config.data_dir.display()
    );
    let mut contracts = Vec::new();
    for c in &chain.genesis.contracts {
        let code = std::fs::read(crate::genesis::contract_path(&config.contracts_dir, &c.name))?;
        let hash = procura_vm::code_hash(&code);
        let address = procura_chain::contract_address(&procura_primitives::Address::ZERO, &hash, c.salt);
        println!("  contract {:<16} {}", c.name, address);
        contracts.push((c.name.clone(), address));
    }
    let (blocks, _) = tokio::sync::broadcast::channel(256);
    let state = Arc::new(Mutex::new(NodeState {
        chain,
        mempool: Mempool::new(config.mempool),
        blocks,
        contracts,
        web_dir: config.web_dir,
        clock: config.dev_clock.then_some(0),
        head: Arc::default(),
        forward: match &config.mode {
            Mode::Bft(b) if !b.api_peers.is_empty() => Some(Forwarder::start(b.api_peers.clone())),
            _ => None,
        },
    }));
    state.lock().expect("node lock").publish_head();
    let stop = Arc::new(AtomicBool::new(false));
    let mut app = NodeApp::new(state.clone(), config.max_block_txs);
    if let Mode::Bft(b) = &config.mode {
        app = app.with_budget(consensus::budget::BlockBudget::for_propose_timeout(b.propose_timeout()));
    }
    let (ordering_thread, engine) = match &config.mode {
        Mode::Solo { interval } => {
            let (stop, interval) = (stop.clone(), *interval);
            (std::thread::spawn(move || consensus::solo::run(app, stop, interval)), None)
        }
        Mode::Bft(bft) => {
            let (listener, engine) = consensus::link::start(&config.data_dir, bft)?;
            println!(
                "  replicated: consensus engine pid {}",
                engine.lock().expect("engine").as_ref().map_or(0, |c| c.id())
            );
            let (stop, e) = (stop.clone(), engine.clone());
            (std::thread::spawn(move || consensus::link::serve(app, listener, e, stop)), Some(engine))
        }
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
    println!("  HTTP API on http://{}/v1/head", listener.local_addr()?);
    if state.lock().expect("node lock").web_dir.is_some() {
        println!("  web app on  http://{}/", listener.local_addr()?);
    }
    let peers = match &config.mode {
        Mode::Bft(b) => consensus::forward::peer_hosts(&b.api_peers),
        Mode::Solo { .. } => Vec::new(),
    };
    let app =
        api::router_with_peers(state.clone(), config.api, peers).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal(stop.clone(), state.clone())).await?;
    // Let the producer finish (or skip) the block in progress, then exit.
    stop.store(true, Ordering::SeqCst);
    if let Some(engine) = &engine {
        consensus::link::stop_engine(engine);
    }
    let fault = ordering_thread.join().unwrap_or_else(|_| Some(anyhow::anyhow!("block ordering panicked")));
    let s = state.lock().expect("node lock");
    println!("procura node: stopped at height {}", s.chain.head().height);
    match fault {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
