//! What a host function needs from the engine that runs it, as one small
//! trait, and the helpers every host function shares (gas, bounds-checked
//! guest memory, length limits). Written against the trait so the same
//! bytes, checks and charges happen whichever engine runs the contract.

use super::HostState;
use crate::error::ExecError;
use crate::gas::Cost;
use procura_primitives::host_abi::NONE;

/// One engine's view of a running call, as seen from inside a host function
/// (wasmtime's or wasmi's `Caller`).
pub(crate) trait Guest {
    /// The engine's handle to the contract's linear memory.
    type Memory;
    fn state(&self) -> &HostState<Self::Memory>;
    fn state_mut(&mut self) -> &mut HostState<Self::Memory>;
    /// The contract's linear memory, or `None` before the executor has set it.
    fn memory(&self) -> Option<&[u8]>;
    fn memory_mut(&mut self) -> Option<&mut [u8]>;
    /// Fuel left; only asked for when the call is metered, where the engine
    /// always has fuel enabled.
    fn remaining_fuel(&self) -> Result<u64, ExecError>;
    fn set_remaining_fuel(&mut self, fuel: u64) -> Result<(), ExecError>;
}

/// Takes `cost` for `bytes` out of the call's fuel, or fails with
/// [`ExecError::OutOfGas`] leaving none.
pub(crate) fn charge<G: Guest>(g: &mut G, cost: Cost, bytes: usize) -> Result<(), ExecError> {
    if !g.state().metered {
        return Ok(());
    }
    let amount = cost.of(bytes);
    let fuel = g.remaining_fuel()?;
    if fuel < amount {
        g.set_remaining_fuel(0)?;
        return Err(ExecError::OutOfGas);
    }
    g.set_remaining_fuel(fuel - amount)
}

fn no_memory() -> ExecError {
    ExecError::Host("contract memory is not set".into())
}

fn range(ptr: i32, len: i32, mem_len: usize) -> Result<std::ops::Range<usize>, ExecError> {
    let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
    match ptr.checked_add(len) {
        Some(end) if end <= mem_len => Ok(ptr..end),
        _ => Err(ExecError::BadMemoryAccess),
    }
}

pub(crate) fn read_bytes<G: Guest>(g: &G, ptr: i32, len: i32) -> Result<Vec<u8>, ExecError> {
    let data = g.memory().ok_or_else(no_memory)?;
    Ok(data[range(ptr, len, data.len())?].to_vec())
}

pub(crate) fn write_bytes<G: Guest>(g: &mut G, ptr: i32, bytes: &[u8]) -> Result<(), ExecError> {
    let data = g.memory_mut().ok_or_else(no_memory)?;
    let r = range(ptr, bytes.len() as i32, data.len())?;
    data[r].copy_from_slice(bytes);
    Ok(())
}

pub(crate) fn check_len(what: &str, len: i32, limit: usize) -> Result<(), ExecError> {
    if len < 0 || len as usize > limit {
        return Err(ExecError::LimitExceeded(format!("{what} of {} bytes exceeds the {limit} byte limit", len as u32)));
    }
    Ok(())
}

pub(crate) fn refuse_in_view<G: Guest>(g: &G) -> Result<(), ExecError> {
    if g.state().read_only {
        return Err(ExecError::WriteInView);
    }
    Ok(())
}

/// Puts `value` in the buffer and returns its length, or [`NONE`].
pub(crate) fn to_buffer<G: Guest>(g: &mut G, value: Option<Vec<u8>>) -> i64 {
    match value {
        Some(v) => {
            let len = v.len() as i64;
            g.state_mut().buffer = v;
            len
        }
        None => {
            g.state_mut().buffer.clear();
            NONE
        }
    }
}
