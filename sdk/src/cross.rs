//! Synchronous, read-only calls into other contracts (a tender asking the
//! supplier registry whether a bidder is eligible, say). The callee runs as
//! a view: it cannot write, emit events, or call back into any contract
//! already on the call stack, so there is no re-entrancy into a writing
//! call. Its gas comes out of the caller's limit.

use crate::{host, Address, ContractError, ContractResult};
use alloc::format;
use borsh::{BorshDeserialize, BorshSerialize};

/// Calls view `method` of the contract at `target` with `args` (a tuple of
/// the method's arguments, as for any call) and decodes its result.
///
/// ```ignore
/// let eligible: bool = cross::view(&registry, "is_eligible", &(bidder, now))?;
/// ```
pub fn view<A: BorshSerialize, R: BorshDeserialize>(target: &Address, method: &str, args: &A) -> ContractResult<R> {
    let input =
        borsh::to_vec(args).map_err(|e| ContractError(format!("cannot encode arguments of `{method}`: {e}")))?;
    let output = host::call_view(target, method, &input)
        .map_err(|e| ContractError(format!("view `{method}` of contract {target} failed: {e}")))?;
    R::try_from_slice(&output)
        .map_err(|e| ContractError(format!("view `{method}` of contract {target} returned an unexpected value: {e}")))
}
