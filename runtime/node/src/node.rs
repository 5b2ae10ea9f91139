//! Runs a node: the chain, the mempool, the block producer thread and the
//! HTTP API, with a graceful stop on SIGINT/SIGTERM.

use crate::api;
use crate::chain::Chain;
use crate::genesis::GenesisConfig;
use crate::mempool::Mempool;
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
    /// What `/v1/head` answers, kept outside the node lock: the producer
    /// holds that lock while it executes a block, and a block of hostile
    /// transactions may run for seconds; liveness checks must not wait.
    pub head: Arc<RwLock<Value>>,
}

impl NodeState {
    pub fn new(chain: Chain, mempool: Mempool, blocks: tokio::sync::broadcast::Sender<String>) -> Self {
        let mut state = NodeState { chain, mempool, blocks, head: Arc::default() };
        state.publish_head();
        state
    }

    /// Refreshes the `/v1/head` answer; call after the head or the mempool
    /// changed.
    pub fn publish_head(&mut self) {
        let h = self.chain.head();
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
    pub block_interval: Duration,
    pub max_block_txs: usize,
    pub max_mempool: usize,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Produces a block from the mempool whenever it holds transactions.
fn producer(state: Arc<Mutex<NodeState>>, stop: Arc<AtomicBool>, interval: Duration, max_txs: usize) {
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(interval);
        let mut s = state.lock().expect("node lock");
        if s.mempool.is_empty() {
            continue;
        }
        let budget = s.chain.rules.block_gas_limit;
        let txs = s.mempool.take(max_txs, budget);
        let count = txs.len();
        let produced = s.chain.produce(txs, unix_now());
        s.publish_head();
        match produced {
            Ok((block, receipts)) => {
                let h = &block.header.header;
                let _ = s.blocks.send(api::block_event_json(&block, &receipts).to_string());
                println!("block {:>6}  {count:>5} txs  state root {}", h.height, hex::encode(&h.state_root[..8]));
            }
            Err(e) => {
                // A block that cannot be committed (disk full, read-only data
                // directory) stops production loudly; nothing partial is written.
                eprintln!("procura: cannot commit block: {e:#}; stopping block production");
                stop.store(true, Ordering::SeqCst);
            }
        }
    }
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
    let chain = Chain::open(&config.data_dir, config.genesis, &config.contracts_dir, Some(config.key))?;
    let head = chain.head().clone();
    println!(
        "procura node: chain {} at height {} (state root {}), data in {}",
        chain.genesis.chain_id,
        head.height,
        hex::encode(head.state_root),
        config.data_dir.display()
    );
    for c in &chain.genesis.contracts {
        let code = std::fs::read(crate::genesis::contract_path(&config.contracts_dir, &c.name))?;
        let hash = procura_vm::code_hash(&code);
        let address = procura_chain::contract_address(&procura_primitives::Address::ZERO, &hash, c.salt);
        println!("  contract {:<16} {}", c.name, address);
    }
    let (blocks, _) = tokio::sync::broadcast::channel(256);
    let state = Arc::new(Mutex::new(NodeState::new(chain, Mempool::new(config.max_mempool), blocks)));
    let stop = Arc::new(AtomicBool::new(false));
    let producer_thread = {
        let (state, stop) = (state.clone(), stop.clone());
        let (interval, max) = (config.block_interval, config.max_block_txs);
        std::thread::spawn(move || producer(state, stop, interval, max))
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
    println!("  HTTP API on http://{}/v1/head", listener.local_addr()?);
    axum::serve(listener, api::router(state.clone()))
        .with_graceful_shutdown(shutdown_signal(stop.clone(), state.clone()))
        .await?;
    // Let the producer finish (or skip) the block in progress, then exit.
    stop.store(true, Ordering::SeqCst);
    let _ = producer_thread.join();
    let s = state.lock().expect("node lock");
    println!("procura node: stopped at height {}", s.chain.head().height);
    Ok(())
}
