//! The wasmi interpreter as a peer VM (feature `peer-wasmi`, never in the
//! node's build): the same upload validator, host functions
//! ([`crate::host::functions`]), host-call gas schedule, call framing
//! (`call.rs`) and `Overlay` state as [`Vm`](crate::Vm), with wasmi in place
//! of wasmtime, so the two can be compared on identical work.
//!
//! What differs, by design: Wasm instructions are metered by wasmi's own fuel
//! (per basic block, 1 per operator as in wasmtime, but its own costs for
//! bulk memory and `memory.grow`), so gas figures may differ from
//! wasmtime's; Wasm trap messages are wasmi's; there is no compiled-module
//! cache and no `call_view` (nothing else is reachable).
//!
//! - [`link`]: wasmi's `Caller` as a [`Guest`](crate::host::guest::Guest) and
//!   the linker.

mod link;

use crate::call::{self, Admitted};
use crate::error::{ExecError, UploadError};
use crate::gas::GasSchedule;
use crate::host::{HostState, HostTrap};
use crate::limits::{Limits, PAGE};
use crate::state::{Overlay, Storage};
use crate::validate::{validate, ModuleInfo};
use crate::vm::{CallRequest, Outcome, VmConfig};
use crate::Metering;
use procura_primitives::host_abi::MEMORY_EXPORT;
use std::sync::Arc;
use wasmi::{CompilationMode, Config, Engine, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, TrapCode};

/// A call's store data in wasmi: the shared host state plus wasmi's own
/// growth limiter (its limiter trait's error type is not public, so the
/// production `MemoryLimiter` cannot implement it).
pub(crate) struct PeerState {
    host: HostState<wasmi::Memory>,
    limits: StoreLimits,
}

/// A validated contract, translated by wasmi.
pub struct PeerContract {
    pub info: ModuleInfo,
    module: Module,
}

/// Runs contract calls on wasmi behind the production host functions.
pub struct PeerVm {
    engine: Engine,
    linker: Linker<PeerState>,
    gas: Arc<GasSchedule>,
    limits: Arc<Limits>,
    metered: bool,
}

impl PeerVm {
    /// `config.cache_dir` is ignored: wasmi keeps no compiled artifacts.
    pub fn new(config: VmConfig) -> anyhow::Result<Self> {
        let metered = config.metering == Metering::Metered;
        let mut wasmi_config = Config::default();
        wasmi_config.consume_fuel(metered);
        // Translate at upload, as wasmtime compiles at upload, so a call
        // never pays for (or is charged fuel for) lazy translation.
        wasmi_config.compilation_mode(CompilationMode::Eager);
        // The upload validator already refuses everything else; this only
        // keeps wasmi's feature set no larger than production's. Reference
        // types stay on: rustc emits `call_indirect` with the overlong table
        // index encoding that production allows, and wasmi's parser accepts
        // it only under that proposal.
        wasmi_config
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_multi_memory(false)
            .wasm_custom_page_sizes(false)
            .wasm_wide_arithmetic(false);
        let engine = Engine::new(&wasmi_config);
        let mut linker = Linker::new(&engine);
        link::link(&mut linker).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(PeerVm { engine, linker, gas: Arc::new(config.gas), limits: Arc::new(config.limits), metered })
    }

    /// The same validation as [`Vm::prepare`](crate::Vm::prepare), then
    /// wasmi's translation.
    pub fn prepare(&self, code: &[u8]) -> Result<PeerContract, UploadError> {
        let info = validate(code, &self.limits)?;
        let module = Module::new(&self.engine, code).map_err(|e| UploadError::Compile(e.to_string()))?;
        Ok(PeerContract { info, module })
    }

    /// Runs one call against `storage`, as [`Vm::execute`](crate::Vm::execute)
    /// does with no other contracts reachable.
    pub fn execute(&self, contract: &PeerContract, req: CallRequest<'_>, storage: &dyn Storage) -> Outcome {
        let Admitted { upfront, read_only } = match call::admit(&self.gas, &self.limits, &contract.info, &req) {
            Ok(admitted) => admitted,
            Err(refused) => return refused,
        };
        // SAFETY: as in `Vm::execute_nested`: the store is created and
        // dropped inside this function and the overlay is moved out
        // (`into_changes`) before it returns, so the reference never
        // outlives the borrow.
        let storage: &'static dyn Storage =
            unsafe { std::mem::transmute::<&dyn Storage, &'static dyn Storage>(storage) };
        let host = HostState::new(
            req.ctx,
            read_only,
            req.input.to_vec(),
            Overlay::new(storage),
            self.gas.clone(),
            self.limits.clone(),
            self.metered,
        );
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.limits.max_memory_pages as usize * PAGE as usize)
            .table_elements(self.limits.max_table_elements as usize)
            .trap_on_grow_failure(true)
            .build();
        let mut store = Store::new(&self.engine, PeerState { host, limits });
        store.limiter(|s| &mut s.limits);
        let fuel = req.gas_limit - upfront;
        if self.metered {
            store.set_fuel(fuel).expect("fuel is enabled");
        }

        let result = self.run(&mut store, contract, req.method);
        let remaining = if self.metered { store.get_fuel().unwrap_or(0) } else { fuel };
        call::finish(result, req.gas_limit, upfront, fuel, remaining, store.into_data().host)
    }

    fn run(&self, store: &mut Store<PeerState>, contract: &PeerContract, method: &str) -> Result<(), ExecError> {
        let instance = self.linker.instantiate_and_start(&mut *store, &contract.module).map_err(classify)?;
        let memory = instance
            .get_memory(&*store, MEMORY_EXPORT)
            .ok_or_else(|| ExecError::Host("contract exports no memory".into()))?;
        store.data_mut().host.memory = Some(memory);
        let func =
            instance.get_typed_func::<(), ()>(&*store, method).map_err(|_| ExecError::MethodNotFound(method.into()))?;
        func.call(&mut *store, ()).map_err(classify)
    }
}

/// wasmi carries host failures as `HostError`s.
impl wasmi::errors::HostError for HostTrap {}

fn classify(error: wasmi::Error) -> ExecError {
    if let Some(HostTrap(e)) = error.downcast_ref::<HostTrap>() {
        return e.clone();
    }
    match error.as_trap_code() {
        Some(TrapCode::OutOfFuel) => ExecError::OutOfGas,
        Some(TrapCode::StackOverflow) => ExecError::StackOverflow,
        Some(TrapCode::GrowthOperationLimited) => ExecError::MemoryLimit(error.to_string()),
        Some(code) => ExecError::Trap(code.to_string()),
        None => ExecError::Trap(error.to_string()),
    }
}
