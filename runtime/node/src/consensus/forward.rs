//! Transaction forwarding: a transaction a client submits to this node
//! also goes to the other validators' mempools (one background thread, in
//! submission order, so an account's nonces arrive in order), whichever of
//! them proposes next can include it. Forwarded submissions carry a header
//! and are not forwarded again.

use std::sync::mpsc;

/// Marks a submission that another validator forwarded.
pub const FORWARDED_HEADER: &str = "x-procura-forwarded";

pub struct Forwarder {
    queue: mpsc::SyncSender<Vec<u8>>,
}

impl Forwarder {
    pub fn start(peers: Vec<String>) -> Forwarder {
        let (queue, rx) = mpsc::sync_channel::<Vec<u8>>(10_000);
        std::thread::spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(std::time::Duration::from_secs(2)))
                .build()
                .into();
            for body in rx {
                for peer in &peers {
                    // A peer that is down catches up by sync, and its
                    // clients resubmit; forwarding is best effort.
                    let _ = agent
                        .post(&format!("{}/v1/tx", peer.trim_end_matches('/')))
                        .header(FORWARDED_HEADER, "1")
                        .content_type("application/json")
                        .send(&body[..]);
                }
            }
        });
        Forwarder { queue }
    }

    /// Queues a submission's body for the peers; drops it if the queue is full.
    pub fn forward(&self, body: &[u8]) {
        let _ = self.queue.try_send(body.to_vec());
    }
}

/// The IP addresses the peers' API URLs (`http://host:port`) resolve to.
/// A peer whose host does not resolve is left out (its forwarded
/// submissions are then rate-limited like any client's).
pub fn peer_hosts(api_peers: &[String]) -> Vec<std::net::IpAddr> {
    use std::net::ToSocketAddrs;
    let mut hosts: Vec<std::net::IpAddr> = api_peers
        .iter()
        .filter_map(|url| {
            let authority = url.split("://").nth(1).unwrap_or(url).split('/').next()?;
            Some(authority.to_socket_addrs().ok()?.map(|a| a.ip()).collect::<Vec<_>>())
        })
        .flatten()
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
}
