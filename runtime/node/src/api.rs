//! The HTTP JSON API. Every error is a 4xx/5xx with `{"error": "..."}`;
//! binary data (transactions, return values, proofs) travels as hex.

use crate::chain::NonceView;
use crate::executor::BlockContext;
use crate::limits::{self, ApiLimits, RateLimiter};
use crate::node::NodeState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use procura_chain::{Receipt, ReceiptStatus};
use procura_client::wire::{self, RequestError};
use procura_primitives::{Address, Event, Hash32};
use procura_state::StateProof;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, RwLock};

pub type Shared = Arc<Mutex<NodeState>>;

/// The router's state: the node, and the `/v1/head` answer that can be read
/// without waiting for the node lock.
#[derive(Clone)]
pub struct ApiState {
    node: Shared,
    head: Arc<RwLock<Value>>,
}

impl axum::extract::FromRef<ApiState> for Shared {
    fn from_ref(s: &ApiState) -> Shared {
        s.node.clone()
    }
}

/// Waits for the node lock without stalling the async runtime: the producer
/// holds the lock for a whole block, and a worker thread blocked here would
/// also hold up the requests queued on it (`/v1/head` among them).
fn lock(s: &Shared) -> std::sync::MutexGuard<'_, NodeState> {
    tokio::task::block_in_place(|| s.lock().expect("node lock"))
}

/// The API with its limits: bodies over `limits.max_body_bytes` get 413,
/// clients over their rate 429 (see `limits.rs`). Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so the rate limit
/// knows each client's address.
pub fn router(state: Shared, limits: ApiLimits) -> Router {
    router_with_peers(state, limits, Vec::new())
}

/// The API of a replicated validator: `peers` are the other validators'
/// API hosts, whose forwarded submissions skip the per-IP rate limit.
pub fn router_with_peers(state: Shared, limits: ApiLimits, peers: Vec<std::net::IpAddr>) -> Router {
    let limiter = Arc::new(RateLimiter::with_peers(&limits, peers));
    let head_cell = state.lock().expect("node lock").head.clone();
    Router::new()
        .route("/v1/head", get(head))
        .route("/v1/tx", post(submit_tx))
        .route("/v1/tx/{hash}", get(tx_status))
        .route("/v1/blocks/{height}", get(block))
        .route("/v1/view", post(view))
        .route("/v1/state/{key}", get(state_proof))
        .route("/v1/events/{contract}", get(events))
        .route("/v1/accounts/{address}", get(account))
        .route("/v1/stream", get(stream))
        .route("/v1/contracts", get(contracts))
        .route("/v1/contracts/{address}/timeline", get(contract_timeline))
        .route("/v1/dev/advance-time", post(advance_time))
        .route("/", get(index))
        .route("/app/{*path}", get(app_file))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body_bytes))
        .with_state(ApiState { node: state, head: head_cell })
        .layer(axum::middleware::from_fn(limits::json_errors))
        .layer(axum::middleware::from_fn_with_state(limiter, limits::rate_limit))
}

pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

fn not_found(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, msg.into())
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

impl From<RequestError> for ApiError {
    fn from(e: RequestError) -> Self {
        bad(e.to_string())
    }
}

fn hex32(s: &str, what: &'static str) -> Result<[u8; 32], ApiError> {
    Ok(wire::hex32(s, what)?)
}

pub fn event_json(e: &Event) -> Value {
    json!({ "contract": e.contract.to_hex(), "topic": e.topic, "payload": hex::encode(&e.payload) })
}

pub fn receipt_json(r: &Receipt) -> Value {
    let (status, error) = match &r.status {
        ReceiptStatus::Success => ("success", None),
        ReceiptStatus::Failure(m) => ("failure", Some(m.clone())),
    };
    json!({
        "tx_hash": hex::encode(r.tx_hash),
        "status": status,
        "error": error,
        "gas_used": r.gas_used,
        "return_data": hex::encode(&r.return_data),
        "events": r.events.iter().map(event_json).collect::<Vec<_>>(),
    })
}

/// Server-sent events: one `block` event per committed block, carrying its
/// header summary and every receipt (with events). Slow readers skip ahead.
async fn stream(
    State(s): State<Shared>,
) -> axum::response::sse::Sse<
    impl tokio_stream::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
> {
    use tokio_stream::StreamExt;
    let rx = lock(&s).blocks.subscribe();
    let events = tokio_stream::wrappers::BroadcastStream::new(rx)
        .filter_map(|msg| msg.ok())
        .map(|json| Ok(axum::response::sse::Event::default().event("block").data(json)));
    axum::response::sse::Sse::new(events).keep_alive(axum::response::sse::KeepAlive::default())
}

pub fn block_event_json(block: &procura_chain::Block, receipts: &[Receipt]) -> Value {
    let h = &block.header.header;
    json!({
        "height": h.height,
        "hash": hex::encode(h.hash()),
        "timestamp": h.timestamp,
        "state_root": hex::encode(h.state_root),
        "receipts": receipts.iter().map(receipt_json).collect::<Vec<_>>(),
    })
}

async fn head(State(s): State<ApiState>) -> Json<Value> {
    Json(s.head.read().expect("head lock").clone())
}

async fn submit_tx(
    State(s): State<Shared>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let bytes = wire::parse_submit(&body)?;
    // Decoding and the signature check need no state: done before taking
    // the node lock, they run beside block production instead of after it.
    let prechecked = procura_chain::Prechecked::new(&bytes);
    let mut s = lock(&s);
    let NodeState { chain, mempool, .. } = &mut *s;
    let state = chain.state();
    let view = NonceView::new(&state, &mempool.pending_nonces);
    let tx = procura_chain::admit_prechecked(prechecked, &chain.rules, &view).map_err(|e| bad(e.to_string()))?;
    let hash = mempool.push(tx, bytes.len()).map_err(|e| {
        let status = if e.is_per_client() { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::SERVICE_UNAVAILABLE };
        ApiError(status, e.to_string())
    })?;
    s.publish_head();
    if let Some(forward) = &s.forward {
        if !headers.contains_key(crate::consensus::forward::FORWARDED_HEADER) {
            forward.forward(&body);
        }
    }
    Ok(Json(json!({ "hash": hex::encode(hash) })))
}

async fn tx_status(State(s): State<Shared>, Path(hash): Path<String>) -> Result<Json<Value>, ApiError> {
    let hash: Hash32 = hex32(&hash, "tx hash")?;
    let s = lock(&s);
    // A block being written is not committed until it is durable.
    if s.mempool.contains(&hash) || s.chain.is_being_written(&hash) {
        return Ok(Json(json!({ "status": "pending" })));
    }
    let Some((height, index)) = s.chain.db.tx_location(&hash).map_err(internal)? else {
        return Err(not_found("unknown transaction"));
    };
    let receipt = s.chain.db.receipt(height, index).map_err(internal)?.ok_or_else(|| internal("receipt missing"))?;
    Ok(Json(json!({ "status": "committed", "height": height, "index": index, "receipt": receipt_json(&receipt) })))
}

async fn block(State(s): State<Shared>, Path(height): Path<String>) -> Result<Json<Value>, ApiError> {
    let height = wire::parse_height(&height)?;
    let s = lock(&s);
    let block = s.chain.db.block(height).map_err(internal)?.ok_or_else(|| not_found(format!("no block {height}")))?;
    let h = &block.header.header;
    Ok(Json(json!({
        "height": h.height,
        "hash": hex::encode(h.hash()),
        "prev_hash": hex::encode(h.prev_hash),
        "timestamp": h.timestamp,
        "proposer": hex::encode(h.proposer),
        "tx_root": hex::encode(h.tx_root),
        "state_root": hex::encode(h.state_root),
        "receipts_root": hex::encode(h.receipts_root),
        "signature": hex::encode(block.header.signature),
        "txs": block.txs.iter().map(|t| hex::encode(t.hash())).collect::<Vec<_>>(),
    })))
}

async fn view(State(s): State<Shared>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let wire::View { contract, method, args } = wire::parse_view(&body)?;
    let s = lock(&s);
    // Durable state only: what a client sees is committed for good.
    let head = s.chain.durable_head();
    let ctx = BlockContext { height: head.height, time: head.timestamp };
    let result = s
        .chain
        .executor
        .view(&*s.chain.db, &ctx, &contract, &method, &args, s.chain.genesis.block_gas_limit)
        .map_err(bad)?;
    Ok(Json(json!({ "height": head.height, "result": hex::encode(result) })))
}

#[derive(Deserialize)]
struct AtHeight {
    height: Option<u64>,
}

async fn state_proof(
    State(s): State<Shared>,
    Path(key): Path<String>,
    Query(q): Query<AtHeight>,
) -> Result<Json<Value>, ApiError> {
    let key = hex::decode(&key).map_err(|e| bad(format!("key must be hex: {e}")))?;
    let s = lock(&s);
    let head = s.chain.durable_head().height;
    let height = q.height.unwrap_or(head);
    if height > head {
        return Err(not_found(format!("height {height} is above the head {head}")));
    }
    let block = s.chain.db.block(height).map_err(internal)?.ok_or_else(|| not_found("no such block"))?;
    let proof = StateProof::read(&*s.chain.db, &key, height).map_err(internal)?;
    Ok(Json(json!({
        "height": height,
        "state_root": hex::encode(block.header.header.state_root),
        "value": proof.value.as_ref().map(hex::encode),
        "proof": hex::encode(proof.encode()),
    })))
}

async fn account(State(s): State<Shared>, Path(address): Path<String>) -> Result<Json<Value>, ApiError> {
    let address = Address(hex32(&address, "address")?);
    let s = lock(&s);
    let committed = s.chain.account(&address).next_nonce;
    // A client building its next transaction needs the nonce after the
    // ones it already has pending.
    let next = s.mempool.pending_nonces.get(&address).copied().unwrap_or(committed);
    Ok(Json(json!({ "address": address.to_hex(), "next_nonce": next, "committed_nonce": committed })))
}

#[derive(Deserialize)]
struct EventQuery {
    topic: Option<String>,
    limit: Option<usize>,
}

async fn events(
    State(s): State<Shared>,
    Path(contract): Path<String>,
    Query(q): Query<EventQuery>,
) -> Result<Json<Value>, ApiError> {
    let contract = Address(hex32(&contract, "contract")?);
    let limit = q.limit.unwrap_or(100).min(1000);
    let s = lock(&s);
    let list = s.chain.db.events(&contract, q.topic.as_deref(), limit).map_err(internal)?;
    Ok(Json(json!(list
        .iter()
        .map(|(h, i, e)| json!({ "height": h, "tx_index": i, "event": event_json(e) }))
        .collect::<Vec<_>>())))
}

/// The genesis contracts, so clients (the web app) find them by name.
async fn contracts(State(s): State<Shared>) -> Json<Value> {
    let s = lock(&s);
    Json(json!(s
        .contracts
        .iter()
        .map(|(name, address)| json!({ "name": name, "address": address.to_hex() }))
        .collect::<Vec<_>>()))
}

#[derive(Deserialize)]
struct TimelineQuery {
    id: u64,
    key: Option<String>,
}

/// One tender's (or any id's) decoded timeline: `history.rs` over this
/// node's blocks, the same records as `procura audit tender --json`.
async fn contract_timeline(
    State(s): State<Shared>,
    Path(address): Path<String>,
    Query(q): Query<TimelineQuery>,
) -> Result<Json<Value>, ApiError> {
    let contract = Address(hex32(&address, "contract")?);
    let key = q.key.unwrap_or_else(|| "tender_id".into());
    let s = lock(&s);
    let (abi, records) = crate::history::contract_history(&s.chain.db, &contract).map_err(|e| {
        if s.contracts.iter().any(|(_, a)| *a == contract) {
            internal(e)
        } else {
            not_found(e.to_string())
        }
    })?;
    let calls = crate::history::timeline(&records, &key, q.id);
    Ok(Json(json!({ "contract": abi.contract, "key": key, "id": q.id, "calls": calls })))
}

/// Dev chains started with `--dev-clock` only: moves the block clock
/// forward (never back, so block times stay monotonic).
async fn advance_time(State(s): State<Shared>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let req = wire::parse_advance_time(&body)?;
    let mut s = lock(&s);
    let Some(offset) = s.clock.as_mut() else {
        return Err(not_found("this node's clock is the wall clock (start a dev node with --dev-clock)"));
    };
    *offset = offset.saturating_add(req.secs);
    let offset = *offset;
    Ok(Json(json!({ "offset": offset, "now": s.now() })))
}

async fn index(State(s): State<Shared>) -> Response {
    let dir = lock(&s).web_dir.clone();
    crate::static_files::serve(dir.as_deref(), "index.html")
}

async fn app_file(State(s): State<Shared>, Path(path): Path<String>) -> Response {
    let dir = lock(&s).web_dir.clone();
    crate::static_files::serve(dir.as_deref(), &path)
}
