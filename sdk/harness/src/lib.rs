//! Run compiled contracts in the real runtime (the same `procura-vm` a node
//! uses, with gas) from integration tests and examples.
//!
//! ```ignore
//! let mut t = Harness::new(&procura_harness::contract_wasm("sealed-bid"));
//! t.set_caller(buyer).set_time(1_000);
//! let id: u64 = t.call_ok("open_tender", &(params,));
//! ```

use borsh::{BorshDeserialize, BorshSerialize};
use procura_primitives::{Address, Event};
use procura_vm::{CallContext, CallRequest, Contract, MemStorage, Mode, Outcome, Vm, VmConfig};
use std::path::PathBuf;
use std::sync::Arc;

/// Where `scripts/build-contracts` puts the modules (override with
/// `PROCURA_CONTRACTS_DIR`).
pub fn contracts_dir() -> PathBuf {
    match std::env::var_os("PROCURA_CONTRACTS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/contracts"),
    }
}

/// The compiled module of a contract crate, e.g. `contract_wasm("sealed-bid")`.
pub fn contract_wasm(name: &str) -> Vec<u8> {
    let path = contracts_dir().join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("cannot read {} ({e}): build the contracts first with `scripts/build-contracts`", path.display())
    })
}

pub const DEFAULT_GAS_LIMIT: u64 = 100_000_000;

/// One contract instance with in-memory state, driven call by call.
pub struct Harness {
    vm: Arc<Vm>,
    contract: Arc<Contract>,
    pub storage: MemStorage,
    pub ctx: CallContext,
    pub gas_limit: u64,
    /// Every event of every successful call, in order.
    pub events: Vec<Event>,
}

impl Harness {
    pub fn new(wasm: &[u8]) -> Self {
        Self::with_vm(Arc::new(Vm::new(VmConfig::default()).expect("vm")), wasm)
    }

    pub fn with_vm(vm: Arc<Vm>, wasm: &[u8]) -> Self {
        let contract = vm.prepare(wasm).unwrap_or_else(|e| panic!("upload refused: {e}"));
        Harness {
            vm,
            contract,
            storage: MemStorage::default(),
            ctx: CallContext { caller: Address::ZERO, contract: Address([0xc0; 32]), block_height: 1, block_time: 0 },
            gas_limit: DEFAULT_GAS_LIMIT,
            events: Vec::new(),
        }
    }

    pub fn vm(&self) -> &Arc<Vm> {
        &self.vm
    }

    pub fn set_caller(&mut self, caller: Address) -> &mut Self {
        self.ctx.caller = caller;
        self
    }

    pub fn set_time(&mut self, unix_seconds: u64) -> &mut Self {
        self.ctx.block_time = unix_seconds;
        self
    }

    /// Runs a call with `args` (a tuple of the method's arguments) and
    /// commits its changes if it succeeded. Each call is its own block.
    pub fn call<A: BorshSerialize>(&mut self, method: &str, args: &A) -> Outcome {
        self.run(method, &borsh::to_vec(args).expect("args encode"), Mode::Call)
    }

    pub fn run(&mut self, method: &str, input: &[u8], mode: Mode) -> Outcome {
        let req = CallRequest { ctx: self.ctx, method, input, gas_limit: self.gas_limit, mode };
        let outcome = self.vm.execute(&self.contract, req, &self.storage);
        if outcome.is_ok() && mode != Mode::View {
            self.storage.apply(&outcome.changes);
            self.events.extend(outcome.events.iter().cloned());
        }
        self.ctx.block_height += 1;
        outcome
    }

    /// [`Harness::call`] that must succeed; decodes the result.
    pub fn call_ok<A: BorshSerialize, R: BorshDeserialize>(&mut self, method: &str, args: &A) -> R {
        let outcome = self.call(method, args);
        if let Err(e) = &outcome.status {
            panic!("`{method}` failed: {e}");
        }
        borsh::from_slice(&outcome.return_data).unwrap_or_else(|e| panic!("`{method}` returned undecodable data: {e}"))
    }

    /// [`Harness::call`] that must fail; returns the error text.
    pub fn call_err<A: BorshSerialize>(&mut self, method: &str, args: &A) -> String {
        match self.call(method, args).status {
            Ok(()) => panic!("`{method}` succeeded but was expected to fail"),
            Err(e) => e.to_string(),
        }
    }

    /// A read-only call; never changes state.
    pub fn view<A: BorshSerialize, R: BorshDeserialize>(&mut self, method: &str, args: &A) -> R {
        let outcome = self.run(method, &borsh::to_vec(args).expect("args encode"), Mode::View);
        if let Err(e) = &outcome.status {
            panic!("view `{method}` failed: {e}");
        }
        borsh::from_slice(&outcome.return_data).expect("view result decodes")
    }
}
