//! Storage layout and loading helpers.

use crate::bidding::Bids;
use crate::types::{CallOff, Framework};
use procura_sdk::{env, require, ContractResult, Item, Map};

pub const NEXT_FRAMEWORK_ID: Item<u64> = Item::new("next_fw");
pub const FRAMEWORKS: Map<u64, Framework> = Map::new("fw");
pub const FRAMEWORK_BIDS: Bids = Map::new("fw_bid");
pub const NEXT_CALL_OFF_ID: Item<u64> = Item::new("next_co");
pub const CALL_OFFS: Map<u64, CallOff> = Map::new("co");
pub const CALL_OFF_BIDS: Bids = Map::new("co_bid");

pub fn next_id(counter: &Item<u64>) -> u64 {
    let id = counter.load().unwrap_or(0);
    counter.save(&(id + 1));
    id
}

pub fn framework(id: u64) -> ContractResult<Framework> {
    FRAMEWORKS.get(&id).ok_or_else(|| alloc::format!("framework {id} does not exist").into())
}

pub fn call_off(id: u64) -> ContractResult<CallOff> {
    CALL_OFFS.get(&id).ok_or_else(|| alloc::format!("call-off {id} does not exist").into())
}

pub fn require_buyer(fw: &Framework) -> ContractResult<()> {
    require!(env::caller() == fw.buyer, "only the buyer of framework {} may do this", fw.id);
    Ok(())
}

pub fn bids_of(bids: &Bids, id: u64) -> alloc::vec::Vec<crate::types::BidRecord> {
    bids.prefix(&id).map(|(_, b)| b).collect()
}
