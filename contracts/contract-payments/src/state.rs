//! Storage layout, loading helpers and role checks.

use crate::types::*;
use alloc::vec::Vec;
use procura_sdk::{env, require, Address, ContractResult, Item, Map};

pub const NEXT_CONTRACT_ID: Item<u64> = Item::new("next_contract");
pub const CONTRACTS: Map<u64, ProcurementContract> = Map::new("contract");
pub const MILESTONES: Map<(u64, u32), Milestone> = Map::new("milestone");
pub const PAYMENTS: Map<(u64, u32), Payment> = Map::new("payment");
/// Accepted amendments, in order.
pub const AMENDMENTS: Map<(u64, u32), Amendment> = Map::new("amendment");

pub fn load(id: u64) -> ContractResult<ProcurementContract> {
    CONTRACTS.get(&id).ok_or_else(|| alloc::format!("contract {id} does not exist").into())
}

pub fn milestone(id: u64, index: u32) -> ContractResult<Milestone> {
    MILESTONES.get(&(id, index)).ok_or_else(|| alloc::format!("contract {id} has no milestone {index}").into())
}

pub fn milestones_of(id: u64) -> Vec<Milestone> {
    MILESTONES.prefix(&id).map(|(_, m)| m).collect()
}

pub fn require_active(c: &ProcurementContract, action: &str) -> ContractResult<()> {
    require!(c.status == Status::Active, "cannot {action}: contract {} is {:?}", c.id, c.status);
    Ok(())
}

pub fn require_buyer(c: &ProcurementContract) -> ContractResult<()> {
    require!(env::caller() == c.buyer, "only the buyer of contract {} may do this", c.id);
    Ok(())
}

/// The caller, who must be the buyer or the supplier.
pub fn require_party(c: &ProcurementContract) -> ContractResult<Address> {
    let caller = env::caller();
    require!(
        caller == c.buyer || caller == c.supplier,
        "only the buyer or the supplier of contract {} may do this",
        c.id
    );
    Ok(caller)
}
