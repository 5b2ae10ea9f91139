//! Four engines on loopback in one process, each over a fake app that
//! records what it commits: they decide the same blocks at every height,
//! proposers rotate, and a block a validator refuses is never committed.

use procura_consensus::ctx::dev_key;
use procura_consensus::{BlockApp, Halt, PeerConfig};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Blocks are "h<height>:<proposer hex prefix>:<payload>"; committed ones
/// are shared with the test.
struct FakeApp {
    me: [u8; 32],
    validators: Vec<[u8; 32]>,
    committed: Arc<Mutex<Vec<(Vec<u8>, Vec<u8>)>>>,
}

impl BlockApp for FakeApp {
    fn head(&self) -> u64 {
        self.committed.lock().unwrap().len() as u64
    }
    fn validators(&self) -> Vec<[u8; 32]> {
        self.validators.clone()
    }
    fn has_work(&self) -> bool {
        true
    }
    fn propose(&mut self, height: u64) -> anyhow::Result<Vec<u8>> {
        Ok(format!("h{height}:{}:payload", hex::encode(&self.me[..4])).into_bytes())
    }
    fn validate(&mut self, height: u64, builder: Option<&[u8; 32]>, block: &[u8]) -> Result<(), String> {
        let want = match builder {
            Some(b) => format!("h{height}:{}:", hex::encode(&b[..4])),
            None => format!("h{height}:"),
        };
        if block.starts_with(want.as_bytes()) {
            Ok(())
        } else {
            Err(format!("not {want}"))
        }
    }
    fn commit(&mut self, height: u64, block: &[u8], certificate: &[u8]) -> Result<(), Halt> {
        let mut c = self.committed.lock().unwrap();
        assert_eq!(c.len() as u64 + 1, height, "commits come in height order");
        c.push((block.to_vec(), certificate.to_vec()));
        Ok(())
    }
    fn block(&self, height: u64) -> Option<Vec<u8>> {
        self.committed.lock().unwrap().get(height as usize - 1).map(|b| b.0.clone())
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `n` engines over fake apps; `byzantine` (feature `byzantine`)
/// makes one of them equivocate. Runs until every honest one committed
/// `target` heights; returns what each honest one committed.
async fn run_cluster(n: usize, target: usize, byzantine: Option<usize>) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
    let keys: Vec<_> = (0..n).map(dev_key).collect();
    let validators: Vec<[u8; 32]> = keys.iter().map(|k| k.verifying_key().to_bytes()).collect();
    let ports: Vec<u16> = (0..n).map(|_| free_port()).collect();
    let dirs: Vec<_> = (0..n).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut logs = Vec::new();
    let mut running = Vec::new();
    for i in 0..n {
        let committed = Arc::new(Mutex::new(Vec::new()));
        logs.push(committed.clone());
        let peers = PeerConfig {
            listen: format!("127.0.0.1:{}", ports[i]).parse().unwrap(),
            peers: (0..n).filter(|j| *j != i).map(|j| format!("127.0.0.1:{}", ports[j]).parse().unwrap()).collect(),
            propose_timeout_ms: 2000,
            idle_block_ms: 0,
        };
        let app = FakeApp { me: validators[i], validators: validators.clone(), committed };
        let byz = byzantine == Some(i);
        running.push(procura_consensus::start_with(dirs[i].path(), keys[i].clone(), &peers, app, byz).await.unwrap());
    }
    let honest: Vec<usize> = (0..n).filter(|i| byzantine != Some(*i)).collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while honest.iter().any(|i| logs[*i].lock().unwrap().len() < target) {
        assert!(
            Instant::now() < deadline,
            "no agreement on {target} heights within 120 s: {:?}",
            logs.iter().map(|l| l.lock().unwrap().len()).collect::<Vec<_>>()
        );
        for i in &honest {
            assert!(!running[*i].task.is_finished(), "validator {i} stopped");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for r in &running {
        r.stop();
    }
    honest.iter().map(|i| logs[*i].lock().unwrap()[..target].to_vec()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_validators_agree_on_every_height() {
    let target = 6;
    let logs = run_cluster(4, target, None).await;
    let first: Vec<Vec<u8>> = logs[0].iter().map(|b| b.0.clone()).collect();
    for l in &logs[1..] {
        let blocks: Vec<Vec<u8>> = l.iter().map(|b| b.0.clone()).collect();
        assert_eq!(blocks, first, "validators decided different blocks");
    }
    // Proposers rotate: more than one validator's blocks were decided.
    let proposers: std::collections::BTreeSet<_> = first.iter().map(|b| b[..12].to_vec()).collect();
    assert!(proposers.len() > 1, "one proposer decided every height");
    // Every certificate decodes and carries at least 3 of 4 signatures.
    for (_, cert) in &logs[0] {
        let c = procura_consensus::codec::decode_certificate(cert).unwrap();
        assert!(c.commit_signatures.len() >= 3, "certificate with {} signatures", c.commit_signatures.len());
    }
}

/// One of four equivocates (conflicting proposals and votes at every step,
/// Malachite's byzantine engine): the honest three still decide the same
/// block at every height, and never the conflicting one.
#[cfg(feature = "byzantine")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_equivocating_validator_does_not_split_the_honest_three() {
    let logs = run_cluster(4, 6, Some(3)).await;
    for l in &logs[1..] {
        assert_eq!(l.iter().map(|b| &b.0).collect::<Vec<_>>(), logs[0].iter().map(|b| &b.0).collect::<Vec<_>>());
    }
    assert!(logs[0].iter().all(|b| !b.0.ends_with(b"-evil")), "a conflicting value was decided");
}
