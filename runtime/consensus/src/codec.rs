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

fn decided_wire(value_bytes: Vec<u8>, c: &ExtendedCommitCertificate<Ctx>) -> DecidedWire {
    DecidedWire {
        value_bytes,
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
    }
}

fn from_decided_wire(d: DecidedWire) -> (Vec<u8>, ExtendedCommitCertificate<Ctx>) {
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
    (d.value_bytes, certificate)
}

fn to_wire(r: &Response<Ctx>) -> ResponseWire {
    let Response::ValueResponse(vr) = r;
    ResponseWire {
        start_height: vr.start_height,
        values: vr.values.iter().map(|d| decided_wire(d.value_bytes.to_vec(), &d.certificate)).collect(),
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
                let (value_bytes, certificate) = from_decided_wire(d);
                RawDecidedValue::new(Bytes::from(value_bytes), certificate)
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
    borsh::to_vec(&(CERT_VERSION, decided_wire(Vec::new(), c))).expect("encodes")
}

pub fn decode_certificate(bytes: &[u8]) -> io::Result<ExtendedCommitCertificate<Ctx>> {
    let (version, d): (u8, DecidedWire) = borsh::from_slice(bytes)?;
    if version != CERT_VERSION {
        return Err(io::Error::other(format!("certificate encoding version {version}, expected {CERT_VERSION}")));
    }
    Ok(from_decided_wire(d).1)
}

const CERT_VERSION: u8 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate() -> ExtendedCommitCertificate<Ctx> {
        ExtendedCommitCertificate {
            height: Height(7),
            round: Round::new(2),
            value_id: ValueId([5; 32]),
            commit_signatures: (0..3u8)
                .map(|i| ExtendedCommitSignature::new(Address([i; 32]), Sig([i + 10; 64]), None))
                .collect(),
        }
    }

    fn same(a: &ExtendedCommitCertificate<Ctx>, b: &ExtendedCommitCertificate<Ctx>) -> bool {
        let sigs = |c: &ExtendedCommitCertificate<Ctx>| {
            c.commit_signatures.iter().map(|s| (s.address, s.signature.clone())).collect::<Vec<_>>()
        };
        (a.height, a.round, a.value_id) == (b.height, b.round, b.value_id) && sigs(a) == sigs(b)
    }

    #[test]
    fn a_stored_certificate_decodes_to_itself_and_other_versions_are_refused() {
        let c = certificate();
        let bytes = encode_certificate(&c);
        assert!(same(&decode_certificate(&bytes).unwrap(), &c));
        let mut other = bytes.clone();
        other[0] = CERT_VERSION + 1;
        let e = decode_certificate(&other).unwrap_err();
        assert!(e.to_string().contains("version"), "{e}");
        assert!(decode_certificate(&bytes[..bytes.len() - 1]).is_err(), "a truncated certificate decodes");
    }

    #[test]
    fn a_sync_response_round_trips_with_its_length() {
        let r = Response::ValueResponse(ValueResponse::new(
            Height(7),
            vec![RawDecidedValue::new(Bytes::from_static(b"block"), certificate())],
        ));
        let bytes = BorshCodec.encode(&r).unwrap();
        assert_eq!(BorshCodec.encoded_len(&r).unwrap(), bytes.len());
        let Response::ValueResponse(back) = BorshCodec.decode(bytes).unwrap();
        assert_eq!(back.start_height, Height(7));
        assert_eq!(back.values.len(), 1);
        assert_eq!(&back.values[0].value_bytes[..], b"block");
        assert!(same(&back.values[0].certificate, &certificate()));
    }
}
