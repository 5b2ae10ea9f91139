//! The host functions contracts import from `procura_v1`, and the per-call
//! state they work on. Every function charges its gas before doing any work,
//! checks every guest pointer, and reports failure as a typed [`HostTrap`]
//! that the executor turns into an [`ExecError`]. The full contract of each
//! function is in `docs/host-api.md`.
//!
//! The functions are written once, engine-agnostic, so a peer engine runs
//! exactly the same host logic as production:
//! - [`guest`]: the [`Guest`](guest::Guest) trait, what a host function needs
//!   from the engine (guest memory, fuel, this state), and the shared helpers;
//! - [`functions`]: each host function's body, generic over `Guest`;
//! - [`wasmtime_link`]: the production binding (wasmtime's `Caller`, the linker,
//!   the memory limiter).

pub(crate) mod functions;
pub(crate) mod guest;
pub(crate) mod wasmtime_link;

use crate::cross::CrossCalls;
use crate::error::ExecError;
use crate::gas::GasSchedule;
use crate::limits::{Limits, PAGE};
use crate::state::Overlay;
use procura_primitives::{Address, Event};
use std::sync::Arc;

pub(crate) use self::wasmtime_link::{link, MemoryLimiter};

/// Who is calling, which contract runs, and in which block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallContext {
    pub caller: Address,
    pub contract: Address,
    pub block_height: u64,
    /// Block time, unix seconds, set by the block proposer.
    pub block_time: u64,
}

/// A failure raised inside a host function; carried through the engine as
/// the trap's error value.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HostTrap(pub ExecError);

/// The state of one call. `M` is the engine's handle to the contract's
/// linear memory: wasmtime's in production (the default), wasmi's in the
/// peer VM.
pub(crate) struct HostState<M = wasmtime::Memory> {
    pub ctx: CallContext,
    pub read_only: bool,
    pub input: Vec<u8>,
    pub return_data: Vec<u8>,
    /// Where variable-length results wait for `buffer_read`.
    pub buffer: Vec<u8>,
    pub overlay: Overlay<'static>,
    pub events: Vec<Event>,
    pub logs: Vec<String>,
    log_bytes: usize,
    pub memory: Option<M>,
    pub limiter: MemoryLimiter,
    pub gas: Arc<GasSchedule>,
    pub limits: Arc<Limits>,
    /// False only in the benchmark's unmetered engine, which has no fuel.
    pub metered: bool,
    /// Set when this call may make `call_view` calls.
    pub cross: Option<CrossCalls>,
}

impl<M> HostState<M> {
    pub fn new(
        ctx: CallContext,
        read_only: bool,
        input: Vec<u8>,
        overlay: Overlay<'static>,
        gas: Arc<GasSchedule>,
        limits: Arc<Limits>,
        metered: bool,
    ) -> Self {
        HostState {
            ctx,
            read_only,
            input,
            return_data: Vec::new(),
            buffer: Vec::new(),
            overlay,
            events: Vec::new(),
            logs: Vec::new(),
            log_bytes: 0,
            memory: None,
            limiter: MemoryLimiter {
                max_memory_bytes: limits.max_memory_pages as usize * PAGE as usize,
                max_table_elements: limits.max_table_elements as usize,
            },
            gas,
            limits,
            metered,
            cross: None,
        }
    }
}
