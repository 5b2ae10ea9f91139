//! Starts the Malachite engine for one validator and answers its messages
//! through a [`BlockApp`]. Two rules keep a crash from leaving a hole:
//! an undecided proposal is on disk before the engine hears of it (the WAL
//! replays it), and the engine moves past a height only once the app has
//! committed that height.

use crate::app::{BlockApp, Halt};
use crate::codec::{self, BorshCodec};
use crate::config::{multiaddr, PeerConfig};
use crate::ctx::{Address, Ctx, Ed25519Signer, Ed25519Verifier, Height, ProposalPart, PublicKey, ValidatorSet, Value};
use crate::store::Store;
use bytes::Bytes;
use ed25519_dalek::SigningKey;
use malachitebft_app::config::{ConsensusConfig, NodeConfig, P2pConfig, ValueSyncConfig};
use malachitebft_app::streaming::StreamContent;
use malachitebft_app::types::streaming::{StreamId, StreamMessage};
use malachitebft_app::types::sync::RawDecidedValue;
use malachitebft_app::types::{Keypair, LocallyProposedValue, ProposedValue};
use malachitebft_app_channel::app::engine::host::{Next, SyncedValueOutcome};
use malachitebft_app_channel::{
    AppMsg, Channels, ConsensusContext, EngineHandle, NetworkContext, NetworkIdentity, NetworkMsg, RequestContext,
    Signer as _, SyncContext, WalContext,
};
use malachitebft_codec::Codec as _;
use malachitebft_core_types::{ExtendedCommitCertificate, HeightParams, LinearTimeouts, Round, Validity, Value as _};
use std::path::Path;
use std::time::{Duration, Instant};
use tracing::{error, info, warn};

#[derive(Clone, Debug)]
struct EngineConfig {
    moniker: String,
    consensus: ConsensusConfig,
    value_sync: ValueSyncConfig,
}

impl NodeConfig for EngineConfig {
    fn moniker(&self) -> &str {
        &self.moniker
    }
    fn consensus(&self) -> &ConsensusConfig {
        &self.consensus
    }
    fn consensus_mut(&mut self) -> &mut ConsensusConfig {
        &mut self.consensus
    }
    fn value_sync(&self) -> &ValueSyncConfig {
        &self.value_sync
    }
    fn value_sync_mut(&mut self) -> &mut ValueSyncConfig {
        &mut self.value_sync
    }
}

/// A started validator: the engine's actors and the task answering them.
pub struct Running {
    /// Ends with `Err` when the app halted (a decided block it cannot commit).
    pub task: tokio::task::JoinHandle<anyhow::Result<()>>,
    engine: EngineHandle,
}

impl Running {
    /// Stops the engine and the app task (tests; a node process just exits).
    pub fn stop(&self) {
        self.engine.actor.stop(None);
        self.task.abort();
    }
}

/// Starts a validator with its consensus files (WAL, pending proposals,
/// certificates) in `home`, signing with `key`.
pub async fn start<A: BlockApp>(home: &Path, key: SigningKey, peers: &PeerConfig, app: A) -> anyhow::Result<Running> {
    start_with(home, key, peers, app, false).await
}

/// [`start`]; `byzantine` (feature `byzantine`, tests only) makes this
/// validator equivocate: it signs a conflicting proposal and a conflicting
/// vote beside every honest one.
pub async fn start_with<A: BlockApp>(
    home: &Path,
    key: SigningKey,
    peers: &PeerConfig,
    app: A,
    byzantine: bool,
) -> anyhow::Result<Running> {
    let pk = PublicKey(key.verifying_key().to_bytes());
    let me = Address::from_public_key(&pk);
    let config = EngineConfig {
        moniker: format!("procura-{me}"),
        consensus: ConsensusConfig {
            p2p: P2pConfig {
                listen_addr: multiaddr(&peers.listen).parse()?,
                persistent_peers: peers.peers.iter().map(|p| multiaddr(p).parse()).collect::<Result<_, _>>()?,
                ..Default::default()
            },
            ..Default::default()
        },
        value_sync: ValueSyncConfig::default(),
    };
    // The libp2p identity comes from the same secret; the validator proof
    // binds the peer id to the consensus key.
    let keypair = Keypair::ed25519_from_bytes(key.to_bytes())?;
    let peer_id = keypair.public().to_peer_id();
    let signer = Ed25519Signer(key.clone());
    let proof = signer.sign_validator_proof(pk.0.to_vec(), peer_id.to_bytes()).await?;
    let proof_bytes = BorshCodec.encode(&proof)?;
    let identity = NetworkIdentity::new_validator(config.moniker.clone(), keypair, me.to_string(), proof_bytes);
    std::fs::create_dir_all(home.join("wal"))?;
    let (store, pending) = Store::open(home)?;
    let wal = WalContext::new(home.join("wal").join("consensus.wal"), BorshCodec);
    let consensus = ConsensusContext::new_validator(me, Box::new(Ed25519Verifier), Box::new(signer));
    let (channels, engine) = if byzantine {
        start_byzantine(config, wal, identity, consensus, key.clone(), me).await?
    } else {
        malachitebft_app_channel::start_engine(
            Ctx,
            config,
            wal,
            NetworkContext::new(identity, BorshCodec),
            consensus,
            SyncContext::new(BorshCodec),
            RequestContext::new(100),
        )
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the consensus engine: {e}"))?
    };
    let mut timeouts = LinearTimeouts::default();
    timeouts.propose = peers.propose_timeout();
    let driver = Driver { me, app, store, pending, early: Vec::new(), timeouts, idle: peers.idle_block() };
    let task = tokio::spawn(driver.run(channels));
    Ok(Running { task, engine })
}

#[cfg(feature = "byzantine")]
async fn start_byzantine(
    config: EngineConfig,
    wal: WalContext<BorshCodec>,
    identity: NetworkIdentity,
    consensus: ConsensusContext<Ctx>,
    key: SigningKey,
    me: Address,
) -> anyhow::Result<(Channels<Ctx>, EngineHandle)> {
    use malachitebft_engine_byzantine::{ByzantineConfig, Trigger};
    warn!("BYZANTINE validator {me}: equivocating every proposal and vote");
    let byz = malachitebft_app_channel::ByzantineContext {
        identity,
        codec: BorshCodec,
        config: ByzantineConfig {
            equivocate_votes: Trigger::Always,
            equivocate_proposals: Trigger::Always,
            ..Default::default()
        },
        signer: Box::new(Ed25519Signer(key)),
        address: me,
        conflicting_value_fn: Some(Box::new(|v: &Value| Value { bytes: [&v.bytes[..], b"-evil"].concat() })),
        conflicting_vote_value_fn: Some(Box::new(|_| crate::ctx::ValueId([0xee; 32]))),
    };
    malachitebft_app_channel::EngineBuilder::new(Ctx, config)
        .with_default_wal(wal)
        .with_byzantine_network(byz)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_default_sync(SyncContext::new(BorshCodec))
        .with_default_consensus(consensus)
        .with_default_request(RequestContext::new(100))
        .build()
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the consensus engine: {e}"))
}

#[cfg(not(feature = "byzantine"))]
async fn start_byzantine(
    _: EngineConfig,
    _: WalContext<BorshCodec>,
    _: NetworkIdentity,
    _: ConsensusContext<Ctx>,
    _: SigningKey,
    _: Address,
) -> anyhow::Result<(Channels<Ctx>, EngineHandle)> {
    anyhow::bail!("this procura-validator was built without the `byzantine` feature")
}

struct Driver<A> {
    me: Address,
    app: A,
    store: Store,
    /// Validated proposals for undecided heights, ours and received.
    pending: Vec<ProposedValue<Ctx>>,
    /// Parts for heights beyond head + 1: they cannot be re-executed yet;
    /// they are validated when their round starts.
    early: Vec<ProposalPart>,
    timeouts: LinearTimeouts,
    idle: Duration,
}

/// Runs an app call that may execute a block off the async reactor.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

impl<A: BlockApp> Driver<A> {
    fn params(&self) -> HeightParams<Ctx> {
        HeightParams::new(ValidatorSet::from_keys(&self.app.validators()), self.timeouts, None)
    }

    /// Durable first (the WAL may replay it), then known.
    fn remember(&mut self, pv: ProposedValue<Ctx>) -> anyhow::Result<()> {
        if !self.pending.iter().any(|p| p.height == pv.height && p.round == pv.round && p.value == pv.value) {
            self.store.save_pending(&pv)?;
            self.pending.push(pv);
        }
        Ok(())
    }

    fn seen(&self, h: Height, r: Round) -> Vec<ProposedValue<Ctx>> {
        self.pending.iter().filter(|p| p.height == h && p.round == r).cloned().collect()
    }

    fn verdict(&mut self, part: &ProposalPart) -> ProposedValue<Ctx> {
        let (height, bytes) = (part.height.0, &part.value.bytes);
        // Validity belongs to the value: one judged before at this height
        // keeps its verdict (the engine requires that the app never change
        // its mind, and it saves a re-execution).
        let known = self.pending.iter().find(|p| p.height == part.height && p.value == part.value).map(|p| p.validity);
        // A re-proposal (valid_round set) carries the block an earlier
        // round's proposer built: any validator may be its builder, not
        // only this round's proposer.
        let builder = (part.valid_round == Round::Nil).then_some(part.proposer.0);
        let validity = known.unwrap_or_else(|| match blocking(|| self.app.validate(height, builder.as_ref(), bytes)) {
            Ok(()) => Validity::Valid,
            Err(why) => {
                warn!(height, proposer = %part.proposer, "invalid proposal: {why}");
                Validity::Invalid
            }
        });
        ProposedValue {
            height: part.height,
            round: part.round,
            valid_round: part.valid_round,
            proposer: part.proposer,
            value: part.value.clone(),
            validity,
        }
    }

    async fn publish(&self, ch: &Channels<Ctx>, part: ProposalPart) -> anyhow::Result<()> {
        let mut id = part.height.0.to_be_bytes().to_vec();
        id.extend_from_slice(&part.round.as_i64().to_be_bytes());
        let id = StreamId::new(Bytes::from(id));
        for msg in [
            StreamMessage::new(id.clone(), 0, StreamContent::Data(part)),
            StreamMessage::new(id, 1, StreamContent::Fin),
        ] {
            ch.network.send(NetworkMsg::PublishProposalPart(msg)).await?;
        }
        Ok(())
    }

    /// Our block for (h, r): the one already built if asked again (after a
    /// restart the WAL may ask), else a new one once there is work or the
    /// idle wait has passed.
    async fn propose(&mut self, height: Height, round: Round, timeout: Duration) -> anyhow::Result<Value> {
        if let Some(p) = self.seen(height, round).into_iter().find(|p| p.proposer == self.me) {
            return Ok(p.value);
        }
        let deadline = Instant::now() + self.idle.min(timeout / 2);
        while !self.app.has_work() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let bytes = blocking(|| self.app.propose(height.0))?;
        let value = Value { bytes };
        self.remember(ProposedValue {
            height,
            round,
            valid_round: Round::Nil,
            proposer: self.me,
            value: value.clone(),
            validity: Validity::Valid,
        })?;
        Ok(value)
    }

    /// Commits the decided value through the app; the certificate is
    /// durable first, so a committed block always has one to serve.
    fn commit(&mut self, cert: ExtendedCommitCertificate<Ctx>) -> Result<bool, Halt> {
        let h = cert.height;
        let Some(p) = self.pending.iter().find(|p| p.height == h && p.value.id() == cert.value_id).cloned() else {
            error!(height = h.0, "decided value {} is unknown here; will re-sync it", cert.value_id);
            return Ok(false);
        };
        let cert_bytes = codec::encode_certificate(&cert);
        self.store
            .save_certificate(h.0, &cert_bytes)
            .map_err(|e| Halt { height: h.0, reason: format!("cannot store the commit certificate: {e}") })?;
        blocking(|| self.app.commit(h.0, &p.value.bytes, &cert_bytes))?;
        self.pending.retain(|p| p.height > h);
        self.early.retain(|p| p.height > h);
        self.store.prune_pending(h.0);
        Ok(true)
    }

    async fn run(mut self, mut ch: Channels<Ctx>) -> anyhow::Result<()> {
        while let Some(msg) = ch.consensus.recv().await {
            match msg {
                AppMsg::ConsensusReady { reply } => {
                    let start = self.app.head() + 1;
                    info!(start, "consensus ready");
                    let _ = reply.send((Height(start), self.params()));
                }
                AppMsg::StartedRound { height, round, reply_value, .. } => {
                    // Parts that came before we could execute them.
                    let (now, later): (Vec<_>, Vec<_>) =
                        std::mem::take(&mut self.early).into_iter().partition(|p| p.height == height);
                    self.early = later;
                    for part in now {
                        let pv = self.verdict(&part);
                        self.remember(pv)?;
                    }
                    let _ = reply_value.send(self.seen(height, round));
                }
                AppMsg::GetValue { height, round, timeout, reply } => {
                    match self.propose(height, round, timeout).await {
                        Ok(value) => {
                            let _ = reply.send(LocallyProposedValue::new(height, round, value.clone()));
                            let part =
                                ProposalPart { height, round, valid_round: Round::Nil, proposer: self.me, value };
                            self.publish(&ch, part).await?;
                        }
                        // No reply: the round times out and the others vote nil.
                        Err(e) => error!(height = height.0, "cannot build a block: {e:#}"),
                    }
                }
                AppMsg::ExtendVote { reply, .. } => {
                    let _ = reply.send(None);
                }
                AppMsg::VerifyVoteExtensions { extensions, reply, .. } => {
                    let _ = reply.send(extensions.into_iter().map(|(a, _)| (a, Ok(()))).collect());
                }
                AppMsg::RestreamProposal { height, round, valid_round, address, value_id } => {
                    let r = if valid_round == Round::Nil { round } else { valid_round };
                    let found =
                        self.pending.iter().find(|p| p.height == height && p.round == r && p.value.id() == value_id);
                    if let Some(p) = found.cloned() {
                        let part = ProposalPart { height, round, valid_round, proposer: address, value: p.value };
                        self.publish(&ch, part).await?;
                    }
                }
                AppMsg::GetHistoryMinHeight { reply } => {
                    let _ = reply.send(Height(1));
                }
                AppMsg::ReceivedProposalPart { part, reply, .. } => {
                    let pv = match part.content {
                        StreamContent::Data(p) if p.height.0 == self.app.head() + 1 => {
                            let pv = self.verdict(&p);
                            self.remember(pv.clone())?;
                            Some(pv)
                        }
                        StreamContent::Data(p) if p.height.0 > self.app.head() + 1 => {
                            self.early.push(p);
                            None
                        }
                        _ => None,
                    };
                    let _ = reply.send(pv);
                }
                AppMsg::Decided { certificate, extensions, reply } => {
                    let ext =
                        ExtendedCommitCertificate::from_commit_certificate_and_extensions(certificate, extensions);
                    let height = ext.height.0;
                    if height > self.app.head() {
                        if let Err(halt) = self.commit(ext) {
                            error!("{halt}");
                            return Err(halt.into());
                        }
                    }
                    let _ = reply.send(());
                }
                AppMsg::Finalized { certificate, reply, .. } => {
                    let h = certificate.height;
                    // Never move past a height that is not committed here.
                    let next = if self.app.head() >= h.0 {
                        Next::Start(Height(h.0 + 1), self.params())
                    } else {
                        Next::Restart(h, self.params())
                    };
                    let _ = reply.send(next);
                }
                AppMsg::GetDecidedValues { range, reply } => {
                    let head = self.app.head();
                    let (from, to) = (range.start().0.max(1), range.end().0.min(head));
                    let values = (from..=to)
                        .map_while(|h| {
                            let block = self.app.block(h)?;
                            let cert = codec::decode_certificate(&self.store.certificate(h)?).ok()?;
                            Some(RawDecidedValue::new(Bytes::from(block), cert))
                        })
                        .collect();
                    let _ = reply.send(values);
                }
                AppMsg::ProcessSyncedValue { height, round, proposer, value_bytes, reply } => {
                    let outcome = if height.0 != self.app.head() + 1 {
                        SyncedValueOutcome::LocalTransientError
                    } else {
                        let part = ProposalPart {
                            height,
                            round,
                            valid_round: Round::Nil,
                            proposer,
                            value: Value { bytes: value_bytes.to_vec() },
                        };
                        let pv = self.verdict(&part);
                        self.remember(pv.clone())?;
                        SyncedValueOutcome::Verdict(pv)
                    };
                    let _ = reply.send(outcome);
                }
            }
        }
        Ok(())
    }
}
