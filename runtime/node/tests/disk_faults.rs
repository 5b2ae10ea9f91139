//! Disk faults against the real binary: a read-only data directory and a
//! full disk each stop the node with an error that says what to do, and the
//! database reopens afterwards and verifies from genesis (no corruption, no
//! committed block lost). The mounts need root; without it the read-only
//! case falls back to permissions and the full-disk case is skipped (said so
//! on stderr).

mod common;
#[path = "common/process.rs"]
mod process;
use common::*;
use process::*;
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn sh(args: &[&str]) -> bool {
    Command::new(args[0]).args(&args[1..]).status().is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false)
}

/// Unmounts when dropped, so a failed assertion leaves no mount behind.
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn verify(data: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_procura"))
        .args(["audit", "verify", "--data"])
        .arg(data)
        .arg("--contracts")
        .arg(contracts_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "audit verify: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn run_node_until_exit(data: &Path, extra: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_procura"))
        .args(["node", "--dev", "--listen", &format!("127.0.0.1:{}", free_port()), "--data"])
        .arg(data)
        .arg("--contracts")
        .arg(contracts_dir())
        .args(extra)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn commit_one(node: &NodeProcess, nonce: u64) -> u64 {
    let far = 4_000_000_000u64;
    let tx = call(&user(1), nonce, "open_tender", borsh::to_vec(&(params(far, far + 1),)).unwrap());
    let (code, v) = node.post("/v1/tx", json!({ "tx": hex::encode(tx.encode()) })).unwrap();
    assert_eq!(code, 200, "{v}");
    for _ in 0..400 {
        let (_, v) = node.get(&format!("/v1/tx/{}", hex::encode(tx.hash()))).unwrap();
        if v["status"] == "committed" {
            return v["height"].as_u64().unwrap();
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("not committed");
}

#[test]
fn a_read_only_data_directory_is_refused_clearly_and_the_database_survives() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut node = NodeProcess::start(&data);
    let height = commit_one(&node, 0);
    node.kill9();

    // Read-only: a read-only bind mount (root) or no write permission.
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let (target, _mount) = if is_root() {
        let (d, r) = (data.to_str().unwrap(), ro.to_str().unwrap());
        assert!(sh(&["mount", "--bind", d, r]) && sh(&["mount", "-o", "remount,ro,bind", r]), "bind mount");
        (ro.clone(), Some(Mount(ro.clone())))
    } else {
        assert!(sh(&["chmod", "-R", "a-w", data.to_str().unwrap()]));
        (data.clone(), None)
    };
    let (ok, stderr) = run_node_until_exit(&target, &[]);
    assert!(!ok, "the node must not run on a read-only data directory");
    assert!(stderr.contains("is not writable") && stderr.contains("make it writable"), "{stderr}");
    drop(_mount);
    if !is_root() {
        assert!(sh(&["chmod", "-R", "u+w", data.to_str().unwrap()]));
    }

    // Nothing was harmed: the chain verifies and reopens at the same head.
    let report = verify(&data);
    assert!(report.contains(&format!("verified {height} blocks")), "{report}");
    let node = NodeProcess::start(&data);
    assert_eq!(node.get("/v1/head").unwrap().1["height"].as_u64(), Some(height));
}

#[test]
fn a_full_disk_stops_the_node_cleanly_and_loses_no_committed_block() {
    if !is_root() {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("disk");
    std::fs::create_dir(&mnt).unwrap();
    let m = mnt.to_str().unwrap();
    if !sh(&["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", m]) {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    let mount = Mount(mnt.clone());
    let data = mnt.join("data");
    let mut node = NodeProcess::start(&data);
    commit_one(&node, 0);
    // Shrink the disk to what is used plus a little, then fill it with big
    // (failing) calls until a block cannot be committed.
    let used_kib: u64 = String::from_utf8(Command::new("du").args(["-sk", m]).output().unwrap().stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(sh(&["mount", "-o", &format!("remount,size={}k", used_kib + 6 * 1024), m]));
    let mut last_height = 0;
    let started = Instant::now();
    let mut nonces = std::collections::BTreeMap::new();
    'fill: while started.elapsed() < Duration::from_secs(120) {
        for seed in 50..90u8 {
            let nonce = nonces.entry(seed).or_insert(0u64);
            let tx = call(&user(seed), *nonce, "tender_count", vec![7; 400_000]);
            match node.post("/v1/tx", json!({ "tx": hex::encode(tx.encode()) })) {
                Ok((200, _)) => *nonce += 1,
                Ok(_) => {}
                Err(_) => break 'fill, // the node stopped
            }
            if let Ok((200, v)) = node.get("/v1/head") {
                last_height = last_height.max(v["height"].as_u64().unwrap());
            }
        }
    }
    let status = node.child.wait().unwrap();
    assert!(!status.success(), "the node stops with an error when the disk is full");
    drop(node);

    // Room again: the chain verifies and reopens at or above every height
    // the API reported.
    assert!(sh(&["mount", "-o", "remount,size=512m", m]));
    let report = verify(&data);
    eprintln!("after the full disk: {report}");
    let node = NodeProcess::start(&data);
    let head = node.get("/v1/head").unwrap().1["height"].as_u64().unwrap();
    assert!(head >= last_height, "reopened at {head}, but {last_height} was reported");
    drop(node);
    drop(mount);
}
