//! Synchronous, read-only calls from one contract into another
//! (`call_view`). The callee runs as a view in its own store against the
//! same block state: it cannot write, emit events or call further, so a
//! writing call can never be re-entered. Its gas comes out of the caller's,
//! with the caller keeping 1/64 of what remains (as EIP-150 does) so that it
//! can still handle a failed callee.

use crate::host::{CallContext, HostState};
use crate::state::Storage;
use crate::vm::{CallRequest, Contract, Mode, Vm};
use procura_primitives::Address;
use std::sync::Arc;

/// The contracts a call can reach through `call_view`: the chain's deployed
/// contracts with their storage as of the running block.
pub trait ContractWorld {
    /// The contract at `address` and a read view of its storage, or `None`
    /// when nothing is deployed there.
    fn contract_at(&self, address: &Address) -> Option<(Arc<Contract>, Box<dyn Storage + '_>)>;
}

/// A world with no other contracts: every `call_view` fails cleanly.
pub struct NoContracts;

impl ContractWorld for NoContracts {
    fn contract_at(&self, _: &Address) -> Option<(Arc<Contract>, Box<dyn Storage + '_>)> {
        None
    }
}

/// How deep views may nest below the outermost call. One level keeps the
/// native stack bounded (each store gets its own Wasm stack budget) and rules
/// out call cycles by construction.
pub const MAX_NESTED_VIEWS: usize = 1;

/// What a running call needs to start a nested view.
pub(crate) struct CrossCalls {
    pub vm: &'static Vm,
    pub world: &'static dyn ContractWorld,
    /// Contracts on the call stack, outermost first (the running one last).
    pub stack: Vec<Address>,
}

/// Runs `method` of `target` as a nested view with at most 63/64 of
/// `gas_available`. Returns the callee's result, or its failure message
/// (out of gas included) for the caller to handle, and the gas it used.
pub(crate) fn nested_view<M>(
    state: &HostState<M>,
    target: Address,
    method: &str,
    args: &[u8],
    gas_available: u64,
) -> (Result<Vec<u8>, String>, u64) {
    let Some(cross) = &state.cross else {
        return (Err("cross-contract calls are not available here".into()), 0);
    };
    if cross.stack.len() > MAX_NESTED_VIEWS {
        return (Err(format!("a view reached by call_view cannot call further (limit {MAX_NESTED_VIEWS} level)")), 0);
    }
    if cross.stack.contains(&target) {
        return (Err(format!("contract {target} is already on the call stack; re-entrant calls are refused")), 0);
    }
    let Some((contract, storage)) = cross.world.contract_at(&target) else {
        return (Err(format!("no contract at {target}")), 0);
    };
    let gas_limit = gas_available - gas_available / 64;
    let ctx = CallContext { caller: state.ctx.contract, contract: target, ..state.ctx };
    let mut stack = cross.stack.clone();
    stack.push(target);
    let req = CallRequest { ctx, method, input: args, gas_limit, mode: Mode::View };
    let outcome = cross.vm.execute_nested(&contract, req, storage.as_ref(), cross.world, stack);
    (outcome.status.map(|()| outcome.return_data).map_err(|e| e.to_string()), outcome.gas_used)
}
