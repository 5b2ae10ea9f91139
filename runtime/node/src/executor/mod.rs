//! Executes a block's transactions with the result of running them in order
//! against committed state plus the block's own pending writes, and produces
//! receipts and the state update. The proposer and every validator run
//! exactly this code.
//!
//! `pending.rs`: the state a transaction sees; `parallel.rs`: the same block
//! result on several cores.

mod parallel;
mod pending;

pub use parallel::ParallelStats;
pub use pending::{load, PendingState};

use pending::{contract_of, store, BlockContracts, ContractStorage};
use procura_chain::{account_address, contract_address, Action, Receipt, ReceiptStatus, SignedTransaction};
use procura_primitives::Address;
use procura_state::{compute_update, Account, ContractInfo, StateKey, StateStore, StateUpdate};
use procura_vm::{CallContext, CallRequest, Mode};
use std::sync::Arc;

/// Below this many transactions a block runs on one thread: starting
/// helpers costs more than they save.
const PARALLEL_FROM: usize = 32;

/// Gas for storing code: per call and per byte (validation and compilation
/// are paid by the uploader).
pub const UPLOAD_BASE_GAS: u64 = 100_000;
pub const UPLOAD_GAS_PER_BYTE: u64 = 20;
pub const INSTANTIATE_BASE_GAS: u64 = 50_000;
/// Gas for each genesis contract's `#[init]`.
pub const GENESIS_INIT_GAS: u64 = 100_000_000;

/// The block being built or checked.
pub struct BlockContext {
    pub height: u64,
    pub time: u64,
}

pub struct Executor {
    pub vm: Arc<procura_vm::Vm>,
    /// Threads a block may execute on (1: strictly serial). The result is
    /// the same for any value; see `parallel.rs`.
    pub threads: usize,
}

/// A block's transactions run, before the state tree is updated.
pub struct Ran {
    pub receipts: Vec<Receipt>,
    /// Plain state keys the block wrote: new values, or `None` for removals.
    pub writes: std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    pub gas_used: u64,
    pub execute_time: std::time::Duration,
    pub parallel: ParallelStats,
}

impl Ran {
    /// The state update for `height` on top of `tree`: one tree update per
    /// block, not per transaction.
    pub fn update_tree(self, tree: &impl jmt::storage::TreeReader, height: u64) -> anyhow::Result<Executed> {
        let Ran { receipts, writes, gas_used, execute_time, parallel } = self;
        let started = std::time::Instant::now();
        let update = compute_update(tree, height, writes)?;
        Ok(Executed { receipts, update, gas_used, execute_time, state_time: started.elapsed(), parallel })
    }
}

/// Result of executing a list of transactions.
pub struct Executed {
    pub receipts: Vec<Receipt>,
    pub update: StateUpdate,
    pub gas_used: u64,
    /// Wall time spent running transactions and updating the state tree
    /// (for benchmarks; never part of consensus).
    pub execute_time: std::time::Duration,
    pub state_time: std::time::Duration,
    pub parallel: ParallelStats,
}

impl Executor {
    /// Executes `txs` (already admitted: signature, chain id and nonce were
    /// checked) in order and computes the state update for `block.height`.
    pub fn execute_block(
        &self,
        committed: &(dyn StateStore + Sync),
        tree: &impl jmt::storage::TreeReader,
        block: &BlockContext,
        txs: &[SignedTransaction],
    ) -> anyhow::Result<Executed> {
        self.run_block(committed, block, txs).update_tree(tree, block.height)
    }

    /// [`Executor::execute_block`] without the state tree: the receipts and
    /// the state writes. The tree update can then run elsewhere (a block
    /// being checked has its root checked on the commit thread).
    pub fn run_block(
        &self,
        committed: &(dyn StateStore + Sync),
        block: &BlockContext,
        txs: &[SignedTransaction],
    ) -> Ran {
        let started = std::time::Instant::now();
        let (receipts, writes, parallel) = if self.threads > 1 && txs.len() >= PARALLEL_FROM {
            parallel::execute(self, committed, block, txs, self.threads - 1)
        } else {
            let mut state = PendingState::new(committed);
            let receipts = txs.iter().map(|tx| self.execute_tx(&mut state, block, tx)).collect();
            (receipts, state.writes, ParallelStats { in_order: txs.len(), ..Default::default() })
        };
        let gas_used = receipts.iter().map(|r: &Receipt| r.gas_used).sum();
        Ran { receipts, writes, gas_used, execute_time: started.elapsed(), parallel }
    }

    pub fn execute_tx(
        &self,
        state: &mut PendingState<'_>,
        block: &BlockContext,
        signed: &SignedTransaction,
    ) -> Receipt {
        let tx = &signed.tx;
        let sender = account_address(&tx.signer);
        // The nonce is consumed whatever happens next.
        let mut account: Account = load(state, &StateKey::account(&sender)).unwrap_or_default();
        account.next_nonce = tx.nonce + 1;
        store(state, StateKey::account(&sender), &account);

        let mut receipt = Receipt {
            tx_hash: signed.hash(),
            status: ReceiptStatus::Success,
            gas_used: 0,
            return_data: Vec::new(),
            events: Vec::new(),
        };
        let fail = |mut r: Receipt, gas: u64, msg: String| {
            r.status = ReceiptStatus::Failure(msg);
            r.gas_used = gas;
            r
        };
        match &tx.action {
            Action::UploadCode { code } => {
                let gas = UPLOAD_BASE_GAS + UPLOAD_GAS_PER_BYTE * code.len() as u64;
                if gas > tx.gas_limit {
                    return fail(
                        receipt,
                        tx.gas_limit,
                        format!("out of gas: uploading {} bytes costs {gas}", code.len()),
                    );
                }
                match self.vm.prepare(code) {
                    Ok(contract) => {
                        state.put(StateKey::code(&contract.code_hash), Some(code.clone()));
                        receipt.return_data = contract.code_hash.to_vec();
                        receipt.gas_used = gas;
                        receipt
                    }
                    Err(e) => fail(receipt, gas, format!("upload refused: {e}")),
                }
            }
            Action::Instantiate { code_hash, init_args, salt } => {
                let address = contract_address(&sender, code_hash, *salt);
                let Some(code) = state.get(&StateKey::code(code_hash)) else {
                    return fail(receipt, INSTANTIATE_BASE_GAS.min(tx.gas_limit), "unknown code".into());
                };
                if state.get(&StateKey::contract(&address)).is_some() {
                    return fail(
                        receipt,
                        INSTANTIATE_BASE_GAS.min(tx.gas_limit),
                        format!("contract {address} already exists"),
                    );
                }
                let contract = match self.vm.prepare(&code) {
                    Ok(c) => c,
                    Err(e) => {
                        return fail(
                            receipt,
                            INSTANTIATE_BASE_GAS.min(tx.gas_limit),
                            format!("stored code does not load: {e}"),
                        )
                    }
                };
                let has_init = contract
                    .info
                    .abi
                    .as_ref()
                    .and_then(|abi| abi.methods.iter().find(|m| m.kind == procura_vm::MethodKind::Init))
                    .map(|m| m.name.clone());
                let mut gas = INSTANTIATE_BASE_GAS;
                if let Some(init) = has_init {
                    let outcome = self.run(
                        state,
                        &contract,
                        &address,
                        sender,
                        block,
                        &init,
                        init_args,
                        Mode::Init,
                        tx.gas_limit.saturating_sub(INSTANTIATE_BASE_GAS),
                    );
                    gas += outcome.gas_used;
                    if let Err(e) = outcome.status {
                        return fail(receipt, gas, e.to_string());
                    }
                    self.apply(state, &address, &outcome.changes);
                    receipt.events = outcome.events;
                }
                let info = ContractInfo { code_hash: *code_hash, creator: sender, created_at: block.height };
                store(state, StateKey::contract(&address), &info);
                receipt.return_data = address.0.to_vec();
                receipt.gas_used = gas.min(tx.gas_limit);
                receipt
            }
            Action::Call { contract: address, method, args } => {
                let contract = match contract_of(&self.vm, state, address) {
                    Ok(c) => c,
                    Err(e) => return fail(receipt, 0, e),
                };
                let outcome =
                    self.run(state, &contract, address, sender, block, method, args, Mode::Call, tx.gas_limit);
                match outcome.status {
                    Ok(()) => {
                        self.apply(state, address, &outcome.changes);
                        receipt.gas_used = outcome.gas_used;
                        receipt.return_data = outcome.return_data;
                        receipt.events = outcome.events;
                        receipt
                    }
                    Err(e) => fail(receipt, outcome.gas_used, e.to_string()),
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        state: &PendingState<'_>,
        contract: &procura_vm::Contract,
        address: &Address,
        caller: Address,
        block: &BlockContext,
        method: &str,
        input: &[u8],
        mode: Mode,
        gas_limit: u64,
    ) -> procura_vm::Outcome {
        let storage = ContractStorage { state, prefix: StateKey::storage_prefix(address) };
        let ctx = CallContext { caller, contract: *address, block_height: block.height, block_time: block.time };
        let world = BlockContracts { vm: &self.vm, state };
        self.vm.execute_in(contract, CallRequest { ctx, method, input, gas_limit, mode }, &storage, &world)
    }

    fn apply(&self, state: &mut PendingState<'_>, address: &Address, changes: &procura_vm::StateChanges) {
        for (k, v) in changes.iter() {
            state.put(StateKey::storage(address, k), v.clone());
        }
    }

    /// Runs a genesis contract's `#[init]` method with `args`, the zero
    /// address as caller, and the block gas limit of a single transaction.
    pub fn genesis_init(
        &self,
        state: &mut PendingState<'_>,
        contract: &procura_vm::Contract,
        address: &Address,
        block: &BlockContext,
        args: &[u8],
    ) -> Result<(), String> {
        let init = contract
            .info
            .abi
            .as_ref()
            .and_then(|abi| abi.methods.iter().find(|m| m.kind == procura_vm::MethodKind::Init))
            .map(|m| m.name.clone())
            .ok_or("the contract has no #[init] method, so it takes no init_args")?;
        let outcome =
            self.run(state, contract, address, Address::ZERO, block, &init, args, Mode::Init, GENESIS_INIT_GAS);
        outcome.status.map_err(|e| e.to_string())?;
        self.apply(state, address, &outcome.changes);
        Ok(())
    }

    /// A read-only call against committed state.
    pub fn view(
        &self,
        committed: &dyn StateStore,
        block: &BlockContext,
        address: &Address,
        method: &str,
        args: &[u8],
        gas_limit: u64,
    ) -> Result<Vec<u8>, String> {
        let state = PendingState::new(committed);
        let contract = contract_of(&self.vm, &state, address)?;
        let outcome = self.run(&state, &contract, address, Address::ZERO, block, method, args, Mode::View, gas_limit);
        outcome.status.map(|()| outcome.return_data).map_err(|e| e.to_string())
    }
}
