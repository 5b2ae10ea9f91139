//! Building and signing a contract call exactly as the node's CLI does:
//! procura-chain's own `Transaction`, so encoding, signature and hash match.

use crate::{hexutil, keys, WebError};
use procura_chain::{Action, Transaction};
use procura_primitives::Address;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct SignedCall {
    /// The Borsh-encoded signed transaction, hex: the body of `POST /v1/tx`.
    pub tx: String,
    /// sha256 of `tx`: what `GET /v1/tx/{hash}` takes.
    pub hash: String,
    pub signer: String,
    pub sender: String,
}

pub struct CallSpec<'a> {
    pub chain_id: &'a str,
    pub nonce: u64,
    pub gas_limit: u64,
    pub contract_hex: &'a str,
    pub method: &'a str,
    pub args_hex: &'a str,
}

pub fn sign_call(secret_hex: &str, call: &CallSpec<'_>) -> Result<SignedCall, WebError> {
    let key = keys::signing_key(secret_hex)?;
    let tx = Transaction {
        chain_id: call.chain_id.into(),
        signer: key.verifying_key().to_bytes(),
        nonce: call.nonce,
        gas_limit: call.gas_limit,
        action: Action::Call {
            contract: Address(hexutil::array::<32>("contract", call.contract_hex)?),
            method: call.method.into(),
            args: hexutil::bytes("args", call.args_hex)?,
        },
    };
    let sender = tx.sender().to_hex();
    let signed = tx.sign(&key);
    Ok(SignedCall {
        tx: hex::encode(signed.encode()),
        hash: hex::encode(signed.hash()),
        signer: hex::encode(signed.tx.signer),
        sender,
    })
}
