//! The JavaScript surface (wasm-bindgen). Values cross as hex strings and
//! JSON text (JavaScript parses it), u64s as BigInt; every failure throws an
//! `Error` carrying the `WebError` message.

use crate::{abi, bid, keys, proof, statekeys, tx, WebError};
use procura_abi::ContractAbi;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The browser's (or Node's) CSPRNG: `globalThis.crypto`.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn fill_random(buf: &mut [u8]);
}

fn random32() -> [u8; 32] {
    let mut b = [0u8; 32];
    fill_random(&mut b);
    b
}

fn to_json(v: &impl serde::Serialize) -> Result<String, JsError> {
    serde_json::to_string(v).map_err(|e| WebError::Json(e).into())
}

/// A new key from the CSPRNG, as a key file (JSON).
#[wasm_bindgen(js_name = generateKey)]
pub fn generate_key() -> Result<String, JsError> {
    to_json(&keys::key_file(&random32()))
}

/// A key file (JSON) from an exported key file or a secret key's hex.
#[wasm_bindgen(js_name = importKey)]
pub fn import_key(text: &str) -> Result<String, JsError> {
    to_json(&keys::import(text)?)
}

#[wasm_bindgen(js_name = accountAddress)]
pub fn account_address(public_key_hex: &str) -> Result<String, JsError> {
    let pk = crate::hexutil::array::<32>("public key", public_key_hex)?;
    Ok(procura_chain::account_address(&pk).to_hex())
}

/// 32 random bytes, hex: a bid's salt.
#[wasm_bindgen(js_name = randomSalt)]
pub fn random_salt() -> String {
    hex::encode(random32())
}

/// Signs a contract call; returns `{tx, hash, signer, sender}` (JSON).
#[wasm_bindgen(js_name = signCall)]
pub fn sign_call(
    secret_key_hex: &str,
    chain_id: &str,
    nonce: u64,
    gas_limit: u64,
    contract_hex: &str,
    method: &str,
    args_hex: &str,
) -> Result<String, JsError> {
    let spec = tx::CallSpec { chain_id, nonce, gas_limit, contract_hex, method, args_hex };
    to_json(&tx::sign_call(secret_key_hex, &spec)?)
}

/// Checks a state proof against a block's state root; returns
/// `{version, value}` (value hex, or null when proven absent).
#[wasm_bindgen(js_name = verifyStateProof)]
pub fn verify_state_proof(state_root_hex: &str, key_hex: &str, proof_hex: &str) -> Result<String, JsError> {
    let v = proof::verify(state_root_hex, key_hex, proof_hex)?;
    to_json(&serde_json::json!({ "version": v.version, "value": v.value.map(hex::encode) }))
}

#[wasm_bindgen(js_name = contractRecordKey)]
pub fn contract_record_key(contract_hex: &str) -> Result<String, JsError> {
    Ok(hex::encode(statekeys::contract_record(contract_hex)?))
}

#[wasm_bindgen(js_name = codeKey)]
pub fn code_key(code_hash_hex: &str) -> Result<String, JsError> {
    Ok(hex::encode(statekeys::code(code_hash_hex)?))
}

#[wasm_bindgen(js_name = storageKey)]
pub fn storage_key(contract_hex: &str, namespace: &str, map_key_hex: &str) -> Result<String, JsError> {
    Ok(hex::encode(statekeys::storage(contract_hex, namespace, map_key_hex)?))
}

/// A contract's ABI, read from its module.
#[wasm_bindgen]
pub struct Abi(ContractAbi);

#[wasm_bindgen]
impl Abi {
    #[wasm_bindgen(js_name = fromWasm)]
    pub fn from_wasm(code: &[u8]) -> Result<Abi, JsError> {
        Ok(Abi(abi::from_wasm(code)?))
    }

    #[wasm_bindgen(getter)]
    pub fn contract(&self) -> String {
        self.0.contract.clone()
    }

    pub fn methods(&self) -> Result<String, JsError> {
        to_json(&abi::methods(&self.0))
    }

    /// A JSON object of named arguments as the method's Borsh input, hex.
    #[wasm_bindgen(js_name = encodeArgs)]
    pub fn encode_args(&self, method: &str, args_json: &str) -> Result<String, JsError> {
        Ok(abi::encode_args(&self.0, method, args_json)?)
    }

    pub fn encode(&self, ty: &str, value_json: &str) -> Result<String, JsError> {
        let value = serde_json::from_str(value_json).map_err(WebError::Json)?;
        Ok(hex::encode(self.0.encode(ty, &value).map_err(WebError::Abi)?))
    }

    pub fn decode(&self, ty: &str, value_hex: &str) -> Result<String, JsError> {
        to_json(&abi::decode(&self.0, ty, value_hex)?)
    }

    #[wasm_bindgen(js_name = decodeReturn)]
    pub fn decode_return(&self, method: &str, value_hex: &str) -> Result<String, JsError> {
        to_json(&abi::decode_return(&self.0, method, value_hex)?)
    }

    /// `sha256(borsh(bid) || salt)`, hex, with `bid` encoded as `bid_type`.
    pub fn commitment(&self, bid_type: &str, bid_json: &str, salt_hex: &str) -> Result<String, JsError> {
        let bid = serde_json::from_str(bid_json).map_err(WebError::Json)?;
        Ok(hex::encode(bid::commitment(&self.0, bid_type, &bid, salt_hex)?))
    }
}
