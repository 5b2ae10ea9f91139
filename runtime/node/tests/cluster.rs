//! Replicated validators as real processes on loopback: four `procura node
//! --config` nodes, each with its `procura-validator` engine (Tendermint BFT).
//! Needs PROCURA_VALIDATOR_BIN (scripts/cluster build); skipped without it.
//! One test at a time (a lock), each bounded and cleaning up its processes.

#[path = "common/cluster.rs"]
mod cluster;
mod common;
#[path = "common/netns.rs"]
mod netns;

use cluster::{validator_bin, Cluster};
use common::*;
use ed25519_dalek::SigningKey;
use procura_chain::SignedTransaction;
use sealed_bid::TenderParams;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn call_on(key: &SigningKey, nonce: u64, method: &str, args: Vec<u8>) -> SignedTransaction {
    call_on_chain("procura-cluster", key, nonce, method, args)
}

/// A transaction that succeeds: `user(seed)` opens a tender far ahead.
fn simple_tx(seed: u8, nonce: u64) -> SignedTransaction {
    let far = now() + 86_400;
    let params = TenderParams {
        description_hash: [seed; 32],
        budget: 1_000,
        currency: "EUR".into(),
        bid_deadline: far,
        reveal_deadline: far + 1,
        min_bids: 1,
        standstill_secs: 1,
    };
    call_on(&user(seed), nonce, "open_tender", borsh::to_vec(&(params,)).unwrap())
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn wait_until(t: u64) {
    while now() < t {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A sealed-bid tender from open to award, each step sent to a different
/// validator (forwarding brings it to the proposer). `during` runs after
/// the bids. Returns the height of the last step and the finality
/// latencies (submission to committed on the validator submitted to; for
/// bids and reveals, sent three at once, until each is committed).
fn tender(c: &mut Cluster, seed: u8, mut during: impl FnMut(&mut Cluster)) -> (u64, Vec<Duration>) {
    let buyer = user(seed);
    let bidders = [user(seed + 1), user(seed + 2), user(seed + 3)];
    let live: Vec<usize> = (0..c.n).collect();
    let mut latencies = Vec::new();
    let send = |c: &Cluster, i: usize, tx: SignedTransaction, lat: &mut Vec<Duration>| {
        let started = Instant::now();
        let hash = c.post_tx(i, &tx);
        let h = c.wait_committed(i, &hash, Duration::from_secs(60));
        lat.push(started.elapsed());
        h
    };
    // Wide windows: a step waits for its block, and with a validator down
    // a height whose proposer is that validator takes a second round.
    let bid_deadline = now() + 20;
    let reveal_deadline = bid_deadline + 15;
    let params = TenderParams {
        description_hash: [seed; 32],
        budget: 1_000_000,
        currency: "EUR".into(),
        bid_deadline,
        reveal_deadline,
        min_bids: 2,
        standstill_secs: 1,
    };
    send(c, live[0], call_on(&buyer, 0, "open_tender", borsh::to_vec(&(params,)).unwrap()), &mut latencies);
    // Each test opens one tender on a fresh chain: ids count from 0.
    let tender_id = 0u64;
    // Several at once, each to another validator; then wait for all.
    let batch = |c: &Cluster, txs: Vec<(usize, SignedTransaction)>, lat: &mut Vec<Duration>| {
        let started = Instant::now();
        let sent: Vec<(usize, String)> = txs.into_iter().map(|(i, tx)| (i, c.post_tx(i, &tx))).collect();
        for (i, hash) in sent {
            c.wait_committed(i, &hash, Duration::from_secs(60));
            lat.push(started.elapsed());
        }
    };
    let bids = bidders
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (_, _, commit) = sealed(tender_id, b, 500 + 100 * i as u128);
            (live[(i + 1) % live.len()], call_on(b, 0, "submit_bid", borsh::to_vec(&(tender_id, commit)).unwrap()))
        })
        .collect();
    batch(c, bids, &mut latencies);
    during(c);
    let up: Vec<usize> = (0..c.n).filter(|i| c.nodes[*i].is_some()).collect();
    wait_until(bid_deadline + 1);
    let reveals = bidders
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (bid, salt, _) = sealed(tender_id, b, 500 + 100 * i as u128);
            (up[i % up.len()], call_on(b, 1, "reveal_bid", borsh::to_vec(&(tender_id, bid, salt)).unwrap()))
        })
        .collect();
    batch(c, reveals, &mut latencies);
    wait_until(reveal_deadline + 1);
    let target = up[up.len() - 1];
    send(c, target, call_on(&buyer, 1, "evaluate", borsh::to_vec(&(tender_id,)).unwrap()), &mut latencies);
    let last = send(c, up[0], call_on(&buyer, 2, "award", borsh::to_vec(&(tender_id,)).unwrap()), &mut latencies);
    (last, latencies)
}

fn report(what: &str, lat: &[Duration]) {
    let mut ms: Vec<u128> = lat.iter().map(|d| d.as_millis()).collect();
    ms.sort();
    eprintln!(
        "{what}: finality latency (submit -> committed) over {} txs: min {} ms, median {} ms, p90 {} ms, max {} ms",
        ms.len(),
        ms[0],
        ms[ms.len() / 2],
        ms[ms.len() * 9 / 10],
        ms[ms.len() - 1]
    );
}

#[test]
fn four_validators_run_a_tender_and_agree_block_for_block() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let mut c = Cluster::start(4, bin);
    let (last, lat) = tender(&mut c, 40, |_| {});
    report("4 validators", &lat);
    c.assert_same_chain(last);
    // Every validator proposed: the proposer rotates.
    let proposers: std::collections::BTreeSet<String> = (1..=last)
        .map(|h| c.get(0, &format!("/v1/blocks/{h}")).unwrap()["proposer"].as_str().unwrap().to_string())
        .collect();
    assert!(proposers.len() >= 3, "proposers: {proposers:?}");
}

#[test]
fn a_validator_killed_mid_tender_catches_up_and_matches() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let mut c = Cluster::start(4, bin);
    let (last, _) = tender(&mut c, 50, |c| {
        c.kill9(2);
        // The other three keep finalising without it.
        let before = c.max_height();
        c.wait_height(0, before + 2, Duration::from_secs(60));
    });
    let h_others = c.max_height();
    c.spawn(2);
    c.wait_up(2);
    c.wait_height(2, h_others, Duration::from_secs(90));
    c.assert_same_chain(last.max(h_others));
}

#[test]
fn two_of_four_down_halts_finality_until_one_returns() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let mut c = Cluster::start(4, bin);
    c.wait_height(0, 2, Duration::from_secs(60));
    c.kill9(2);
    c.kill9(3);
    // A decision already in flight may land; then nothing for a while.
    std::thread::sleep(Duration::from_secs(2));
    let stalled = c.max_height();
    std::thread::sleep(Duration::from_secs(8));
    assert_eq!(c.max_height(), stalled, "2 of 4 validators finalised a block without a 2/3 quorum");
    // A transaction is admitted but cannot be decided.
    let tx = simple_tx(60, 0);
    let hash = c.post_tx(0, &tx);
    c.spawn(2);
    c.wait_up(2);
    c.wait_committed(0, &hash, Duration::from_secs(90));
    let h = c.max_height();
    assert!(h > stalled, "no progress after the third validator came back");
    c.assert_same_chain(h);
}

/// 1 | 3 on a real network: each engine in its own network namespace,
/// cabled to one switch; validator 3's cable is unplugged, then plugged
/// back. The three keep finalising; the one alone decides nothing; after
/// the heal it syncs and every height matches.
#[test]
fn a_network_partition_one_three_heals_without_divergence() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let Some(net) = netns::Netns::create(4) else { return };
    let mut c = Cluster::init(4, bin);
    c.use_netns(&net);
    for i in 0..4 {
        c.spawn(i);
    }
    for i in 0..4 {
        c.wait_up(i);
    }
    // Its engine runs inside its own namespace, not the host's.
    let ns_of = |pid: String| std::fs::read_link(format!("/proc/{pid}/ns/net")).unwrap();
    assert_ne!(ns_of(c.engine_pid(3).to_string()), ns_of("self".into()), "v3's engine is in the host's namespace");
    c.wait_height(0, 2, Duration::from_secs(60));
    net.cut(3);
    // A decision already in flight may still reach it; then nothing.
    std::thread::sleep(Duration::from_secs(2));
    let alone = c.height(3).unwrap();
    let before = c.height(0).unwrap();
    let hash = c.post_tx(1, &simple_tx(75, 0));
    let committed_at = c.wait_committed(1, &hash, Duration::from_secs(60));
    c.wait_height(0, before.max(committed_at) + 3, Duration::from_secs(60));
    let majority = c.height(0).unwrap();
    assert_eq!(c.height(3).unwrap(), alone, "the validator cut off alone finalised a block");
    net.heal(3);
    let healed = Instant::now();
    let h = c.max_height();
    c.wait_height(3, h, Duration::from_secs(90));
    eprintln!(
        "partition 1 | 3: v3 stayed at height {alone} while the three went {before} -> {majority}; \
         after the heal it reached {h} in {:.1} s",
        healed.elapsed().as_secs_f64()
    );
    c.assert_same_chain(h);
}

/// A validator that freezes (SIGSTOP on its node and engine: a hung
/// machine rather than a cut link) is left behind, then catches up.
#[test]
fn a_frozen_validator_rejoins_without_divergence() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let c = Cluster::start(4, bin);
    c.wait_height(0, 2, Duration::from_secs(60));
    c.signal(3, "-STOP");
    let before = c.height(0).unwrap();
    let hash = c.post_tx(1, &simple_tx(70, 0));
    c.wait_committed(1, &hash, Duration::from_secs(60));
    c.wait_height(0, before + 3, Duration::from_secs(60));
    c.signal(3, "-CONT");
    let h = c.max_height();
    c.wait_height(3, h, Duration::from_secs(90));
    c.assert_same_chain(h);
}

#[test]
fn an_equivocating_validator_never_splits_the_honest_ones() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let Some(byz) = std::env::var("PROCURA_VALIDATOR_BYZANTINE_BIN").ok().filter(|b| std::path::Path::new(b).exists())
    else {
        eprintln!("SKIPPED: set PROCURA_VALIDATOR_BYZANTINE_BIN (procura-validator built with --features byzantine)");
        return;
    };
    let mut c = Cluster::init(4, bin);
    c.set_byzantine(3, std::path::Path::new(&byz));
    for i in 0..4 {
        c.spawn(i);
    }
    for i in 0..4 {
        c.wait_up(i);
    }
    let hash = c.post_tx(0, &simple_tx(80, 0));
    let h = c.wait_committed(0, &hash, Duration::from_secs(90));
    let upto = h + 5;
    for i in 0..3 {
        c.wait_height(i, upto, Duration::from_secs(90));
    }
    // The honest three committed the same block at every height.
    for height in 1..=upto {
        let first = c.block_id(0, height);
        for i in 1..3 {
            assert_eq!(c.block_id(i, height), first, "honest v{i} differs from v0 at height {height}");
        }
    }
    let log = std::fs::read_to_string(c.dir.path().join("v3.err")).unwrap_or_default();
    assert!(log.contains("BYZANTINE"), "validator 3 did not run the equivocating engine:\n{log}");
}

/// Throughput with 4 validators: 100 accounts each send N transactions
/// (PROCURA_CLUSTER_TXS_PER_ACCOUNT, default 4), each account's to one
/// validator (round robin over the four, one submitting thread per
/// validator), timed from the first submission until the last one of
/// every submitter is committed.
#[test]
fn throughput_with_four_validators() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let per_account: u64 =
        std::env::var("PROCURA_CLUSTER_TXS_PER_ACCOUNT").ok().and_then(|v| v.parse().ok()).unwrap_or(4).clamp(1, 90);
    let total = 100 * per_account;
    let c = Cluster::start(4, bin);
    c.wait_height(0, 1, Duration::from_secs(60));
    let start_height = c.max_height();
    // Signed up front, so the clock times submission and the chain only.
    let txs: Vec<Vec<SignedTransaction>> = (0..4)
        .map(|v| {
            (0..per_account)
                .flat_map(|n| (100..200u8).filter(move |s| *s as usize % 4 == v).map(move |s| simple_tx(s, n)))
                .collect()
        })
        .collect();
    let started = Instant::now();
    // One submitter per validator, each in nonce order for its accounts.
    let submit = |v: usize, txs: &[SignedTransaction]| -> Vec<(usize, String)> {
        let sent: Vec<(usize, String)> = txs.iter().map(|tx| (v, c.post_tx(v, tx))).collect();
        // Each account's last transaction: committed means all of its are.
        sent.into_iter().zip(txs).filter(|(_, tx)| tx.tx.nonce == per_account - 1).map(|(h, _)| h).collect()
    };
    let last: Vec<(usize, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = txs.iter().enumerate().map(|(v, txs)| s.spawn(move || submit(v, txs))).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let submitted = started.elapsed();
    let mut top = 0;
    for (i, hash) in &last {
        top = top.max(c.wait_committed(*i, hash, Duration::from_secs(300)));
    }
    let elapsed = started.elapsed();
    eprintln!(
        "4 validators: {total} txs submitted in {:.2} s, all committed after {:.2} s: {:.0} tx/s over {} blocks",
        submitted.as_secs_f64(),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        top - start_height
    );
    c.assert_same_chain(top);
}

/// Finality latency with 4 validators: 20 transactions one at a time, each
/// to the next validator, from submission until committed there.
#[test]
fn finality_latency_with_four_validators() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(bin) = validator_bin() else { return };
    let c = Cluster::start(4, bin);
    c.wait_height(0, 2, Duration::from_secs(60));
    let mut lat = Vec::new();
    for k in 0..20u8 {
        let i = k as usize % 4;
        let started = Instant::now();
        let hash = c.post_tx(i, &simple_tx(210 + k % 40, 0));
        c.wait_committed(i, &hash, Duration::from_secs(60));
        lat.push(started.elapsed());
    }
    report("4 validators, one transaction at a time", &lat);
    let top = c.max_height();
    c.assert_same_chain(top.saturating_sub(1));
}
