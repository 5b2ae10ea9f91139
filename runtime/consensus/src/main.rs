//! `procura-validator`: the consensus engine process beside one node. The
//! node (`procura node --config`) starts it; it orders blocks with the other
//! validators and asks the node, over the node's socket, to build, check
//! and commit them.
//!
//! usage: procura-validator --home DIR --socket PATH --key FILE --peers JSON

use procura_consensus::remote::RemoteApp;
use procura_consensus::PeerConfig;
use std::path::PathBuf;

fn arg(args: &[String], name: &str) -> anyhow::Result<String> {
    let i = args.iter().position(|a| a == name).ok_or_else(|| anyhow::anyhow!("missing {name}"))?;
    args.get(i + 1).cloned().ok_or_else(|| anyhow::anyhow!("{name} needs a value"))
}

#[tokio::main]
async fn main() {
    if let Err(e) = real_main().await {
        eprintln!("procura-validator: {e:#}");
        std::process::exit(1);
    }
}

async fn real_main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PROCURA_CONSENSUS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().collect();
    let home = PathBuf::from(arg(&args, "--home")?);
    let socket = PathBuf::from(arg(&args, "--socket")?);
    let key_hex = std::fs::read_to_string(arg(&args, "--key")?)?;
    let secret: [u8; 32] = hex::decode(key_hex.trim())?
        .try_into()
        .map_err(|_| anyhow::anyhow!("the key file must hold 64 hex characters"))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    let peers: PeerConfig = serde_json::from_str(&arg(&args, "--peers")?)?;
    let byzantine = args.iter().any(|a| a == "--byzantine");
    let app = RemoteApp::connect(&socket)?;
    // The node started us: if it dies (even by SIGKILL), so do we, or the
    // restarted node's engine would find the WAL locked and the port taken.
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if std::os::unix::process::parent_id() != parent {
            eprintln!("procura-validator: the node is gone; stopping");
            std::process::exit(3);
        }
    });
    let running = procura_consensus::start_with(&home, key, &peers, app, byzantine).await?;
    match running.task.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(halt)) => Err(halt),
        Err(e) => Err(anyhow::anyhow!("the consensus task failed: {e}")),
    }
}
