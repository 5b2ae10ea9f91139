//! The one entry point that runs a contract call: [`Vm::execute`].

use crate::cache::{CacheStats, ModuleCache};
use crate::call::{self, Admitted};
use crate::cross::{ContractWorld, CrossCalls, NoContracts};
use crate::engine::{build_engine, Metering};
use crate::error::{ExecError, UploadError};
use crate::gas::GasSchedule;
use crate::host::{self, CallContext, HostState, HostTrap};
use crate::limits::Limits;
use crate::state::{Overlay, StateChanges, Storage};
use crate::validate::{validate, ModuleInfo};
use procura_primitives::host_abi::MEMORY_EXPORT;
use procura_primitives::{Address, Event, Hash32};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use wasmtime::{Engine, InstancePre, Linker, Module, Store, Trap};

#[derive(Clone, Debug)]
pub struct VmConfig {
    pub limits: Limits,
    pub gas: GasSchedule,
    /// Where compiled modules persist across restarts; `None` keeps them in
    /// memory only.
    pub cache_dir: Option<PathBuf>,
    pub metering: Metering,
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            limits: Limits::default(),
            gas: GasSchedule::default(),
            cache_dir: None,
            metering: Metering::Metered,
        }
    }
}

/// A validated, compiled contract, ready to instantiate.
pub struct Contract {
    pub code_hash: Hash32,
    pub info: ModuleInfo,
    pre: InstancePre<HostState>,
}

/// How a call may act on state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Instantiation: runs the contract's `init` method.
    Init,
    /// A transaction: may write and emit events.
    Call,
    /// A query: any write or event fails the call.
    View,
}

pub struct CallRequest<'a> {
    pub ctx: CallContext,
    pub method: &'a str,
    pub input: &'a [u8],
    pub gas_limit: u64,
    pub mode: Mode,
}

/// What a call did. On failure, `return_data`, `events` and `changes` are
/// empty: nothing the call did survives except the gas it burned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Result<(), ExecError>,
    pub return_data: Vec<u8>,
    pub gas_used: u64,
    pub events: Vec<Event>,
    pub changes: StateChanges,
    /// Contract debug output; never part of consensus.
    pub logs: Vec<String>,
}

impl Outcome {
    pub(crate) fn failed(error: ExecError, gas_used: u64, logs: Vec<String>) -> Self {
        Outcome {
            status: Err(error),
            return_data: Vec::new(),
            gas_used,
            events: Vec::new(),
            changes: StateChanges::default(),
            logs,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status.is_ok()
    }
}

pub struct Vm {
    engine: Engine,
    linker: Linker<HostState>,
    cache: ModuleCache<Contract>,
    gas: Arc<GasSchedule>,
    limits: Arc<Limits>,
    metered: bool,
}

pub fn code_hash(code: &[u8]) -> Hash32 {
    Sha256::digest(code).into()
}

impl Vm {
    pub fn new(config: VmConfig) -> anyhow::Result<Self> {
        let engine = build_engine(&config.limits, &config.gas, config.metering).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut linker = Linker::new(&engine);
        host::link(&mut linker).map_err(|e| anyhow::anyhow!("{e}"))?;
        let cache = ModuleCache::new(&engine, config.cache_dir.clone())?;
        let metered = config.metering == Metering::Metered;
        Ok(Vm { engine, linker, cache, gas: Arc::new(config.gas), limits: Arc::new(config.limits), metered })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn gas_schedule(&self) -> &GasSchedule {
        &self.gas
    }

    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Validates and compiles `code` (or reuses the cached compilation).
    /// The same bytes always give the same answer on every node.
    pub fn prepare(&self, code: &[u8]) -> Result<Arc<Contract>, UploadError> {
        let hash = code_hash(code);
        if let Some(ready) = self.cache.get(&hash) {
            return Ok(ready);
        }
        let contract = Arc::new(self.compile(code, hash)?);
        self.cache.insert(hash, contract.clone());
        Ok(contract)
    }

    /// Validates and compiles `code` without keeping the result: what an
    /// upload costs the node, for the fuzzer and the JIT-bomb measurements
    /// (a cache would make every repeated input free).
    pub fn prepare_uncached(&self, code: &[u8]) -> Result<Contract, UploadError> {
        let info = validate(code, &self.limits)?;
        let module = Module::from_binary(&self.engine, code).map_err(|e| UploadError::Compile(e.to_string()))?;
        self.link(code_hash(code), info, &module)
    }

    fn compile(&self, code: &[u8], hash: Hash32) -> Result<Contract, UploadError> {
        let info = validate(code, &self.limits)?;
        let module = match self.cache.load(&self.engine, &hash) {
            Some(module) => module,
            None => {
                let module =
                    Module::from_binary(&self.engine, code).map_err(|e| UploadError::Compile(e.to_string()))?;
                self.cache.note_compiled();
                // A cache write failure only costs a recompile next time.
                let _ = self.cache.store(&hash, &module);
                module
            }
        };
        self.link(hash, info, &module)
    }

    fn link(&self, hash: Hash32, info: ModuleInfo, module: &Module) -> Result<Contract, UploadError> {
        let pre = self
            .linker
            .instantiate_pre(module)
            .map_err(|e| UploadError::ImportSignature(import_name(&e.to_string()), e.to_string()))?;
        Ok(Contract { code_hash: hash, info, pre })
    }

    /// The compiled contract for `code_hash` if this VM already prepared it:
    /// saves reading and hashing the code on every call.
    pub fn prepared(&self, code_hash: &Hash32) -> Option<Arc<Contract>> {
        self.cache.get(code_hash)
    }

    /// Runs one call against `storage`, with no other contracts reachable.
    /// Never panics on contract behaviour: every failure is an [`ExecError`]
    /// in the outcome.
    pub fn execute(&self, contract: &Contract, req: CallRequest<'_>, storage: &dyn Storage) -> Outcome {
        self.execute_in(contract, req, storage, &NoContracts)
    }

    /// [`Vm::execute`] with the contracts of `world` reachable through
    /// `call_view`.
    pub fn execute_in(
        &self,
        contract: &Contract,
        req: CallRequest<'_>,
        storage: &dyn Storage,
        world: &dyn ContractWorld,
    ) -> Outcome {
        let stack = vec![req.ctx.contract];
        self.execute_nested(contract, req, storage, world, stack)
    }

    pub(crate) fn execute_nested(
        &self,
        contract: &Contract,
        req: CallRequest<'_>,
        storage: &dyn Storage,
        world: &dyn ContractWorld,
        stack: Vec<Address>,
    ) -> Outcome {
        let Admitted { upfront, read_only } = match call::admit(&self.gas, &self.limits, &contract.info, &req) {
            Ok(admitted) => admitted,
            Err(refused) => return refused,
        };

        // SAFETY: the overlay borrows `storage` for the lifetime of this
        // function only. wasmtime requires `'static` store data, but the store
        // below is created and dropped inside this function and the overlay is
        // moved out (`into_changes`) before it returns, so the reference never
        // outlives the borrow.
        let storage: &'static dyn Storage =
            unsafe { std::mem::transmute::<&dyn Storage, &'static dyn Storage>(storage) };
        // SAFETY: as above; `self` and `world` outlive the store too.
        let cross = unsafe {
            CrossCalls {
                vm: std::mem::transmute::<&Vm, &'static Vm>(self),
                world: std::mem::transmute::<&dyn ContractWorld, &'static dyn ContractWorld>(world),
                stack,
            }
        };
        let mut state = HostState::new(
            req.ctx,
            read_only,
            req.input.to_vec(),
            Overlay::new(storage),
            self.gas.clone(),
            self.limits.clone(),
            self.metered,
        );
        state.cross = Some(cross);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        let fuel = req.gas_limit - upfront;
        if self.metered {
            store.set_fuel(fuel).expect("fuel is enabled");
        }

        let result = run(&mut store, contract, req.method);
        let remaining = if self.metered { store.get_fuel().unwrap_or(0) } else { fuel };
        call::finish(result, req.gas_limit, upfront, fuel, remaining, store.into_data())
    }
}

fn run(store: &mut Store<HostState>, contract: &Contract, method: &str) -> Result<(), ExecError> {
    let instance = contract.pre.instantiate(&mut *store).map_err(classify)?;
    let memory = instance
        .get_memory(&mut *store, MEMORY_EXPORT)
        .ok_or_else(|| ExecError::Host("contract exports no memory".into()))?;
    store.data_mut().memory = Some(memory);
    let func =
        instance.get_typed_func::<(), ()>(&mut *store, method).map_err(|_| ExecError::MethodNotFound(method.into()))?;
    func.call(&mut *store, ()).map_err(classify)
}

fn classify(error: wasmtime::Error) -> ExecError {
    if let Some(HostTrap(e)) = error.downcast_ref::<HostTrap>() {
        return e.clone();
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => ExecError::OutOfGas,
        Some(Trap::StackOverflow) => ExecError::StackOverflow,
        Some(trap) => ExecError::Trap(trap.to_string()),
        None => ExecError::Trap(error.to_string()),
    }
}

fn import_name(message: &str) -> String {
    message.split('`').nth(1).unwrap_or("?").to_string()
}
