//! One error type for everything the page can get wrong; JavaScript sees its
//! message (a thrown `Error`).

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{what} must be hex: {source}")]
    Hex { what: &'static str, source: hex::FromHexError },
    #[error("{what} must be {expected} bytes, found {found}")]
    Length { what: &'static str, expected: usize, found: usize },
    #[error("not a key: give the 64 hex characters of an ed25519 secret key, or an exported key file")]
    NotAKey,
    #[error("malformed JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Abi(#[from] procura_abi::AbiError),
    #[error("the proof does not decode: {0}")]
    ProofEncoding(std::io::Error),
    #[error("the proof is for another key than the one asked for")]
    ProofKey,
    #[error("the proof does not verify against state root {root}: {reason}")]
    ProofInvalid { root: String, reason: String },
}
