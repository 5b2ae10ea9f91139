//! The engine-independent frame around running one call: the upfront
//! charge, the method checked against the call's mode, and the result and
//! final fuel turned into an [`Outcome`]. Shared by [`Vm`](crate::Vm) and
//! the wasmi peer so both decide gas and failures by the same rules.

use crate::abi::MethodKind;
use crate::error::ExecError;
use crate::gas::GasSchedule;
use crate::host::HostState;
use crate::limits::Limits;
use crate::validate::ModuleInfo;
use crate::vm::{CallRequest, Mode, Outcome};

/// What a call may do once it passed [`admit`].
pub(crate) struct Admitted {
    /// Gas charged before any Wasm runs (base + per input byte).
    pub upfront: u64,
    pub read_only: bool,
}

/// The kind of `method`: from the ABI section, or any exported function
/// counting as a call when the module has none.
pub(crate) fn kind_of(info: &ModuleInfo, method: &str) -> Option<MethodKind> {
    match &info.abi {
        Some(abi) => abi.method(method).map(|m| m.kind),
        None => info.methods.iter().any(|m| m == method).then_some(MethodKind::Call),
    }
}

/// Checks the input size, the gas limit against the upfront charge and the
/// method against the mode; a refusal is already the call's [`Outcome`].
pub(crate) fn admit(
    gas: &GasSchedule,
    limits: &Limits,
    info: &ModuleInfo,
    req: &CallRequest<'_>,
) -> Result<Admitted, Outcome> {
    let upfront = gas.call_base.saturating_add(gas.input_per_byte.saturating_mul(req.input.len() as u64));
    if req.input.len() > limits.max_input_size {
        let e = ExecError::LimitExceeded(format!(
            "call input of {} bytes exceeds the {} byte limit",
            req.input.len(),
            limits.max_input_size
        ));
        return Err(Outcome::failed(e, upfront.min(req.gas_limit), Vec::new()));
    }
    if req.gas_limit < upfront {
        return Err(Outcome::failed(ExecError::OutOfGas, req.gas_limit, Vec::new()));
    }
    let read_only = match (kind_of(info, req.method), req.mode) {
        (None, _) => return Err(Outcome::failed(ExecError::MethodNotFound(req.method.into()), upfront, Vec::new())),
        (Some(MethodKind::Init), Mode::Init) => false,
        (Some(MethodKind::Init), _) => {
            return Err(Outcome::failed(ExecError::InitOnly(req.method.into()), upfront, Vec::new()))
        }
        (Some(_), Mode::Init) => {
            return Err(Outcome::failed(
                ExecError::MethodNotFound(format!("{} (not an init method)", req.method)),
                upfront,
                Vec::new(),
            ))
        }
        (Some(MethodKind::View), _) | (_, Mode::View) => true,
        (Some(MethodKind::Call), Mode::Call) => false,
    };
    Ok(Admitted { upfront, read_only })
}

/// The outcome of a run that was given `fuel` after the upfront charge and
/// left `remaining`.
pub(crate) fn finish<M>(
    result: Result<(), ExecError>,
    gas_limit: u64,
    upfront: u64,
    fuel: u64,
    remaining: u64,
    state: HostState<M>,
) -> Outcome {
    let gas_used = match &result {
        // wasmtime keeps the running fuel count in a register and only
        // stores it at calls, so after a trap raised by Wasm itself (or a
        // builtin such as memory.grow) the count is lost. Such a trap
        // burns the whole limit, like an exceptional halt in the EVM, so
        // a contract can never burn CPU and then trap for free. The peer
        // engine follows the same rule so gas compares like for like.
        Err(e) if e.burns_all_gas() => gas_limit,
        _ => upfront + (fuel - remaining),
    };
    match result {
        Ok(()) => Outcome {
            status: Ok(()),
            return_data: state.return_data,
            gas_used,
            events: state.events,
            changes: state.overlay.into_changes(),
            logs: state.logs,
        },
        Err(e) => Outcome::failed(e, gas_used, state.logs),
    }
}
