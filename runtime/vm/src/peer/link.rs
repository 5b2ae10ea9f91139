//! wasmi's `Caller` as a [`Guest`], and the linker registering every host
//! function of [`for_each_host_function`] with the shared bodies.

use super::PeerState;
use crate::error::ExecError;
use crate::host::functions::{self, for_each_host_function};
use crate::host::guest::Guest;
use crate::host::{HostState, HostTrap};
use procura_primitives::host_abi::{import, HOST_MODULE};
use wasmi::{Caller, Linker};

fn trap(e: ExecError) -> wasmi::Error {
    wasmi::Error::host(HostTrap(e))
}

/// Fuel is enabled whenever the peer is metered, the only time host
/// functions ask for it.
fn fuel_error(e: wasmi::Error) -> ExecError {
    ExecError::Host(format!("fuel is not available: {e}"))
}

impl Guest for Caller<'_, PeerState> {
    type Memory = wasmi::Memory;

    fn state(&self) -> &HostState<wasmi::Memory> {
        &self.data().host
    }

    fn state_mut(&mut self) -> &mut HostState<wasmi::Memory> {
        &mut self.data_mut().host
    }

    fn memory(&self) -> Option<&[u8]> {
        let memory = self.data().host.memory?;
        Some(memory.data(self))
    }

    fn memory_mut(&mut self) -> Option<&mut [u8]> {
        let memory = self.data().host.memory?;
        Some(memory.data_mut(self))
    }

    fn remaining_fuel(&self) -> Result<u64, ExecError> {
        Caller::get_fuel(self).map_err(fuel_error)
    }

    fn set_remaining_fuel(&mut self, fuel: u64) -> Result<(), ExecError> {
        Caller::set_fuel(self, fuel).map_err(fuel_error)
    }
}

pub(super) fn link(linker: &mut Linker<PeerState>) -> Result<(), wasmi::errors::LinkerError> {
    macro_rules! define {
        ($import:ident, $body:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty) => {
            linker.func_wrap(
                HOST_MODULE,
                import::$import,
                |mut c: Caller<'_, PeerState>, $($arg: $ty),*| -> Result<$ret, wasmi::Error> {
                    functions::$body(&mut c, $($arg),*).map_err(trap)
                },
            )?;
        };
    }
    for_each_host_function!(define);
    Ok(())
}
