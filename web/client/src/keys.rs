//! ed25519 keys as the page keeps them: the secret key never leaves the
//! browser; it is exported as a small JSON file the bidder saves.

use crate::{hexutil, WebError};
use ed25519_dalek::SigningKey;
use procura_chain::account_address;
use serde::{Deserialize, Serialize};

/// What an exported key file holds; `public_key` and `address` are there for
/// people and are recomputed (never trusted) on import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    pub kind: String,
    pub secret_key: String,
    pub public_key: String,
    pub address: String,
}

pub const KEY_FILE_KIND: &str = "procura-ed25519-key";

pub fn signing_key(secret_hex: &str) -> Result<SigningKey, WebError> {
    Ok(SigningKey::from_bytes(&hexutil::array::<32>("secret key", secret_hex)?))
}

/// The key file of a 32-byte seed (from the browser's CSPRNG, or imported).
pub fn key_file(seed: &[u8; 32]) -> KeyFile {
    let key = SigningKey::from_bytes(seed);
    let public = key.verifying_key().to_bytes();
    KeyFile {
        kind: KEY_FILE_KIND.into(),
        secret_key: hex::encode(seed),
        public_key: hex::encode(public),
        address: account_address(&public).to_hex(),
    }
}

/// Accepts an exported key file or the bare hex of a secret key.
pub fn import(text: &str) -> Result<KeyFile, WebError> {
    let text = text.trim();
    let secret = if text.starts_with('{') {
        let file: KeyFile = serde_json::from_str(text)?;
        if file.kind != KEY_FILE_KIND {
            return Err(WebError::NotAKey);
        }
        file.secret_key
    } else {
        text.to_string()
    };
    let seed = hexutil::array::<32>("secret key", &secret).map_err(|_| WebError::NotAKey)?;
    Ok(key_file(&seed))
}
