//! A contract's ABI in the page: read from the module's custom sections
//! (the code the page fetched with a proof), then procura-abi's Borsh ⇄ JSON
//! codec for call arguments, results, state values and events.

use crate::{hexutil, WebError};
use procura_abi::ContractAbi;
use serde_json::{json, Value};

pub fn from_wasm(code: &[u8]) -> Result<ContractAbi, WebError> {
    Ok(ContractAbi::from_wasm(code)?)
}

pub fn encode_args(abi: &ContractAbi, method: &str, args_json: &str) -> Result<String, WebError> {
    Ok(hex::encode(abi.encode_args(method, &serde_json::from_str(args_json)?)?))
}

pub fn decode(abi: &ContractAbi, ty: &str, hex_value: &str) -> Result<Value, WebError> {
    Ok(abi.decode(ty, &hexutil::bytes("value", hex_value)?)?)
}

pub fn decode_return(abi: &ContractAbi, method: &str, hex_value: &str) -> Result<Value, WebError> {
    Ok(abi.decode_return(method, &hexutil::bytes("return data", hex_value)?)?)
}

/// The methods as JSON, for forms and listings.
pub fn methods(abi: &ContractAbi) -> Value {
    json!(abi
        .methods
        .iter()
        .map(|m| json!({
            "name": m.name,
            "kind": m.kind,
            "args": m.args.iter().map(|a| json!({"name": a.name, "type": a.ty})).collect::<Vec<_>>(),
            "returns": m.returns,
        }))
        .collect::<Vec<_>>())
}
