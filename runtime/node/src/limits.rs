//! The API's own protection against floods: a request body size limit and a
//! per-client-IP token bucket. Both answer with the API's JSON error shape
//! (413 / 429) so a client can tell what to change.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The HTTP API's limits; `procura node` flags set them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ApiLimits {
    /// Larger request bodies are refused (413) before they are parsed.
    pub max_body_bytes: usize,
    /// Sustained requests per second per client IP; 0 turns the limit off.
    pub rate_per_sec: f64,
    /// Requests a client may send in a burst above the sustained rate.
    pub burst: f64,
}

impl Default for ApiLimits {
    fn default() -> Self {
        ApiLimits { max_body_bytes: 2 * 1024 * 1024 + 64 * 1024, rate_per_sec: 200.0, burst: 400.0 }
    }
}

/// Clients tracked at most; idle (full) buckets are dropped beyond this, so
/// many source addresses cannot grow the table without bound.
const MAX_CLIENTS: usize = 10_000;

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// One token bucket per client IP.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    /// The other validators' API hosts. A validator forwards every
    /// transaction its own clients send, so one peer carries many clients'
    /// traffic: its forwarded submissions are not counted against its IP
    /// (each was already limited where its client sent it).
    peers: Vec<IpAddr>,
}

impl RateLimiter {
    pub fn new(limits: &ApiLimits) -> Self {
        Self::with_peers(limits, Vec::new())
    }

    pub fn with_peers(limits: &ApiLimits, peers: Vec<IpAddr>) -> Self {
        RateLimiter {
            rate: limits.rate_per_sec,
            burst: limits.burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
            peers,
        }
    }

    /// A submission another validator forwarded, from that validator's host.
    fn is_forwarded_by_peer(&self, ip: IpAddr, req: &Request) -> bool {
        self.peers.contains(&ip) && req.headers().contains_key(crate::consensus::forward::FORWARDED_HEADER)
    }

    /// Takes a token for `ip`; `Err(seconds)` until the next one is due.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Result<(), f64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&ip) {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let b = buckets.entry(ip).or_insert(Bucket { tokens: self.burst, at: now });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * self.rate).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - b.tokens) / self.rate)
        }
    }
}

/// Middleware: refuses a client over its rate with 429 and `Retry-After`.
/// Requests without a peer address (in-process routers) and submissions
/// forwarded by a peer validator are not limited.
pub async fn rate_limit(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    if let Some(ip) = peer.filter(|ip| !limiter.is_forwarded_by_peer(*ip, &req)) {
        if let Err(wait) = limiter.take(ip, Instant::now()) {
            let secs = wait.ceil().max(1.0) as u64;
            let msg = format!(
                "too many requests from {ip}: the limit is {} per second (bursts of {}); retry after {secs} s",
                limiter.rate, limiter.burst
            );
            let mut resp = (StatusCode::TOO_MANY_REQUESTS, Json(json!({ "error": msg }))).into_response();
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            return resp;
        }
    }
    next.run(req).await
}

/// Middleware: the router's own refusals (body over the limit, unknown
/// route) come as plain text; give them the API's JSON error shape.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("application/json"));
    if is_json || resp.status().is_success() {
        return resp;
    }
    let status = resp.status();
    let msg = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            "request body too large: the node refuses bodies over its --max-body-bytes limit; \
             send a smaller transaction"
                .to_string()
        }
        StatusCode::NOT_FOUND => "no such endpoint: see the API table in README.md".to_string(),
        _ => {
            let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024).await.unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    (status, Json(json!({ "error": msg }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn only_a_peer_validator_forwarding_skips_the_limit() {
        let peer: IpAddr = "10.0.0.2".parse().unwrap();
        let limiter = RateLimiter::with_peers(&ApiLimits::default(), vec![peer]);
        let request = |forwarded: bool| {
            let mut b = Request::builder();
            if forwarded {
                b = b.header(crate::consensus::forward::FORWARDED_HEADER, "1");
            }
            b.body(axum::body::Body::empty()).unwrap()
        };
        assert!(limiter.is_forwarded_by_peer(peer, &request(true)));
        assert!(!limiter.is_forwarded_by_peer(peer, &request(false)), "the peer's own requests are limited");
        let stranger: IpAddr = "10.0.0.9".parse().unwrap();
        assert!(!limiter.is_forwarded_by_peer(stranger, &request(true)), "anyone can set the header");
    }

    #[test]
    fn peer_hosts_are_the_api_urls_addresses() {
        let hosts = crate::consensus::forward::peer_hosts(&[
            "http://127.0.0.1:8701".into(),
            "http://127.0.0.1:8702/".into(),
            "http://10.1.2.3:80".into(),
            "not a url".into(),
        ]);
        assert_eq!(hosts, vec!["10.1.2.3".parse::<IpAddr>().unwrap(), "127.0.0.1".parse().unwrap()]);
    }

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let limiter = RateLimiter::new(&ApiLimits { max_body_bytes: 0, rate_per_sec: 10.0, burst: 3.0 });
        let (a, b): (IpAddr, IpAddr) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.take(a, t0).unwrap();
        }
        let wait = limiter.take(a, t0).unwrap_err();
        assert!(wait > 0.0 && wait <= 0.1, "{wait}");
        limiter.take(b, t0).expect("another client has its own bucket");
        limiter.take(a, t0 + Duration::from_millis(100)).expect("one token refilled");
        assert!(limiter.take(a, t0 + Duration::from_millis(100)).is_err());
    }
}
