use alloc::string::String;
use core::fmt;

/// An error a contract method returns; its message reaches the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractError(pub String);

impl ContractError {
    pub fn new(message: impl Into<String>) -> Self {
        ContractError(message.into())
    }
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ContractError {
    fn from(s: &str) -> Self {
        ContractError(s.into())
    }
}

impl From<String> for ContractError {
    fn from(s: String) -> Self {
        ContractError(s)
    }
}

pub type ContractResult<T> = Result<T, ContractError>;
