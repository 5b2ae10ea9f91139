//! The Malachite `Context`: what heights, validators, values, proposals and
//! votes are for Procura. ed25519 keys (ed25519-dalek, as transactions and
//! block headers use), Borsh sign bytes with a domain tag, a round-robin
//! proposer over the validator set sorted by key. A value is an opaque
//! encoded block: the engine never looks inside, the node does.

use std::fmt;

use async_trait::async_trait;
use borsh::{BorshDeserialize, BorshSerialize};
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

use malachitebft_core_types as core;
use malachitebft_core_types::{
    LinearTimeouts, NilOrVal, Round, SignedExtension, SignedMessage, ValidatorProof, VoteExtensionScope, VoteType,
    VotingPower,
};
use malachitebft_signing::{Error as SignError, Signer, VerificationResult, Verifier};

// ---------------------------------------------------------------- primitives

#[derive(Copy, Clone, Default, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Height(pub u64);

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl core::Height for Height {
    const ZERO: Self = Height(0);
    const INITIAL: Self = Height(1);
    fn increment_by(&self, n: u64) -> Self {
        Height(self.0 + n)
    }
    fn decrement_by(&self, n: u64) -> Option<Self> {
        self.0.checked_sub(n).map(Height)
    }
    fn as_u64(&self) -> u64 {
        self.0
    }
}

/// A validator's address is its ed25519 public key: Procura's validator
/// set (genesis or governance) is a list of keys, so no mapping is needed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Address(pub [u8; 32]);

impl Address {
    pub fn from_public_key(pk: &PublicKey) -> Self {
        Address(pk.0)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &hex::encode(self.0)[..16])
    }
}

impl core::Address for Address {}

// ---------------------------------------------------------------- signing

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ed25519Scheme;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize)]
pub struct Sig(pub [u8; 64]);

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct PublicKey(pub [u8; 32]);

#[derive(Clone)]
pub struct PrivateKey(pub SigningKey);

impl core::SigningScheme for Ed25519Scheme {
    type DecodingError = String;
    type Signature = Sig;
    type PublicKey = PublicKey;
    type PrivateKey = PrivateKey;

    fn decode_signature(bytes: &[u8]) -> Result<Sig, String> {
        <[u8; 64]>::try_from(bytes).map(Sig).map_err(|e| e.to_string())
    }
    fn encode_signature(signature: &Sig) -> Vec<u8> {
        signature.0.to_vec()
    }
    fn decode_public_key(bytes: &[u8]) -> Result<PublicKey, String> {
        <[u8; 32]>::try_from(bytes).map(PublicKey).map_err(|e| e.to_string())
    }
    fn encode_public_key(pk: &PublicKey) -> Vec<u8> {
        pk.0.to_vec()
    }
}

// ---------------------------------------------------------------- validators

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validator {
    pub address: Address,
    pub public_key: PublicKey,
    pub voting_power: VotingPower,
}

impl core::Validator<Ctx> for Validator {
    fn address(&self) -> &Address {
        &self.address
    }
    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
    fn voting_power(&self) -> VotingPower {
        self.voting_power
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorSet {
    /// Sorted by address, so every node derives the same proposer order.
    pub validators: Vec<Validator>,
}

impl ValidatorSet {
    pub fn new(mut validators: Vec<Validator>) -> Self {
        validators.sort_by(|a, b| a.address.cmp(&b.address));
        validators.dedup_by(|a, b| a.address == b.address);
        Self { validators }
    }

    /// One vote each: every agency's validator weighs the same.
    pub fn from_keys(keys: &[[u8; 32]]) -> Self {
        Self::new(
            keys.iter()
                .map(|k| Validator { address: Address(*k), public_key: PublicKey(*k), voting_power: 1 })
                .collect(),
        )
    }
}

impl core::ValidatorSet<Ctx> for ValidatorSet {
    fn count(&self) -> usize {
        self.validators.len()
    }
    fn total_voting_power(&self) -> VotingPower {
        self.validators.iter().map(|v| v.voting_power).sum()
    }
    fn get_by_address(&self, address: &Address) -> Option<&Validator> {
        self.validators.iter().find(|v| &v.address == address)
    }
    fn get_by_index(&self, index: usize) -> Option<&Validator> {
        self.validators.get(index)
    }
}

// ---------------------------------------------------------------- value, proposal, vote

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct ValueId(pub [u8; 32]);

impl fmt::Display for ValueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &hex::encode(self.0)[..12])
    }
}

/// A proposed block, Borsh-encoded by the node. Its id hashes every byte, so
/// a vote for the id is a vote for exactly this block.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize)]
pub struct Value {
    pub bytes: Vec<u8>,
}

impl core::Value for Value {
    type Id = ValueId;
    fn id(&self) -> ValueId {
        let mut h = Sha256::new();
        h.update(b"procura-value");
        h.update(&self.bytes);
        ValueId(h.finalize().into())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Proposal {
    pub height: Height,
    pub round: Round,
    pub value: Value,
    pub pol_round: Round,
    pub proposer: Address,
}

impl core::Proposal<Ctx> for Proposal {
    fn height(&self) -> Height {
        self.height
    }
    fn round(&self) -> Round {
        self.round
    }
    fn value(&self) -> &Value {
        &self.value
    }
    fn take_value(self) -> Value {
        self.value
    }
    fn pol_round(&self) -> Round {
        self.pol_round
    }
    fn validator_address(&self) -> &Address {
        &self.proposer
    }
}

/// One part carries the whole block: blocks stay far below the gossip
/// message cap (4 MiB); chunking can come when they do not.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ProposalPart {
    pub height: Height,
    pub round: Round,
    pub valid_round: Round,
    pub proposer: Address,
    pub value: Value,
}

impl core::ProposalPart<Ctx> for ProposalPart {
    fn is_first(&self) -> bool {
        true
    }
    fn is_last(&self) -> bool {
        true
    }
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Vote {
    pub typ: VoteType,
    pub height: Height,
    pub round: Round,
    pub value: NilOrVal<ValueId>,
    pub validator: Address,
    pub extension: Option<SignedExtension<Ctx>>,
}

impl Vote {
    fn sign_bytes(&self) -> Vec<u8> {
        borsh::to_vec(&(b"procura-vote", self.typ, self.height, self.round, self.value, self.validator))
            .expect("encode")
    }
}

impl core::Vote<Ctx> for Vote {
    fn height(&self) -> Height {
        self.height
    }
    fn round(&self) -> Round {
        self.round
    }
    fn value(&self) -> &NilOrVal<ValueId> {
        &self.value
    }
    fn take_value(self) -> NilOrVal<ValueId> {
        self.value
    }
    fn vote_type(&self) -> VoteType {
        self.typ
    }
    fn validator_address(&self) -> &Address {
        &self.validator
    }
    fn extension(&self) -> Option<&SignedExtension<Ctx>> {
        self.extension.as_ref()
    }
    fn take_extension(&mut self) -> Option<SignedExtension<Ctx>> {
        self.extension.take()
    }
    fn extend(self, extension: SignedExtension<Ctx>) -> Self {
        Self { extension: Some(extension), ..self }
    }
}

// ---------------------------------------------------------------- context

#[derive(Clone, Debug, Default)]
pub struct Ctx;

impl core::Context for Ctx {
    type Address = Address;
    type Height = Height;
    type ProposalPart = ProposalPart;
    type Proposal = Proposal;
    type Validator = Validator;
    type ValidatorSet = ValidatorSet;
    type Timeouts = LinearTimeouts;
    type Value = Value;
    type Vote = Vote;
    type Extension = Vec<u8>;
    type SigningScheme = Ed25519Scheme;

    fn select_proposer<'a>(&self, vs: &'a ValidatorSet, height: Height, round: Round) -> &'a Validator {
        let r = round.as_u32().unwrap_or(0) as u64;
        let i = (height.0 + r) as usize % vs.validators.len();
        &vs.validators[i]
    }

    fn new_proposal(&self, height: Height, round: Round, value: Value, pol_round: Round, address: Address) -> Proposal {
        Proposal { height, round, value, pol_round, proposer: address }
    }

    fn new_prevote(&self, height: Height, round: Round, value: NilOrVal<ValueId>, address: Address) -> Vote {
        Vote { typ: VoteType::Prevote, height, round, value, validator: address, extension: None }
    }

    fn new_precommit(&self, height: Height, round: Round, value: NilOrVal<ValueId>, address: Address) -> Vote {
        Vote { typ: VoteType::Precommit, height, round, value, validator: address, extension: None }
    }
}

// ---------------------------------------------------------------- signer / verifier

fn scope_bytes(scope: &VoteExtensionScope<Ctx>, ext: &[u8]) -> Vec<u8> {
    borsh::to_vec(&(b"procura-ext", scope.height, scope.round, scope.value_id, scope.validator_address, ext))
        .expect("encode")
}

fn proposal_bytes(p: &Proposal) -> Vec<u8> {
    borsh::to_vec(&(b"procura-proposal", p)).expect("encode")
}

pub struct Ed25519Signer(pub SigningKey);

impl Ed25519Signer {
    fn sign(&self, msg: &[u8]) -> Sig {
        Sig(self.0.sign(msg).to_bytes())
    }
}

#[async_trait]
impl Signer<Ctx> for Ed25519Signer {
    async fn sign_vote(&self, vote: Vote) -> Result<SignedMessage<Ctx, Vote>, SignError> {
        let s = self.sign(&vote.sign_bytes());
        Ok(SignedMessage::new(vote, s))
    }
    async fn sign_proposal(&self, p: Proposal) -> Result<SignedMessage<Ctx, Proposal>, SignError> {
        let s = self.sign(&proposal_bytes(&p));
        Ok(SignedMessage::new(p, s))
    }
    async fn sign_vote_extension(
        &self,
        scope: VoteExtensionScope<Ctx>,
        ext: Vec<u8>,
    ) -> Result<SignedMessage<Ctx, Vec<u8>>, SignError> {
        let s = self.sign(&scope_bytes(&scope, &ext));
        Ok(SignedMessage::new(ext, s))
    }
    async fn sign_validator_proof(
        &self,
        public_key: Vec<u8>,
        peer_id: Vec<u8>,
    ) -> Result<ValidatorProof<Ctx>, SignError> {
        let s = self.sign(&ValidatorProof::<Ctx>::signing_bytes(&public_key, &peer_id));
        Ok(ValidatorProof::new(public_key, peer_id, s))
    }
}

pub struct Ed25519Verifier;

fn verify(pk: &PublicKey, msg: &[u8], sig: &Sig) -> VerificationResult {
    let ok = VerifyingKey::from_bytes(&pk.0)
        .map(|k| k.verify(msg, &ed25519_dalek::Signature::from_bytes(&sig.0)).is_ok())
        .unwrap_or(false);
    VerificationResult::from_bool(ok)
}

#[async_trait]
impl Verifier<Ctx> for Ed25519Verifier {
    async fn verify_signed_vote(
        &self,
        vote: &Vote,
        sig: &Sig,
        pk: &PublicKey,
    ) -> Result<VerificationResult, SignError> {
        Ok(verify(pk, &vote.sign_bytes(), sig))
    }
    async fn verify_signed_proposal(
        &self,
        p: &Proposal,
        sig: &Sig,
        pk: &PublicKey,
    ) -> Result<VerificationResult, SignError> {
        Ok(verify(pk, &proposal_bytes(p), sig))
    }
    async fn verify_signed_vote_extension(
        &self,
        scope: &VoteExtensionScope<Ctx>,
        ext: &Vec<u8>,
        sig: &Sig,
        pk: &PublicKey,
    ) -> Result<VerificationResult, SignError> {
        Ok(verify(pk, &scope_bytes(scope, ext), sig))
    }
    async fn verify_validator_proof(&self, proof: &ValidatorProof<Ctx>) -> Result<VerificationResult, SignError> {
        match <[u8; 32]>::try_from(proof.public_key.as_slice()) {
            Ok(pk) => Ok(verify(&PublicKey(pk), &proof.preimage(), &proof.signature)),
            Err(_) => Ok(VerificationResult::Invalid),
        }
    }
}

/// Deterministic keys for tests and the loopback cluster: validator i's
/// secret is sha256("procura-dev-validator-i"). Never for a real network.
pub fn dev_key(i: usize) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(format!("procura-dev-validator-{i}")).into();
    SigningKey::from_bytes(&seed)
}
