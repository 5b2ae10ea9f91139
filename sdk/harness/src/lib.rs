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
use procura_vm::{CallContext, CallRequest, Contract, ContractWorld, MemStorage, Mode, Outcome, Storage, Vm, VmConfig};
use std::collections::BTreeMap;
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

/// Where [`Harness::new`] deploys its first contract.
pub const DEFAULT_ADDRESS: Address = Address([0xc0; 32]);

/// The contracts deployed besides the selected one, reachable through
/// `call_view`.
#[derive(Default)]
struct Others(BTreeMap<Address, (Arc<Contract>, MemStorage)>);

impl ContractWorld for Others {
    fn contract_at(&self, address: &Address) -> Option<(Arc<Contract>, Box<dyn Storage + '_>)> {
        self.0.get(address).map(|(c, s)| (c.clone(), Box::new(s) as Box<dyn Storage>))
    }
}

/// Contract instances with in-memory state, driven call by call. Calls go to
/// the selected contract (see [`Harness::deploy`] and [`Harness::select`]);
/// the others are reachable from it through cross-contract views.
pub struct Harness {
    vm: Arc<Vm>,
    contract: Arc<Contract>,
    /// The selected contract's storage.
    pub storage: MemStorage,
    others: Others,
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
            others: Others::default(),
            ctx: CallContext { caller: Address::ZERO, contract: DEFAULT_ADDRESS, block_height: 1, block_time: 0 },
            gas_limit: DEFAULT_GAS_LIMIT,
            events: Vec::new(),
        }
    }

    pub fn vm(&self) -> &Arc<Vm> {
        &self.vm
    }

    /// Deploys `wasm` at `address` with empty storage (the selected contract
    /// stays selected).
    pub fn deploy(&mut self, address: Address, wasm: &[u8]) -> &mut Self {
        assert!(address != self.ctx.contract && !self.others.0.contains_key(&address), "{address} is taken");
        let contract = self.vm.prepare(wasm).unwrap_or_else(|e| panic!("upload refused: {e}"));
        self.others.0.insert(address, (contract, MemStorage::default()));
        self
    }

    /// Makes the contract at `address` the target of the following calls.
    pub fn select(&mut self, address: Address) -> &mut Self {
        if address == self.ctx.contract {
            return self;
        }
        let (contract, storage) = self.others.0.remove(&address).unwrap_or_else(|| panic!("no contract at {address}"));
        let previous = std::mem::replace(&mut self.contract, contract);
        let previous_storage = std::mem::replace(&mut self.storage, storage);
        self.others.0.insert(self.ctx.contract, (previous, previous_storage));
        self.ctx.contract = address;
        self
    }

    /// The storage of any deployed contract.
    pub fn storage_of(&self, address: &Address) -> &MemStorage {
        if *address == self.ctx.contract {
            return &self.storage;
        }
        &self.others.0.get(address).unwrap_or_else(|| panic!("no contract at {address}")).1
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
        let outcome = self.vm.execute_in(&self.contract, req, &self.storage, &self.others);
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
