//! One Borsh codec for the WAL, the consensus gossip and value sync. These
//! encodings are consensus- and WAL-critical: change them only with a new
//! version tag.
//! Most engine types get Borsh impls from the crates' `borsh` features; the
//! validator proof and the sync response (its `ExtendedCommitCertificate` has no
//! Borsh impl in 0.8.2) are encoded through local mirror structs.

use std::io;

use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;

use malachitebft_app::types::streaming::StreamMessage;
use malachitebft_app::types::sync::{RawDecidedValue, Request, Response, Status};
use malachitebft_codec::{Codec, HasEncodedLen};
use malachitebft_core_consensus::{LivenessMsg, ProposedValue, SignedConsensusMsg};
use malachitebft_core_types::{
    ExtendedCommitCertificate, ExtendedCommitSignature, PolkaCertificate, Round, SignedExtension, ValidatorProof,
};
use malachitebft_sync::ValueResponse;

use crate::ctx::{Address, Ctx, Height, ProposalPart, Sig, ValueId};

#[derive(Copy, Clone, Debug, Default)]
pub struct BorshCodec;

macro_rules! borsh_codec {
    ($($t:ty),* $(,)?) => {$(
        impl Codec<$t> for BorshCodec {
            type Error = io::Error;
            fn decode(&self, bytes: Bytes) -> Result<$t, io::Error> {
                borsh::from_slice(&bytes)
            }
            fn encode(&self, msg: &$t) -> Result<Bytes, io::Error> {
                borsh::to_vec(msg).map(Bytes::from)
            }
        }
    )*};
}

borsh_codec!(
    ProposalPart,
    SignedConsensusMsg<Ctx>,
    LivenessMsg<Ctx>,
    StreamMessage<ProposalPart>,
    ProposedValue<Ctx>,
    PolkaCertificate<Ctx>,
    Status<Ctx>,
    Request<Ctx>,
);

#[derive(BorshSerialize, BorshDeserialize)]
struct ProofWire {
    public_key: Vec<u8>,
    peer_id: Vec<u8>,
    signature: Sig,
}

impl Codec<ValidatorProof<Ctx>> for BorshCodec {
    type Error = io::Error;
    fn decode(&self, bytes: Bytes) -> Result<ValidatorProof<Ctx>, io::Error> {
        let w: ProofWire = borsh::from_slice(&bytes)?;
        Ok(ValidatorProof::new(w.public_key, w.peer_id, w.signature))
    }
    fn encode(&self, p: &ValidatorProof<Ctx>) -> Result<Bytes, io::Error> {
        let w =
            ProofWire { public_key: p.public_key.clone(), peer_id: p.peer_id.clone(), signature: p.signature.clone() };
        borsh::to_vec(&w).map(Bytes::from)
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
struct CommitSigWire {
    address: Address,
    signature: Sig,
    extension: Option<SignedExtension<Ctx>>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct DecidedWire {
    value_bytes: Vec<u8>,
    height: Height,
    round: Round,
    value_id: ValueId,
    sigs: Vec<CommitSigWire>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct ResponseWire {
    start_height: Height,
    values: Vec<DecidedWire>,
}

fn to_wire(r: &Response<Ctx>) -> ResponseWire {
    let Response::ValueResponse(vr) = r;
    ResponseWire {
        start_height: vr.start_height,
        values: vr
            .values
            .iter()
            .map(|d| DecidedWire {
                value_bytes: d.value_bytes.to_vec(),
                height: d.certificate.height,
                round: d.certificate.round,
                value_id: d.certificate.value_id,
                sigs: d
                    .certificate
                    .commit_signatures
                    .iter()
                    .map(|s| CommitSigWire {
                        address: s.address,
                        signature: s.signature.clone(),
                        extension: s.extension.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

impl Codec<Response<Ctx>> for BorshCodec {
    type Error = io::Error;
    fn decode(&self, bytes: Bytes) -> Result<Response<Ctx>, io::Error> {
        let w: ResponseWire = borsh::from_slice(&bytes)?;
        let values = w
            .values
            .into_iter()
            .map(|d| {
                let certificate = ExtendedCommitCertificate {
                    height: d.height,
                    round: d.round,
                    value_id: d.value_id,
                    commit_signatures: d
                        .sigs
                        .into_iter()
                        .map(|s| ExtendedCommitSignature::new(s.address, s.signature, s.extension))
                        .collect(),
                };
                RawDecidedValue::new(Bytes::from(d.value_bytes), certificate)
            })
            .collect();
        Ok(Response::ValueResponse(ValueResponse::new(w.start_height, values)))
    }
    fn encode(&self, r: &Response<Ctx>) -> Result<Bytes, io::Error> {
        borsh::to_vec(&to_wire(r)).map(Bytes::from)
    }
}

impl HasEncodedLen<Response<Ctx>> for BorshCodec {
    fn encoded_len(&self, r: &Response<Ctx>) -> Result<usize, io::Error> {
        borsh::object_length(&to_wire(r))
    }
}

/// A commit certificate as stored beside each decided block (`store.rs`)
/// and handed to the node: the decided round, value id and 2f+1 signatures.
pub fn encode_certificate(c: &ExtendedCommitCertificate<Ctx>) -> Vec<u8> {
    let w = DecidedWire {
        value_bytes: Vec::new(),
        height: c.height,
        round: c.round,
        value_id: c.value_id,
        sigs: c
            .commit_signatures
            .iter()
            .map(|s| CommitSigWire {
                address: s.address,
                signature: s.signature.clone(),
                extension: s.extension.clone(),
            })
            .collect(),
    };
    borsh::to_vec(&(CERT_VERSION, w)).expect("encodes")
}

pub fn decode_certificate(bytes: &[u8]) -> io::Result<ExtendedCommitCertificate<Ctx>> {
    let (version, d): (u8, DecidedWire) = borsh::from_slice(bytes)?;
    if version != CERT_VERSION {
        return Err(io::Error::other(format!("certificate encoding version {version}, expected {CERT_VERSION}")));
    }
    Ok(ExtendedCommitCertificate {
        height: d.height,
        round: d.round,
        value_id: d.value_id,
        commit_signatures: d
            .sigs
            .into_iter()
            .map(|s| ExtendedCommitSignature::new(s.address, s.signature, s.extension))
            .collect(),
    })
}

const CERT_VERSION: u8 = 1;
