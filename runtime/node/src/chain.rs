//! The node's chain: opens (or creates from genesis) the database, builds
//! blocks from transactions (`build`), checks blocks built elsewhere by
//! re-executing them (`check`), and commits either through `commit`, one
//! atomic batch. `apply` = check + commit. `produce_behind` executes a
//! block and leaves its state tree, header and write to the commit thread
//! while the next block executes; `produce` waits for them too.
//! `commit_behind` and `apply_behind` write on that thread as well
//! (`write_behind.rs`).

mod key_filter;
mod write_behind;

pub use write_behind::{ChainState, Written};

use crate::executor::{load, BlockContext, Executed, Executor, PendingState, Ran};
use crate::genesis::{contract_path, GenesisConfig, GOVERNANCE_CONTRACT};
use ed25519_dalek::SigningKey;
use procura_chain::block::{receipts_root, tx_root};
use procura_chain::merkle::merkle_root;
use procura_chain::{
    contract_address, AccountView, AdmissionRules, Block, BlockHeader, Receipt, SignedHeader, SignedTransaction,
};
use procura_primitives::{Address, Hash32};
use procura_state::{compute_update, Account, ContractInfo, StateKey, StateStore};
use procura_storage::{BlockCommit, Db};
use procura_vm::Vm;
use std::path::Path;
use std::sync::Arc;

/// Where the last produced block's time went (benchmarks only).
#[derive(Clone, Copy, Debug, Default)]
pub struct ProduceTimings {
    pub execute: std::time::Duration,
    /// The state-tree updates of the blocks that became durable during this
    /// call, on their commit threads.
    pub state_update: std::time::Duration,
    /// The producer's time waiting for the blocks before (the newest
    /// sealed, the one before durable) and starting this one's commit thread.
    pub commit: std::time::Duration,
    /// How long the writes that finished during this call took on their
    /// commit threads.
    pub written: std::time::Duration,
    pub parallel: crate::executor::ParallelStats,
}

pub struct Chain {
    pub last_timings: ProduceTimings,
    /// Durable state. Read state through [`Chain::state`]: the block being
    /// written, if any, is not in here yet.
    pub db: Arc<Db>,
    pub executor: Executor,
    pub rules: AdmissionRules,
    pub genesis: GenesisConfig,
    head: BlockHeader,
    /// This node's proposer key, if it produces blocks.
    key: Option<SigningKey>,
    /// The governance contract, when genesis has a `governance` section:
    /// the validator set is then read from its state, not from genesis.
    pub governance: Option<Address>,
    /// The newest committed block whose batch is still being written (or,
    /// produced behind, its header still being sealed), if any.
    in_flight: Option<write_behind::InFlight>,
    /// Produced behind: the sealed block before `in_flight`, still being
    /// written.
    writing: Option<write_behind::InFlight>,
    /// Blocks sealed on the commit thread, once durable, until
    /// [`Chain::take_sealed`] takes them.
    sealed: std::collections::VecDeque<Block>,
}

/// What [`Chain::produce_behind`] executed: the block itself is finished
/// on the commit thread ([`Chain::take_sealed`] once it is durable).
#[derive(Debug)]
pub struct Produced {
    pub height: u64,
    /// One per transaction the block holds, in order.
    pub receipts: Vec<Receipt>,
}

/// Who verifies the transaction signatures of a block being applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxSignatures {
    /// The chain checks them, on every core, before anything else.
    Check,
    /// The caller already did (the mempool at admission, the audit replay).
    Verified,
}

/// What applying a block produced.
#[derive(Debug)]
pub struct Applied {
    pub receipts: Vec<Receipt>,
    /// The plain state keys the block wrote (or removed), in key order.
    pub written: Vec<Vec<u8>>,
}

/// Why a block from elsewhere was refused. The node does not commit it.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Header(#[from] procura_chain::BlockError),
    #[error("block {height}: proposer is not a validator")]
    NotValidator { height: u64 },
    #[error("block {height}: {what} root mismatch: header says {expected}, execution gives {found}")]
    RootMismatch { height: u64, what: &'static str, expected: String, found: String },
    #[error("block {height}: transactions may use {total} gas; the block limit is {limit}")]
    GasLimit { height: u64, total: u64, limit: u64 },
    #[error("block {height}: transaction {index} is not admissible: {error}")]
    BadTx { height: u64, index: usize, error: procura_chain::AdmissionError },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// [`ApplyError::RootMismatch`] unless the root execution `found` is the
/// one the header `expected`.
pub(crate) fn same_root(height: u64, what: &'static str, expected: &Hash32, found: &Hash32) -> Result<(), ApplyError> {
    if expected == found {
        return Ok(());
    }
    Err(ApplyError::RootMismatch { height, what, expected: hex::encode(expected), found: hex::encode(found) })
}

/// A failed commit as the refusal it is: a wrong state root found on the
/// commit thread stays an [`ApplyError::RootMismatch`].
pub fn refusal(e: anyhow::Error) -> ApplyError {
    e.downcast::<ApplyError>().unwrap_or_else(ApplyError::Other)
}

/// Threads a block executes on: `PROCURA_EXEC_THREADS` (an operator's or a
/// benchmark's choice; results never depend on it), else every core but
/// one. Beside execution a node checks the next block's signatures and
/// writes the block before: on two cores a second execution thread cost
/// more than it gained (`procura bench`'s "Parallel execution" line,
/// docs/performance.md).
pub fn default_execution_threads() -> usize {
    std::env::var("PROCURA_EXEC_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or_else(|| procura_chain::cores().saturating_sub(1).max(1))
}

impl Chain {
    pub fn open(
        data_dir: &Path,
        genesis: GenesisConfig,
        contracts_dir: &Path,
        key: Option<SigningKey>,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let db = Arc::new(Db::open(&data_dir.join("db"))?);
        let vm = Vm::new(procura_vm::VmConfig {
            cache_dir: Some(data_dir.join("module-cache")),
            ..procura_vm::VmConfig::default()
        })?;
        let rules = AdmissionRules {
            chain_id: genesis.chain_id.clone(),
            block_gas_limit: genesis.block_gas_limit,
            max_tx_bytes: genesis.max_tx_bytes,
        };
        let executor = Executor { vm: Arc::new(vm), threads: default_execution_threads() };
        let governance = governance_address(&genesis, contracts_dir)?;
        let head = match db.head()? {
            Some(h) => {
                if db.genesis_config_hash()?.as_deref() != Some(genesis.hash().as_slice()) {
                    anyhow::bail!(
                        "the chain in {} was created from another genesis configuration; \
                         use the genesis file it was made with, or a new data directory",
                        data_dir.display()
                    );
                }
                db.block(h)?.ok_or_else(|| anyhow::anyhow!("head block {h} is missing"))?.header.header
            }
            None => {
                // The config hash first: a crash before genesis commits
                // leaves no head, and genesis is simply built again.
                db.set_genesis_config_hash(&genesis.hash())?;
                let block = build_genesis(&db, &executor, &genesis, contracts_dir, governance)?;
                block.header.header
            }
        };
        Ok(Chain {
            last_timings: ProduceTimings::default(),
            db,
            executor,
            rules,
            genesis,
            head,
            key,
            governance,
            in_flight: None,
            writing: None,
            sealed: Default::default(),
        })
    }

    /// Threads each block executes on (default: every core). Results do not
    /// depend on it; tests and benchmarks compare 1 with more.
    pub fn set_execution_threads(&mut self, threads: usize) {
        self.executor.threads = threads.max(1);
    }

    /// The newest block whose header is known. While a produced block is
    /// still being sealed behind, that is its parent ([`Chain::tip`]'s height
    /// is one more).
    pub fn head(&self) -> &BlockHeader {
        &self.head
    }

    pub fn genesis_hash(&self) -> anyhow::Result<Hash32> {
        Ok(self.db.block(0)?.expect("genesis is committed at open").header.hash())
    }

    /// Executes `txs` on top of the head, signs the block and commits it.
    pub fn produce(&mut self, txs: Vec<SignedTransaction>, wall_clock: u64) -> anyhow::Result<(Block, Vec<Receipt>)> {
        self.produce_with(txs, wall_clock, TxSignatures::Check)
    }

    /// [`Chain::produce`]; with [`TxSignatures::Verified`] the caller vouches
    /// that every signature was verified already (the mempool does at
    /// admission), so the proposer does not verify each one twice.
    /// [`Chain::produce_behind`], then waits until the block is durable.
    pub fn produce_with(
        &mut self,
        txs: Vec<SignedTransaction>,
        wall_clock: u64,
        signatures: TxSignatures,
    ) -> anyhow::Result<(Block, Vec<Receipt>)> {
        let produced = self.produce_behind(txs, wall_clock, signatures)?;
        let flush_started = std::time::Instant::now();
        let written = self.flush_timed()?;
        self.last_timings.commit += flush_started.elapsed();
        self.last_timings.written = written.write;
        self.last_timings.state_update = written.tree;
        let block = self.sealed.pop_back().expect("a produced block is sealed once durable");
        Ok((block, produced.receipts))
    }

    /// Executes `txs` on top of the newest block, and returns once the
    /// block's state-tree update, header (its roots and signature) and
    /// write have started on a commit thread: the caller executes the next
    /// block meanwhile, reading through this one's writes. The next call
    /// waits for this block's header (the next header needs its hash) and
    /// for the block before it to be durable, then starts the next block's
    /// tree update while this one is written; [`Chain::flush`] waits for
    /// both. Once durable, a block is the head and [`Chain::take_sealed`]
    /// returns it. If sealing or a write fails, that call returns the
    /// error, neither that block nor any after it is committed, and the
    /// head goes back to its parent. Transactions are chosen as
    /// [`Chain::build`] does.
    pub fn produce_behind(
        &mut self,
        txs: Vec<SignedTransaction>,
        wall_clock: u64,
        signatures: TxSignatures,
    ) -> anyhow::Result<Produced> {
        let key = self.proposer_key()?.clone();
        let (tip_height, tip_time) = self.tip();
        let height = tip_height + 1;
        let txs = self.admissible(self.verified(txs, signatures));
        // Block time comes from the proposer and never goes backwards.
        let time = wall_clock.max(tip_time);
        let ran = self.executor.run_block(&self.state(), &BlockContext { height, time }, &txs);
        let commit_started = std::time::Instant::now();
        let (before, below) = self.make_room()?;
        let header = BlockHeader {
            height,
            prev_hash: self.head.hash(),
            timestamp: time,
            proposer: key.verifying_key().to_bytes(),
            tx_root: [0; 32],
            state_root: [0; 32],
            receipts_root: [0; 32],
        };
        let unsealed = write_behind::Unsealed { header, key, txs };
        self.in_flight = Some(write_behind::InFlight::start_sealing(
            &self.db,
            unsealed,
            &ran.receipts,
            ran.writes,
            self.head.clone(),
            below,
        ));
        self.last_timings = ProduceTimings {
            execute: ran.execute_time,
            state_update: before.tree,
            commit: commit_started.elapsed(),
            written: before.write,
            parallel: ran.parallel,
        };
        Ok(Produced { height, receipts: ran.receipts })
    }

    /// The oldest block [`Chain::produce_behind`] sealed that is durable
    /// and not yet taken; each block once, in order.
    pub fn take_sealed(&mut self) -> Option<Block> {
        self.sealed.pop_front()
    }

    /// The proposer's half: executes `txs` on top of the head and signs the
    /// block; commits nothing. Inadmissible transactions (and those past
    /// the gas limit) are left out, as every validator would refuse them.
    pub fn build(
        &self,
        txs: Vec<SignedTransaction>,
        wall_clock: u64,
        signatures: TxSignatures,
    ) -> anyhow::Result<(Block, Executed)> {
        self.ensure_head_known()?;
        let key = self.proposer_key()?;
        let height = self.head.height + 1;
        let txs = self.admissible(self.verified(txs, signatures));
        // Block time comes from the proposer and never goes backwards.
        let time = wall_clock.max(self.head.timestamp);
        let state = self.state();
        let executed = self.executor.execute_block(&state, &state, &BlockContext { height, time }, &txs)?;
        let header = BlockHeader {
            height,
            prev_hash: self.head.hash(),
            timestamp: time,
            proposer: key.verifying_key().to_bytes(),
            tx_root: tx_root(&txs),
            state_root: executed.update.root,
            receipts_root: receipts_root(&executed.receipts),
        };
        Ok((Block { header: header.sign(key), txs }, executed))
    }

    /// This node's proposer key, if it is in the current validator set.
    fn proposer_key(&self) -> anyhow::Result<&SigningKey> {
        let key = self.key.as_ref().ok_or_else(|| anyhow::anyhow!("this node has no proposer key"))?;
        // Block production follows the validator set in state: a key that
        // governance removed stops producing.
        let me = key.verifying_key().to_bytes();
        if !self.validators()?.contains(&me) {
            anyhow::bail!(
                "this node's key {} is not in the current validator set; governance must approve \
                 AddValidator for it before it can produce blocks",
                hex::encode(me)
            );
        }
        Ok(key)
    }

    /// `txs` but those whose signature fails, unless the caller vouches
    /// for them.
    fn verified(&self, txs: Vec<SignedTransaction>, signatures: TxSignatures) -> Vec<SignedTransaction> {
        match signatures {
            TxSignatures::Verified => txs,
            TxSignatures::Check => {
                let verdicts = procura_chain::verify_all(&txs);
                txs.into_iter().zip(verdicts).filter_map(|(tx, ok)| ok.then_some(tx)).collect()
            }
        }
    }

    /// Building on, or checking against, the head needs its hash: not
    /// while a produced block is still being sealed ([`Chain::flush`] first).
    fn ensure_head_known(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            !self.is_sealing(),
            "block {} is still being sealed; flush the chain before building or checking on it",
            self.tip().0
        );
        Ok(())
    }

    /// Blocks produced behind made durable, so the head is known and at
    /// most one block is in flight again.
    fn settle(&mut self) -> anyhow::Result<()> {
        if self.is_pipelined() {
            self.flush()?;
        }
        Ok(())
    }

    /// Checks and re-executes a block from another node; commits it only if
    /// every root matches.
    pub fn apply(&mut self, block: &Block) -> Result<Vec<Receipt>, ApplyError> {
        Ok(self.apply_with(block, TxSignatures::Check)?.receipts)
    }

    /// [`Chain::apply`], also returning the plain state keys the block wrote;
    /// with [`TxSignatures::Verified`] the caller vouches that it verified
    /// every transaction signature of `block` itself. [`Chain::check`] then
    /// [`Chain::commit`].
    pub fn apply_with(&mut self, block: &Block, signatures: TxSignatures) -> Result<Applied, ApplyError> {
        let executed = self.check(block, signatures)?;
        Ok(self.commit(block, executed)?)
    }

    /// [`Chain::apply_with`], with the state tree update, the state root's
    /// comparison and the block's write on their own thread while the
    /// caller checks the next block (which needs only the block's writes);
    /// the next block's tree update starts once this one's root is
    /// confirmed, while this one is written (as [`Chain::produce_behind`]).
    /// Everything else is checked before this returns. A wrong state root
    /// is [`ApplyError::RootMismatch`] at this block's height, returned by
    /// the next call or [`Chain::flush`] (downcast it from the `anyhow`
    /// error there); the block is then not committed and the head goes
    /// back to its parent. For replays, which stop at the first mismatch.
    pub fn apply_behind(&mut self, block: &Block, signatures: TxSignatures) -> Result<Applied, ApplyError> {
        if self.is_sealing() {
            // A block produced here: its header is this one's parent.
            self.flush().map_err(refusal)?;
        }
        let h = &block.header.header;
        let checked = self.check_but_state_root(block, signatures).and_then(|ran| {
            same_root(h.height, "receipts", &h.receipts_root, &receipts_root(&ran.receipts))?;
            Ok(ran)
        });
        // The block before must have the right state root (this one's tree
        // update reads through it while it is written), and the one before
        // that must be durable. Their refusals come first: this block may
        // fail only because it is wrong.
        let (_, below) = self.make_room().map_err(refusal)?;
        let ran = checked?;
        let parent = self.head.clone();
        let in_flight =
            write_behind::InFlight::start_rooting(&self.db, block, &ran.receipts, ran.writes, parent, below);
        let written = in_flight.written_keys();
        self.in_flight = Some(in_flight);
        self.head = h.clone();
        Ok(Applied { receipts: ran.receipts, written })
    }

    /// The validator's half: checks a block against the head (linkage,
    /// proposer, gas, admission of every transaction), re-executes it and
    /// compares every root with its header. Commits nothing.
    pub fn check(&self, block: &Block, signatures: TxSignatures) -> Result<Executed, ApplyError> {
        self.ensure_head_known()?;
        let h = &block.header.header;
        let executed = self.check_but_state_root(block, signatures)?.update_tree(&self.state(), h.height)?;
        same_root(h.height, "state", &h.state_root, &executed.update.root)?;
        same_root(h.height, "receipts", &h.receipts_root, &receipts_root(&executed.receipts))?;
        Ok(executed)
    }

    /// Everything [`Chain::check`] checks before the roots: linkage,
    /// proposer, gas, admission of every transaction; then the execution.
    fn check_but_state_root(&self, block: &Block, signatures: TxSignatures) -> Result<Ran, ApplyError> {
        block.check_against_parent(&self.head)?;
        let h = &block.header.header;
        if !self.validators()?.contains(&h.proposer) {
            return Err(ApplyError::NotValidator { height: h.height });
        }
        let total: u64 = block.txs.iter().map(|t| t.tx.gas_limit).fold(0, u64::saturating_add);
        if total > self.rules.block_gas_limit {
            return Err(ApplyError::GasLimit { height: h.height, total, limit: self.rules.block_gas_limit });
        }
        let state = self.state();
        let empty = Default::default();
        let mut view = NonceView::new(&state, &empty);
        // Signatures first, on every core; the first bad one is reported as
        // admission would report it.
        let bad_signature = match signatures {
            TxSignatures::Check => procura_chain::first_bad_signature(&block.txs),
            TxSignatures::Verified => None,
        };
        for (index, tx) in block.txs.iter().enumerate() {
            let checked = if bad_signature == Some(index) {
                procura_chain::check(tx, &self.rules, &view)
            } else {
                procura_chain::check_presigned(tx, &self.rules, &view)
            };
            checked.map_err(|error| ApplyError::BadTx { height: h.height, index, error })?;
            view.local.insert(tx.tx.sender(), tx.tx.nonce + 1);
        }
        let ctx = BlockContext { height: h.height, time: h.timestamp };
        Ok(self.executor.run_block(&state, &ctx, &block.txs))
    }

    /// The one commit path, for produced, applied and consensus-decided
    /// blocks alike: block, receipts and state in one atomic batch, durable
    /// when this returns. `executed` must come from [`Chain::build`] or
    /// [`Chain::check`] of this block on the current head.
    pub fn commit(&mut self, block: &Block, executed: Executed) -> anyhow::Result<Applied> {
        let applied = self.commit_behind(block, executed)?;
        self.flush()?;
        Ok(applied)
    }

    /// [`Chain::commit`], returning once the block's batch is being written
    /// on its own thread: the head moves at once and [`Chain::state`] reads
    /// through the block, so the next one can be built or checked while it
    /// is written. It is durable after the next commit or [`Chain::flush`];
    /// until then nothing in the database shows it. If the write fails, that
    /// call returns the error and the head goes back to the block before.
    pub fn commit_behind(&mut self, block: &Block, executed: Executed) -> anyhow::Result<Applied> {
        self.settle()?;
        let h = &block.header.header;
        anyhow::ensure!(
            h.height == self.head.height + 1 && h.prev_hash == self.head.hash(),
            "block {} does not extend the head {} it was executed on",
            h.height,
            self.head.height
        );
        // One block in flight at a time: the one before must be durable.
        self.flush()?;
        let Executed { receipts, update, .. } = executed;
        let keys = update.latest.keys().cloned().collect();
        self.in_flight = Some(write_behind::InFlight::start(&self.db, block, &receipts, update, self.head.clone()));
        self.head = h.clone();
        Ok(Applied { receipts, written: keys })
    }

    /// The validator set at the head: the governance contract's
    /// `validators` view when there is one, else the genesis list.
    pub fn validators(&self) -> anyhow::Result<Vec<[u8; 32]>> {
        let Some(governance) = &self.governance else {
            return Ok(self.genesis.validators.iter().filter_map(|v| parse32(v)).collect());
        };
        let (height, time) = self.tip();
        let ctx = BlockContext { height, time };
        let bytes = self
            .executor
            .view(&self.state(), &ctx, governance, "validators", &[], self.rules.block_gas_limit)
            .map_err(|e| anyhow::anyhow!("cannot read the validator set from governance {governance}: {e}"))?;
        Ok(borsh::from_slice(&bytes)?)
    }

    /// The prefix of `txs` (in order) that passes admission one after the
    /// other and fits the block gas limit.
    fn admissible(&self, txs: Vec<SignedTransaction>) -> Vec<SignedTransaction> {
        let state = self.state();
        let empty = Default::default();
        let mut view = NonceView::new(&state, &empty);
        let mut gas = 0u64;
        let mut out = Vec::with_capacity(txs.len());
        for tx in txs {
            if gas.saturating_add(tx.tx.gas_limit) > self.rules.block_gas_limit {
                break;
            }
            // Signatures were checked by the caller (see `produce_with`).
            if procura_chain::check_presigned(&tx, &self.rules, &view).is_ok() {
                gas += tx.tx.gas_limit;
                view.local.insert(tx.tx.sender(), tx.tx.nonce + 1);
                out.push(tx);
            }
        }
        out
    }

    pub fn account(&self, address: &Address) -> Account {
        load(&PendingState::new(&self.state()), &StateKey::account(address)).unwrap_or_default()
    }
}

/// Admission's view of state: committed nonces, overridden by transactions
/// already accepted ahead of this one (the mempool's, then local ones).
pub struct NonceView<'a> {
    pub committed: &'a dyn StateStore,
    pub pending: &'a std::collections::BTreeMap<Address, u64>,
    pub local: std::collections::BTreeMap<Address, u64>,
    /// Contracts looked up in committed state (which does not change under
    /// a view): a block's calls mostly go to a few contracts.
    contracts: std::cell::RefCell<std::collections::BTreeMap<Address, bool>>,
}

impl<'a> NonceView<'a> {
    pub fn new(committed: &'a dyn StateStore, pending: &'a std::collections::BTreeMap<Address, u64>) -> Self {
        NonceView { committed, pending, local: Default::default(), contracts: Default::default() }
    }
}

impl AccountView for NonceView<'_> {
    fn next_nonce(&self, account: &Address) -> u64 {
        self.local.get(account).or_else(|| self.pending.get(account)).copied().unwrap_or_else(|| {
            load::<Account>(&PendingState::new(self.committed), &StateKey::account(account))
                .unwrap_or_default()
                .next_nonce
        })
    }
    fn has_code(&self, code_hash: &Hash32) -> bool {
        self.committed.latest(&StateKey::code(code_hash)).ok().flatten().is_some()
    }
    fn has_contract(&self, contract: &Address) -> bool {
        if let Some(known) = self.contracts.borrow().get(contract) {
            return *known;
        }
        match self.committed.latest(&StateKey::contract(contract)) {
            Ok(record) => *self.contracts.borrow_mut().entry(*contract).or_insert(record.is_some()),
            // Not remembered: a failed read is asked again.
            Err(_) => false,
        }
    }
}

fn parse32(s: &str) -> Option<[u8; 32]> {
    hex::decode(s).ok().and_then(|v| v.try_into().ok())
}

/// Where genesis deploys the governance contract, if genesis has a
/// `governance` section (which then requires the contract).
fn governance_address(genesis: &GenesisConfig, contracts_dir: &Path) -> anyhow::Result<Option<Address>> {
    if genesis.governance.is_none() {
        return Ok(None);
    }
    let entry = genesis.contracts.iter().find(|c| c.name == GOVERNANCE_CONTRACT).ok_or_else(|| {
        anyhow::anyhow!("genesis has a governance section but no `{GOVERNANCE_CONTRACT}` contract; add it to contracts")
    })?;
    let path = contract_path(contracts_dir, GOVERNANCE_CONTRACT);
    let code = std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {} ({e})", path.display()))?;
    Ok(Some(contract_address(&Address::ZERO, &procura_vm::code_hash(&code), entry.salt)))
}

/// A genesis contract's `init` argument bytes, if its init runs.
fn genesis_init_args(
    genesis: &GenesisConfig,
    c: &crate::genesis::GenesisContract,
    governance: Option<Address>,
) -> anyhow::Result<Option<Vec<u8>>> {
    let named = |what: &str| anyhow::anyhow!("genesis contract {}: {what}", c.name);
    match (&c.init_args, c.init_with_governance, &genesis.governance) {
        (Some(_), true, _) => Err(named("give init_args or init_with_governance, not both")),
        (Some(_), _, Some(_)) if c.name == GOVERNANCE_CONTRACT => {
            Err(named("its init arguments come from the governance section; drop init_args"))
        }
        (None, _, Some(g)) if c.name == GOVERNANCE_CONTRACT => Ok(Some(g.init_args(&genesis.validators)?)),
        (None, true, _) => {
            let governance = governance.ok_or_else(|| named("init_with_governance needs a governance section"))?;
            Ok(Some(borsh::to_vec(&governance)?))
        }
        (Some(args), false, _) => {
            Ok(Some(hex::decode(args).map_err(|e| named(&format!("init_args is not hex ({e})")))?))
        }
        (None, false, _) => Ok(None),
    }
}

/// Block 0: the genesis contracts, deployed by the zero address. Its header
/// is not signed (every node derives it from the same config).
fn build_genesis(
    db: &Db,
    executor: &Executor,
    genesis: &GenesisConfig,
    contracts_dir: &Path,
    governance: Option<Address>,
) -> anyhow::Result<Block> {
    let mut state = PendingState::new(db);
    for c in &genesis.contracts {
        let path = contract_path(contracts_dir, &c.name);
        let code = std::fs::read(&path)
            .map_err(|e| anyhow::anyhow!("genesis contract {}: cannot read {} ({e})", c.name, path.display()))?;
        let prepared = executor.vm.prepare(&code).map_err(|e| anyhow::anyhow!("genesis contract {}: {e}", c.name))?;
        let address = contract_address(&Address::ZERO, &prepared.code_hash, c.salt);
        state.put(StateKey::code(&prepared.code_hash), Some(code));
        let info = ContractInfo { code_hash: prepared.code_hash, creator: Address::ZERO, created_at: 0 };
        state.put(StateKey::contract(&address), Some(borsh::to_vec(&info)?));
        if let Some(args) = genesis_init_args(genesis, c, governance)? {
            let block = BlockContext { height: 0, time: genesis.genesis_time };
            executor
                .genesis_init(&mut state, &prepared, &address, &block, &args)
                .map_err(|e| anyhow::anyhow!("genesis contract {}: init failed: {e}", c.name))?;
        }
    }
    let update = compute_update(db, 0, state.writes)?;
    let proposer = genesis
        .validators
        .first()
        .and_then(|v| hex::decode(v).ok())
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .ok_or_else(|| anyhow::anyhow!("genesis needs at least one validator key (64 hex characters)"))?;
    let header = BlockHeader {
        height: 0,
        prev_hash: [0; 32],
        timestamp: genesis.genesis_time,
        proposer,
        tx_root: merkle_root(std::iter::empty()),
        state_root: update.root,
        receipts_root: merkle_root(std::iter::empty()),
    };
    let block = Block { header: SignedHeader { header, signature: [0; 64] }, txs: vec![] };
    db.commit_block(BlockCommit { block: &block, receipts: &[], state: &update })?;
    Ok(block)
}
