//! A private network for the consensus engines, made by the test itself:
//! one network namespace per validator engine, each with a veth cable to a
//! bridge (the "switch") in a hub namespace. Unplugging a cable from the
//! bridge is a real partition: both sides keep running, and frames just go
//! nowhere (no reset, no signal), the way a cut link behaves.
//!
//! Only the engines (libp2p: proposals, votes, sync) live in these
//! namespaces. Each node and its API stay in the host's namespace; node and
//! engine talk over a Unix socket, which namespaces do not separate.
//!
//! Needs `ip` (iproute2) and CAP_NET_ADMIN (root); `Netns::create` returns
//! `None` otherwise and the test says it skipped.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Netns {
    prefix: String,
    n: usize,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip").args(args).output().map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

impl Netns {
    /// A switch and `n` engine namespaces, validator `i` at 10.77.0.(i+1).
    pub fn create(n: usize) -> Option<Netns> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let prefix = format!("procura-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let net = Netns { prefix, n };
        match net.build() {
            Ok(()) => Some(net),
            Err(e) => {
                eprintln!("SKIPPED: cannot make network namespaces (needs iproute2 and root): {e}");
                None
            }
        }
    }

    fn hub(&self) -> String {
        format!("{}-hub", self.prefix)
    }

    fn ns(&self, i: usize) -> String {
        format!("{}-v{i}", self.prefix)
    }

    fn build(&self) -> Result<(), String> {
        let hub = self.hub();
        ip(&["netns", "add", &hub])?;
        ip(&["-n", &hub, "link", "add", "br0", "type", "bridge", "stp_state", "0"])?;
        ip(&["-n", &hub, "link", "set", "br0", "up"])?;
        for i in 0..self.n {
            let ns = self.ns(i);
            let port = format!("b{i}");
            let addr = format!("{}/24", self.addr(i));
            ip(&["netns", "add", &ns])?;
            ip(&["link", "add", &port, "netns", &hub, "type", "veth", "peer", "name", "eth0", "netns", &ns])?;
            ip(&["-n", &hub, "link", "set", &port, "master", "br0", "up"])?;
            ip(&["-n", &ns, "addr", "add", &addr, "dev", "eth0"])?;
            ip(&["-n", &ns, "link", "set", "eth0", "up"])?;
            ip(&["-n", &ns, "link", "set", "lo", "up"])?;
        }
        Ok(())
    }

    pub fn addr(&self, i: usize) -> Ipv4Addr {
        Ipv4Addr::new(10, 77, 0, i as u8 + 1)
    }

    /// A script that runs `engine` inside validator `i`'s namespace (the
    /// node starts it with its usual arguments). `ip netns exec` execs, so
    /// the engine keeps the node as its parent and still follows it.
    pub fn engine_wrapper(&self, i: usize, engine: &Path, dir: &Path) -> PathBuf {
        let path = dir.join(format!("engine-in-netns-v{i}.sh"));
        let script = format!("#!/bin/sh\nexec ip netns exec {} {} \"$@\"\n", self.ns(i), engine.display());
        std::fs::write(&path, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// Unplugs validator `i`'s cable from the switch.
    pub fn cut(&self, i: usize) {
        ip(&["-n", &self.hub(), "link", "set", &format!("b{i}"), "nomaster"]).unwrap();
    }

    /// Plugs it back in.
    pub fn heal(&self, i: usize) {
        ip(&["-n", &self.hub(), "link", "set", &format!("b{i}"), "master", "br0"]).unwrap();
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Deleting a namespace also removes its end of each veth pair.
        for i in 0..self.n {
            let _ = ip(&["netns", "del", &self.ns(i)]);
        }
        let _ = ip(&["netns", "del", &self.hub()]);
    }
}
