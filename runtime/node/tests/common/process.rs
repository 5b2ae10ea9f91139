//! Running the real `procura` binary (the one this build made) as a child
//! process on a free loopback port.
#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct NodeProcess {
    pub child: Child,
    pub url: String,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl NodeProcess {
    /// Starts a dev node on a free port (retrying on another port if the one
    /// picked was taken meanwhile) and waits until it answers.
    pub fn start(data: &Path) -> NodeProcess {
        Self::start_with(data, &[])
    }

    /// `start` with more `procura node` arguments (e.g. `--dev-clock`).
    pub fn start_with(data: &Path, extra: &[&str]) -> NodeProcess {
        for _ in 0..3 {
            if let Some(node) = Self::try_start(data, free_port(), extra) {
                return node;
            }
        }
        panic!("the node did not start on three ports in a row");
    }

    fn try_start(data: &Path, port: u16, extra: &[&str]) -> Option<NodeProcess> {
        // PROCURA_NODE_BIN: run another build of the node (say, a copy kept
        // safe from other worktrees sharing the target directory).
        let bin = std::env::var("PROCURA_NODE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_procura").into());
        let child = Command::new(bin)
            .args(["node", "--dev", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data")
            .arg(data)
            .arg("--contracts")
            .arg(crate::common::contracts_dir())
            .args(extra)
            .args(if extra.contains(&"--block-interval-ms") { &[][..] } else { &["--block-interval-ms", "50"][..] })
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("procura starts");
        let mut node = NodeProcess { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if node.get("/v1/head").is_ok() {
                return Some(node);
            }
            if node.child.try_wait().ok().flatten().is_some() {
                return None; // exited: most likely the port was taken
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the node did not answer on {} within 60 s", node.url);
    }

    pub fn get(&self, path: &str) -> Result<(u16, Value), String> {
        request(ureq::get(&format!("{}{path}", self.url)).config().http_status_as_error(false).build().call())
    }

    pub fn post_raw(&self, path: &str, body: &[u8]) -> Result<(u16, Value), String> {
        request(
            ureq::post(&format!("{}{path}", self.url))
                .config()
                .http_status_as_error(false)
                .build()
                .content_type("application/json")
                .send(body),
        )
    }

    pub fn post(&self, path: &str, body: Value) -> Result<(u16, Value), String> {
        self.post_raw(path, body.to_string().as_bytes())
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

fn request(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<(u16, Value), String> {
    let mut resp = r.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().map_err(|e| e.to_string())?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
