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

pub mod abi;
pub mod cache;
pub mod cross;
pub mod engine;
pub mod error;
pub mod gas;
pub mod host;
pub mod limits;
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
pub use state::{MemStorage, StateChanges, Storage};
pub use vm::{code_hash, CallRequest, Contract, Mode, Outcome, Vm, VmConfig};
