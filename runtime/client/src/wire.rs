//! The API's request bodies and path parameters, and how the node parses
//! them. Here rather than in the node so the parsing can be fuzzed (and
//! reused by clients) without building RocksDB.

use procura_primitives::Address;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a request was refused; the node answers each with 400.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RequestError {
    #[error("malformed JSON body: {0}")]
    Json(String),
    #[error("{what} must be hex: {error}")]
    Hex { what: &'static str, error: String },
    #[error("{0} must be 64 hex characters")]
    Hex32(&'static str),
    #[error("height must be a number")]
    Height,
}

// Unknown fields are refused: a misspelt `args` must not silently become a
// call without arguments (and serde skips unknown values without checking
// them, so a body with invalid UTF-8 in one was accepted; found by the
// http_body fuzz target).

/// `POST /v1/tx`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitTx {
    /// Hex of a Borsh-encoded signed transaction.
    pub tx: String,
}

/// `POST /v1/view`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewRequest {
    pub contract: String,
    pub method: String,
    /// Hex of the Borsh-encoded arguments; empty for none.
    #[serde(default)]
    pub args: String,
}

/// `POST /v1/dev/advance-time` (dev chains with `--dev-clock` only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceTime {
    /// Seconds to move the block clock forward.
    pub secs: u64,
}

/// A view request, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub contract: Address,
    pub method: String,
    pub args: Vec<u8>,
}

/// A request body is one JSON object. serde would also take a struct from
/// an array of its fields (`["<hex>"]`); the http_body fuzz target found
/// that the node accepted such bodies.
fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, RequestError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| RequestError::Json(e.to_string()))?;
    if !value.is_object() {
        return Err(RequestError::Json("the body must be a JSON object".into()));
    }
    serde_json::from_value(value).map_err(|e| RequestError::Json(e.to_string()))
}

fn hex_bytes(s: &str, what: &'static str) -> Result<Vec<u8>, RequestError> {
    hex::decode(s).map_err(|e| RequestError::Hex { what, error: e.to_string() })
}

/// A 32-byte value (hash, address) given as 64 hex characters.
pub fn hex32(s: &str, what: &'static str) -> Result<[u8; 32], RequestError> {
    hex::decode(s).ok().and_then(|v| <[u8; 32]>::try_from(v).ok()).ok_or(RequestError::Hex32(what))
}

/// The transaction bytes of a `POST /v1/tx` body (admission decodes them).
pub fn parse_submit(body: &[u8]) -> Result<Vec<u8>, RequestError> {
    let req: SubmitTx = json(body)?;
    hex_bytes(req.tx.trim(), "tx")
}

pub fn parse_view(body: &[u8]) -> Result<View, RequestError> {
    let req: ViewRequest = json(body)?;
    let contract = Address(hex32(&req.contract, "contract")?);
    let args = hex_bytes(&req.args, "args")?;
    Ok(View { contract, method: req.method, args })
}

pub fn parse_advance_time(body: &[u8]) -> Result<AdvanceTime, RequestError> {
    json(body)
}

/// The `{height}` of `GET /v1/blocks/{height}`.
pub fn parse_height(s: &str) -> Result<u64, RequestError> {
    s.parse().map_err(|_| RequestError::Height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_parse_or_fail_typed() {
        assert_eq!(parse_submit(br#"{"tx":" 0a0b "}"#), Ok(vec![10, 11]));
        assert!(matches!(parse_submit(b"{"), Err(RequestError::Json(_))));
        assert!(matches!(parse_submit(br#"["0a0b"]"#), Err(RequestError::Json(_))));
        assert!(matches!(parse_submit(br#"{"tx":"zz"}"#), Err(RequestError::Hex { what: "tx", .. })));
        let c = "ab".repeat(32);
        let v = parse_view(format!(r#"{{"contract":"{c}","method":"m"}}"#).as_bytes()).unwrap();
        assert_eq!((v.contract, v.method.as_str(), v.args.len()), (Address([0xab; 32]), "m", 0));
        assert_eq!(parse_view(br#"{"contract":"ab","method":"m"}"#), Err(RequestError::Hex32("contract")));
        assert_eq!(parse_height("-1"), Err(RequestError::Height));
        assert!(matches!(
            parse_view(format!(r#"{{"contract":"{c}","method":"m","arg":"00"}}"#).as_bytes()),
            Err(RequestError::Json(_))
        ));
    }
}
