//! The production binding of the host functions: wasmtime's `Caller` as a
//! [`Guest`], the linker that registers every function of
//! [`for_each_host_function`], and the memory limiter.

use super::functions::{self, for_each_host_function};
use super::guest::Guest;
use super::{HostState, HostTrap};
use crate::error::ExecError;
use procura_primitives::host_abi::{import, HOST_MODULE};
use wasmtime::{Caller, Linker, Memory, ResourceLimiter};

pub(crate) fn trap(e: ExecError) -> wasmtime::Error {
    wasmtime::Error::new(HostTrap(e))
}

/// Fuel is enabled whenever a call is metered, the only time host functions
/// ask for it, so this never fires in practice.
fn fuel_error(e: wasmtime::Error) -> ExecError {
    ExecError::Host(format!("fuel is not available: {e}"))
}

impl Guest for Caller<'_, HostState> {
    type Memory = Memory;

    fn state(&self) -> &HostState {
        self.data()
    }

    fn state_mut(&mut self) -> &mut HostState {
        self.data_mut()
    }

    fn memory(&self) -> Option<&[u8]> {
        let memory = self.data().memory?;
        Some(memory.data(self))
    }

    fn memory_mut(&mut self) -> Option<&mut [u8]> {
        let memory = self.data().memory?;
        Some(memory.data_mut(self))
    }

    fn remaining_fuel(&self) -> Result<u64, ExecError> {
        Caller::get_fuel(self).map_err(fuel_error)
    }

    fn set_remaining_fuel(&mut self, fuel: u64) -> Result<(), ExecError> {
        Caller::set_fuel(self, fuel).map_err(fuel_error)
    }
}

/// Registers every host function on `linker`.
pub(crate) fn link(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    macro_rules! define {
        ($import:ident, $body:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
            linker.func_wrap(
                HOST_MODULE,
                import::$import,
                |mut c: Caller<'_, HostState>, $($arg: $ty),*| -> wasmtime::Result<$ret> {
                    functions::$body(&mut c, $($arg),*).map_err(trap)
                },
            )?;
        };
    }
    for_each_host_function!(define);
    Ok(())
}

/// Refuses growth beyond the limits with a typed trap (never a silent -1,
/// so a contract cannot spin on failed growth).
pub(crate) struct MemoryLimiter {
    pub(super) max_memory_bytes: usize,
    pub(super) max_table_elements: usize,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_memory_bytes {
            return Err(trap(ExecError::MemoryLimit(format!(
                "growing memory from {current} to {desired} bytes exceeds the {} byte limit",
                self.max_memory_bytes
            ))));
        }
        Ok(true)
    }

    /// Growth past the module's own declared maximum also fails with a
    /// typed trap rather than returning -1.
    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        Err(trap(ExecError::MemoryLimit(format!("memory growth failed: {error}"))))
    }

    fn table_growing(&mut self, current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_table_elements {
            return Err(trap(ExecError::LimitExceeded(format!(
                "growing a table from {current} to {desired} elements exceeds the {} element limit",
                self.max_table_elements
            ))));
        }
        Ok(true)
    }
}
