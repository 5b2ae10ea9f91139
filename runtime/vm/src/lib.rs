//! `procura-vm`: the deterministic, metered wasmtime host that runs Procura
//! contracts.
//!
//! - [`validate`]: static checks at upload (feature set, imports, limits).
//! - [`engine`]: the wasmtime configuration that makes execution deterministic.
//! - [`cache`]: compiled modules in memory and on disk.
//! - [`host`]: the host functions of ABI `procura_v1` (see `docs/host-api.md`).
//! - [`cross`]: read-only calls from one contract into another.
//! - [`gas`]: the gas schedule.
//! - [`state`]: what a call reads and the changes it produces.
//! - [`vm`]: [`Vm::execute`], the single entry point for a call.
//! - `peer` (feature `peer-wasmi`): the same host functions on the wasmi
//!   interpreter, for comparison only.

pub mod abi;
pub mod cache;
mod call;
pub mod cross;
pub mod engine;
pub mod error;
pub mod gas;
pub mod host;
pub mod limits;
#[cfg(feature = "peer-wasmi")]
pub mod peer;
pub mod state;
pub mod validate;
pub mod vm;

pub use abi::{ContractAbi, MethodAbi, MethodKind};
pub use cross::{ContractWorld, NoContracts};
pub use engine::Metering;
pub use error::{ExecError, UploadError};
pub use gas::GasSchedule;
pub use host::CallContext;
pub use limits::Limits;
#[cfg(feature = "peer-wasmi")]
pub use peer::{PeerContract, PeerVm};
pub use state::{MemStorage, StateChanges, Storage};
pub use vm::{code_hash, CallRequest, Contract, Mode, Outcome, Vm, VmConfig};
