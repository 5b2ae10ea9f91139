//! `procura`: the node and its command-line client.

use anyhow::{anyhow, bail, Context};
use clap::{Parser, Subcommand};
use procura_chain::{account_address, Action};
use procura_client::{hex_field, Client};
use procura_node::genesis::{bundled_contracts, GenesisConfig};
use procura_node::limits::ApiLimits;
use procura_node::mempool::MempoolLimits;
use procura_node::{keys, node};
use procura_primitives::Address;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "procura", version, about = "Procura: procurement contracts on a deterministic Wasm chain")]
struct Cli {
    /// The node to talk to (client commands).
    #[arg(long, global = true, default_value = "http://127.0.0.1:8645", env = "PROCURA_NODE")]
    node: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create or show signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Run a node.
    Node(NodeArgs),
    /// Upload a contract's code and instantiate it.
    Deploy {
        #[arg(long)]
        key: PathBuf,
        wasm: PathBuf,
        /// Borsh-encoded init arguments, hex.
        #[arg(long, default_value = "")]
        init_args: String,
        #[arg(long, default_value_t = 0)]
        salt: u64,
        #[arg(long, default_value_t = 200_000_000)]
        gas: u64,
    },
    /// Call a contract method in a transaction.
    Call {
        #[arg(long)]
        key: PathBuf,
        contract: String,
        method: String,
        /// Borsh-encoded arguments, hex.
        #[arg(default_value = "")]
        args: String,
        #[arg(long, default_value_t = 50_000_000)]
        gas: u64,
    },
    /// Run a read-only call.
    View {
        contract: String,
        method: String,
        #[arg(default_value = "")]
        args: String,
    },
    /// A transaction's status and receipt.
    Tx { hash: String },
    /// Alias of `tx`, for receipts.
    Receipt { hash: String },
    /// A block's header and transactions.
    Block { height: u64 },
    /// A state key's value with its Merkle proof (key as hex).
    Proof {
        key: String,
        #[arg(long)]
        height: Option<u64>,
    },
    /// Auditor tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Flood a node on this machine with valid and invalid transactions for
    /// a bounded time and report acceptance, throughput, latency and RSS.
    Load(LoadArgs),
    /// The portable chain file: export a stopped node's chain, import one.
    Chain {
        #[command(subcommand)]
        command: ChainCommand,
    },
    /// Measure this machine: the per-transaction floor, the node pipeline
    /// (sealed-bid tenders swept over block size and bidders per tender) and
    /// audit replay; prints tables and writes them with SVG plots to --out.
    Bench {
        /// A smaller run (about a minute) instead of the documented one.
        #[arg(long)]
        quick: bool,
        #[arg(long, default_value = "bench-results")]
        out: PathBuf,
        #[arg(long, default_value = "artifacts/contracts")]
        contracts: PathBuf,
    },
    /// Replicated validators on one machine (scripts/cluster).
    Cluster {
        #[command(subcommand)]
        command: ClusterCommand,
    },
    /// Open Contracting Data Standard: replay published tenders, export ours.
    Ocds {
        #[command(subcommand)]
        command: OcdsCommand,
    },
}

#[derive(Subcommand)]
enum ClusterCommand {
    /// Write keys, one genesis and a `procura node --config` file per
    /// validator for a loopback cluster.
    Init {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value_t = 4)]
        validators: usize,
        /// Validator i's HTTP API listens on API_PORT + i.
        #[arg(long, default_value_t = 8700)]
        api_port: u16,
        /// Validator i's consensus (libp2p) port is P2P_PORT + i.
        #[arg(long, default_value_t = 27000)]
        p2p_port: u16,
        #[arg(long, default_value = "artifacts/contracts")]
        contracts: PathBuf,
    },
}

#[derive(Subcommand)]
enum OcdsCommand {
    /// Run published OCDS tenders (releases, records or packages) through the
    /// open-tender contract on scratch chains and compare the awards.
    Replay {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON report instead of the table.
        #[arg(long)]
        json: bool,
        #[arg(long, default_value = "artifacts/contracts")]
        contracts: PathBuf,
    },
    /// Write an OCDS 1.1 release package (and optionally a record package)
    /// for every tender of an open-tender contract on a stopped node's chain.
    Export {
        #[arg(long, default_value = ".procura")]
        data: PathBuf,
        /// The open-tender contract's address (64 hex).
        #[arg(long)]
        contract: String,
        /// A contract-payments contract whose contracts reference the tenders.
        #[arg(long)]
        payments: Option<String>,
        /// The release package (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write a record package (one compiled release per tender).
        #[arg(long)]
        records: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ChainCommand {
    /// Write a stopped node's whole chain (genesis config, genesis
    /// contracts, every block) to one file an auditor can verify offline.
    Export {
        #[arg(long, default_value = ".procura")]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Genesis file (default: DATA/genesis.json, as a dev node writes it).
        #[arg(long)]
        genesis: Option<PathBuf>,
        #[arg(long, default_value = "artifacts/contracts")]
        contracts: PathBuf,
    },
    /// Verify a chain file block by block into a new data directory.
    Import {
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Every call and event that touched one tender, in chain order,
    /// decoded through the contract's ABI (read from the chain's own copy
    /// of its code). Reads a stopped node's data directory.
    Tender {
        /// The contract's address, hex.
        contract: String,
        /// The tender's id.
        id: u64,
        #[arg(long, default_value = ".procura")]
        data: PathBuf,
        /// The argument or event field that carries the id.
        #[arg(long, default_value = "tender_id")]
        key: String,
        /// JSON for tools instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Re-execute a chain from genesis in a fresh state and check every
    /// hash, signature and root: a stopped node's (--data; also every stored
    /// receipt and state entry) or a chain file's (--file).
    Verify {
        #[arg(long, default_value = ".procura")]
        data: PathBuf,
        /// A chain file from `procura chain export` (instead of --data).
        #[arg(long, conflicts_with_all = ["genesis", "contracts"])]
        file: Option<PathBuf>,
        /// Genesis file (default: DATA/genesis.json, as a dev node writes it).
        #[arg(long)]
        genesis: Option<PathBuf>,
        #[arg(long, default_value = "artifacts/contracts")]
        contracts: PathBuf,
    },
}

#[derive(clap::Args)]
struct LoadArgs {
    /// Stop after this many seconds (at most 600).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    duration_secs: u64,
    /// Or after this many accepted valid transactions.
    #[arg(long, default_value_t = 1_000_000)]
    max_txs: u64,
    /// Signing accounts the valid bids come from.
    #[arg(long, default_value_t = 200)]
    accounts: usize,
    /// Concurrent submitters.
    #[arg(long, default_value_t = 4)]
    workers: usize,
    /// One submission in N is invalid (0: none).
    #[arg(long, default_value_t = 10)]
    invalid_every: u64,
    /// Size of the oversize body; above the node's --max-body-bytes.
    #[arg(long, default_value_t = 3 * 1024 * 1024)]
    oversize_bytes: usize,
    /// The node's process id: its RSS is sampled from /proc/PID/status.
    #[arg(long)]
    node_pid: Option<u32>,
    #[arg(long, default_value = "artifacts/contracts")]
    contracts: PathBuf,
    /// Account seed (default: from the clock, so each run uses new accounts).
    #[arg(long)]
    seed: Option<u64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Generate a key and write its secret to FILE.
    New { file: PathBuf },
    /// Show the public key and account address of a key file.
    Show { file: PathBuf },
}

#[derive(clap::Args)]
struct NodeArgs {
    /// Single-validator development chain with the bundled contracts.
    #[arg(long)]
    dev: bool,
    /// A validator of a replicated chain (Tendermint BFT): data directory,
    /// API address, genesis, key and consensus peers from FILE (see
    /// `procura cluster init`).
    #[arg(long, conflicts_with_all = ["dev", "genesis", "key", "data", "listen"])]
    config: Option<PathBuf>,
    /// Data directory (database, module cache, dev key and genesis).
    #[arg(long, default_value = ".procura")]
    data: PathBuf,
    #[arg(long, default_value = "127.0.0.1:8645")]
    listen: SocketAddr,
    /// Where the compiled contracts are (scripts/build-contracts).
    #[arg(long, default_value = "artifacts/contracts")]
    contracts: PathBuf,
    /// Genesis file (not with --dev).
    #[arg(long)]
    genesis: Option<PathBuf>,
    /// Validator key file (not with --dev).
    #[arg(long)]
    key: Option<PathBuf>,
    /// The browser app's directory, served at `/` (scripts/build-web
    /// builds its Wasm into DIR/pkg).
    #[arg(long, default_value = "web/app")]
    web: PathBuf,
    /// Dev chains: let `POST /v1/dev/advance-time` move block time forward
    /// (tests and demos pass days-long deadlines in seconds).
    #[arg(long, requires = "dev")]
    dev_clock: bool,
    #[arg(long, default_value_t = 200)]
    block_interval_ms: u64,
    #[arg(long, default_value_t = 5_000)]
    max_block_txs: usize,
    /// Mempool cap: pending transactions in all (503 beyond it).
    #[arg(long, default_value_t = 50_000)]
    max_mempool: usize,
    /// Mempool cap: encoded bytes of pending transactions (503 beyond it).
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    max_mempool_bytes: usize,
    /// Pending transactions per signing account (429 beyond it).
    #[arg(long, default_value_t = 100)]
    max_pending_per_account: usize,
    /// Largest request body the API reads (413 beyond it); default: twice
    /// the genesis transaction size limit (hex) plus 64 KiB.
    #[arg(long)]
    max_body_bytes: Option<usize>,
    /// Requests per second per client IP (429 beyond it); 0 = no limit.
    #[arg(long, default_value_t = 200.0)]
    rate_limit: f64,
    /// Burst of requests per client IP above the sustained rate.
    #[arg(long, default_value_t = 400.0)]
    rate_burst: f64,
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("procura: {e:#}");
        std::process::exit(1);
    }
}

fn real_main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Keys { command: KeysCommand::New { file } } => {
            let key = keys::generate()?;
            keys::save(&key, &file)?;
            print_key(&key);
        }
        Command::Keys { command: KeysCommand::Show { file } } => print_key(&keys::load(&file)?),
        Command::Node(args) => run_node(args)?,
        Command::Bench { quick, out, contracts } => {
            let config = if quick {
                procura_node::bench::BenchConfig::quick(contracts)
            } else {
                procura_node::bench::BenchConfig::full(contracts)
            };
            let report = procura_node::bench::run(&config)?;
            println!("{}", procura_node::bench::report::markdown(&report));
            procura_node::bench::write(&report, &out)?;
            println!("wrote bench.md, bench.json and two SVG plots to {}", out.display());
        }
        Command::Cluster { command: ClusterCommand::Init { dir, validators, api_port, p2p_port, contracts } } => {
            for path in procura_node::cluster::init(&dir, validators, api_port, p2p_port, &contracts)? {
                println!("procura node --config {}", path.display());
            }
        }
        Command::Load(args) => {
            let seed = args.seed.unwrap_or_else(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
            });
            let report = procura_node::load::run(procura_node::load::LoadConfig {
                url: cli.node.trim_end_matches('/').to_string(),
                duration: Duration::from_secs(args.duration_secs),
                max_txs: args.max_txs,
                accounts: args.accounts,
                workers: args.workers,
                invalid_every: args.invalid_every,
                oversize_bytes: args.oversize_bytes,
                node_pid: args.node_pid,
                contracts_dir: args.contracts,
                seed,
            })?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", procura_node::load::render(&report));
            }
        }
        Command::Deploy { key, wasm, init_args, salt, gas } => {
            let key = keys::load(&key)?;
            let code = std::fs::read(&wasm).with_context(|| format!("cannot read {}", wasm.display()))?;
            let upload = submit_and_wait(&cli.node, &key, gas, Action::UploadCode { code })?;
            let code_hash: [u8; 32] =
                hex_field(&upload, "return_data")?.try_into().map_err(|_| anyhow!("bad code hash"))?;
            println!("code {}", hex::encode(code_hash));
            let init_args = hex::decode(&init_args).context("init args must be hex")?;
            let inst = submit_and_wait(&cli.node, &key, gas, Action::Instantiate { code_hash, init_args, salt })?;
            println!("contract {}", hex::encode(hex_field(&inst, "return_data")?));
        }
        Command::Call { key, contract, method, args, gas } => {
            let key = keys::load(&key)?;
            let contract = Address(parse32(&contract)?);
            let args = hex::decode(&args).context("args must be hex")?;
            let receipt = submit_and_wait(&cli.node, &key, gas, Action::Call { contract, method, args })?;
            println!("{}", serde_json::to_string_pretty(&receipt)?);
        }
        Command::View { contract, method, args } => {
            let v = Client::new(&cli.node)
                .post("/v1/view", json!({ "contract": contract, "method": method, "args": args }))?;
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        Command::Tx { hash } | Command::Receipt { hash } => {
            println!("{}", serde_json::to_string_pretty(&Client::new(&cli.node).get(&format!("/v1/tx/{hash}"))?)?)
        }
        Command::Block { height } => {
            println!("{}", serde_json::to_string_pretty(&Client::new(&cli.node).get(&format!("/v1/blocks/{height}"))?)?)
        }
        Command::Audit { command: AuditCommand::Verify { data, file, genesis, contracts } } => {
            let report = match file {
                Some(file) => procura_node::audit::verify_file(&file, true)?,
                None => {
                    let genesis = GenesisConfig::load(&genesis.unwrap_or_else(|| data.join("genesis.json")))?;
                    let db = procura_storage::Db::open(&data.join("db"))?;
                    procura_node::audit::verify(&db, genesis, &contracts, true)?
                }
            };
            println!("verified {}", summary(&report));
        }
        Command::Audit { command: AuditCommand::Tender { contract, id, data, key, json } } => {
            let db = procura_storage::Db::open(&data.join("db"))?;
            let (abi, records) = procura_node::history::contract_history(&db, &Address(parse32(&contract)?))?;
            let timeline = procura_node::history::timeline(&records, &key, id);
            if timeline.is_empty() {
                anyhow::bail!("no call to {} ({contract}) mentions {key} {id}", abi.contract);
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "contract": abi.contract, key: id, "calls": timeline }))?
                );
            } else {
                println!("{} {key} {id}: {} calls\n", abi.contract, timeline.len());
                print!("{}", procura_node::history::render(&timeline));
            }
        }
        Command::Chain { command: ChainCommand::Export { data, out, genesis, contracts } } => {
            let genesis = GenesisConfig::load(&genesis.unwrap_or_else(|| data.join("genesis.json")))?;
            let db = procura_storage::Db::open(&data.join("db"))?;
            let blocks = procura_node::export::export(&db, &genesis, &contracts, &out)?;
            println!("exported {blocks} blocks (genesis to head) to {}", out.display());
        }
        Command::Chain { command: ChainCommand::Import { file, data } } => {
            let report = procura_node::export::import(&file, &data, true)?;
            println!("imported into {}: verified {}", data.display(), summary(&report));
        }
        Command::Ocds { command: OcdsCommand::Replay { files, json, contracts } } => {
            let report = procura_node::ocds::replay::replay_files(&files, &contracts)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", procura_node::ocds::replay::print_table(&report));
            }
        }
        Command::Ocds { command: OcdsCommand::Export { data, contract, payments, out, records } } => {
            let db = procura_storage::Db::open(&data.join("db"))?;
            let contract = Address(parse32(&contract)?);
            let payments = payments.as_deref().map(parse32).transpose()?.map(Address);
            let export = procura_node::ocds::export::export(&db, &contract, payments.as_ref())?;
            match &out {
                Some(path) => std::fs::write(path, serde_json::to_string_pretty(&export.releases)?)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => println!("{}", serde_json::to_string_pretty(&export.releases)?),
            }
            if let Some(path) = &records {
                std::fs::write(path, serde_json::to_string_pretty(&export.records)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            if out.is_some() {
                println!("exported {} tenders in {} releases", export.tenders, export.release_count);
            }
        }
        Command::Proof { key, height } => {
            let q = height.map(|h| format!("?height={h}")).unwrap_or_default();
            println!("{}", serde_json::to_string_pretty(&Client::new(&cli.node).get(&format!("/v1/state/{key}{q}"))?)?)
        }
    }
    Ok(())
}

fn summary(report: &procura_node::audit::VerifyReport) -> String {
    let secs = report.elapsed.as_secs_f64().max(1e-9);
    format!(
        "{} blocks and {} transactions from genesis in {:.2} s ({:.0} blocks/s, {:.0} txs/s); head {}",
        report.blocks,
        report.txs,
        secs,
        report.blocks as f64 / secs,
        report.txs as f64 / secs,
        hex::encode(report.head_hash)
    )
}

fn print_key(key: &ed25519_dalek::SigningKey) {
    let pk = key.verifying_key().to_bytes();
    println!("public key {}\naccount    {}", hex::encode(pk), account_address(&pk));
}

fn run_node(mut args: NodeArgs) -> anyhow::Result<()> {
    let mut mode = procura_node::consensus::Mode::Solo { interval: Duration::from_millis(args.block_interval_ms) };
    let mut preset = None;
    if let Some(path) = &args.config {
        let c = procura_node::cluster::ValidatorConfig::load(path)?;
        args.data = c.data.clone();
        args.listen = c.listen;
        if let Some(contracts) = &c.contracts {
            args.contracts = contracts.clone();
        }
        mode = procura_node::consensus::Mode::Bft(procura_node::consensus::BftConfig {
            consensus: c.consensus.clone(),
            api_peers: c.api_peers.clone(),
            key_file: c.key.clone(),
            validator_bin: c.validator_bin.clone(),
            byzantine: c.byzantine,
        });
        preset = Some((GenesisConfig::load(&c.genesis)?, keys::load(&c.key)?));
    }
    std::fs::create_dir_all(&args.data)?;
    let (genesis, key) = if let Some(preset) = preset {
        preset
    } else if args.dev {
        if args.genesis.is_some() || args.key.is_some() {
            bail!("--dev makes its own genesis and key; drop --genesis/--key or drop --dev");
        }
        let key = keys::load_or_create(&args.data.join("validator.key"))?;
        let genesis_path = args.data.join("genesis.json");
        let genesis = if genesis_path.exists() {
            GenesisConfig::load(&genesis_path)?
        } else {
            let g =
                GenesisConfig::dev(hex::encode(key.verifying_key().to_bytes()), bundled_contracts(&args.contracts)?);
            std::fs::write(&genesis_path, serde_json::to_string_pretty(&g)?)?;
            g
        };
        (genesis, key)
    } else {
        let genesis = args.genesis.as_deref().ok_or_else(|| anyhow!("give --genesis FILE and --key FILE, or --dev"))?;
        let key = args.key.as_deref().ok_or_else(|| anyhow!("give --key FILE (the validator key)"))?;
        (GenesisConfig::load(genesis)?, keys::load(key)?)
    };
    let genesis_max_tx = genesis.max_tx_bytes;
    let config = node::NodeConfig {
        data_dir: args.data,
        listen: args.listen,
        genesis,
        contracts_dir: args.contracts,
        key,
        mode,
        max_block_txs: args.max_block_txs,
        web_dir: Some(args.web),
        dev_clock: args.dev_clock,
        mempool: MempoolLimits {
            max_txs: args.max_mempool,
            max_bytes: args.max_mempool_bytes,
            max_per_account: args.max_pending_per_account,
        },
        api: ApiLimits {
            max_body_bytes: args.max_body_bytes.unwrap_or(2 * genesis_max_tx + 64 * 1024),
            rate_per_sec: args.rate_limit,
            burst: args.rate_burst,
        },
    };
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(node::run(config))
}

fn parse32(s: &str) -> anyhow::Result<[u8; 32]> {
    hex::decode(s).ok().and_then(|v| v.try_into().ok()).ok_or_else(|| anyhow!("expected 64 hex characters, got `{s}`"))
}

/// Submits and waits; a failed receipt is an error.
fn submit_and_wait(node: &str, key: &ed25519_dalek::SigningKey, gas: u64, action: Action) -> anyhow::Result<Value> {
    let status = Client::new(node).submit(key, gas, action)?;
    let receipt = status["receipt"].clone();
    if receipt["status"] != "success" {
        bail!("transaction {} failed: {}", receipt["tx_hash"], receipt["error"].as_str().unwrap_or("?"));
    }
    Ok(receipt)
}
