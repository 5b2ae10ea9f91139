//! Replicated ordering: starts `procura-validator` (the Tendermint BFT
//! engine, runtime/consensus) beside the node and answers its requests
//! (`procura-app-link`) through [`NodeApp`] on a Unix socket in the data
//! directory. The engine decides; the node builds, checks and commits.
//! If either side goes, the other stops: a validator whose node is gone
//! must not vote, and a node whose engine is gone would not advance.

use super::{BftConfig, NodeApp};
use procura_app_link::{read_frame, write_frame, Request, Response};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The engine process, so the node can stop it on its way out.
pub type Engine = Arc<Mutex<Option<Child>>>;

fn validator_bin(config: &BftConfig) -> PathBuf {
    if let Some(bin) = &config.validator_bin {
        return bin.clone();
    }
    if let Ok(bin) = std::env::var("PROCURA_VALIDATOR_BIN") {
        return bin.into();
    }
    let beside = std::env::current_exe().ok().and_then(|e| e.parent().map(|d| d.join("procura-validator")));
    beside.filter(|p| p.exists()).unwrap_or_else(|| "procura-validator".into())
}

/// Binds the socket and starts the engine; `serve` then answers it.
pub fn start(data_dir: &Path, config: &BftConfig) -> anyhow::Result<(UnixListener, Engine)> {
    let home = data_dir.join("consensus");
    std::fs::create_dir_all(&home)?;
    let socket = home.join("app.sock");
    let _ = std::fs::remove_file(&socket);
    let listener = UnixListener::bind(&socket)
        .map_err(|e| anyhow::anyhow!("cannot listen on {} for the consensus engine: {e}", socket.display()))?;
    let bin = validator_bin(config);
    let mut cmd = Command::new(&bin);
    cmd.arg("--home").arg(&home).arg("--socket").arg(&socket).arg("--key").arg(&config.key_file);
    cmd.arg("--peers").arg(config.consensus.to_string());
    if config.byzantine {
        cmd.arg("--byzantine");
    }
    let child = cmd.spawn().map_err(|e| {
        anyhow::anyhow!(
            "cannot start the consensus engine {} ({e}); build it with scripts/cluster build",
            bin.display()
        )
    })?;
    Ok((listener, Arc::new(Mutex::new(Some(child)))))
}

/// Stops the engine process (graceful node stop).
pub fn stop_engine(engine: &Engine) {
    if let Some(mut child) = engine.lock().expect("engine lock").take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Answers the engine until it goes or the node stops. Returns the fault
/// that ends the node: a halt, or the engine gone while the node runs.
pub fn serve(mut app: NodeApp, listener: UnixListener, engine: Engine, stop: Arc<AtomicBool>) -> Option<anyhow::Error> {
    if let Err(e) = listener.set_nonblocking(true) {
        stop.store(true, Ordering::SeqCst);
        return Some(anyhow::anyhow!("consensus socket: {e}"));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut stream = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(_) if stop.load(Ordering::SeqCst) => return None,
            Err(_) if Instant::now() > deadline || engine_exited(&engine) => {
                stop.store(true, Ordering::SeqCst);
                return Some(anyhow::anyhow!("the consensus engine did not connect (see its error above)"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    if let Err(e) = stream.set_nonblocking(false) {
        stop.store(true, Ordering::SeqCst);
        return Some(anyhow::anyhow!("consensus socket: {e}"));
    }
    loop {
        let req: Request = match read_frame(&mut stream) {
            Ok(r) => r,
            Err(e) => {
                if stop.swap(true, Ordering::SeqCst) {
                    return None; // the node is stopping and stopped the engine
                }
                return Some(anyhow::anyhow!("the consensus engine stopped ({e}); stopping the node"));
            }
        };
        let (resp, halted) = answer(&mut app, req);
        if write_frame(&mut stream, &resp).is_err() && !stop.load(Ordering::SeqCst) {
            stop.store(true, Ordering::SeqCst);
            return Some(anyhow::anyhow!("lost the consensus engine; stopping the node"));
        }
        if let Some(halt) = halted {
            eprintln!("procura: {halt}");
            stop.store(true, Ordering::SeqCst);
            return Some(halt.into());
        }
    }
}

fn engine_exited(engine: &Engine) -> bool {
    engine.lock().expect("engine lock").as_mut().is_none_or(|c| c.try_wait().ok().flatten().is_some())
}

fn decode(bytes: &[u8]) -> Result<procura_chain::Block, String> {
    borsh::from_slice(bytes).map_err(|e| format!("not a block: {e}"))
}

fn answer(app: &mut NodeApp, req: Request) -> (Response, Option<super::app::Halt>) {
    let resp = match req {
        Request::Head => Response::Head(app.head()),
        Request::Validators => Response::Validators(app.validators().unwrap_or_else(|e| {
            eprintln!("procura: cannot read the validator set: {e:#}");
            Vec::new()
        })),
        Request::HasWork => Response::HasWork(app.has_work()),
        Request::Propose { height } => Response::Proposed(
            app.propose(height).map(|b| borsh::to_vec(&b).expect("encodes")).map_err(|e| format!("{e:#}")),
        ),
        Request::Validate { height, builder, block } => {
            Response::Validated(decode(&block).and_then(|b| app.validate(height, builder.as_ref(), &b)))
        }
        Request::Commit { height, block, certificate: _ } => {
            let outcome =
                decode(&block).map_err(|reason| super::app::Halt { height, reason }).and_then(|b| app.commit(&b));
            return match outcome {
                Ok(()) => (Response::Committed(Ok(())), None),
                Err(halt) => (Response::Committed(Err(halt.to_string())), Some(halt)),
            };
        }
        Request::Block { height } => Response::Block(app.block(height)),
    };
    (resp, None)
}
