//! Hex in, bytes out, with the field named in the error.

use crate::WebError;

pub fn bytes(what: &'static str, s: &str) -> Result<Vec<u8>, WebError> {
    hex::decode(s.trim().trim_start_matches("0x")).map_err(|source| WebError::Hex { what, source })
}

pub fn array<const N: usize>(what: &'static str, s: &str) -> Result<[u8; N], WebError> {
    let v = bytes(what, s)?;
    let found = v.len();
    v.try_into().map_err(|_| WebError::Length { what, expected: N, found })
}
