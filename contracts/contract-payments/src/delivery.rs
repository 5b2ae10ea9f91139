//! Deliveries against milestones and the buyer's acceptance or rejection.

use crate::events::*;
use crate::state::*;
use crate::types::*;
use alloc::string::String;
use procura_sdk::{emit, env, require, ContractResult};
use procurement_core::check_reason;

/// The supplier (or the buyer, e.g. for an on-site acceptance) records a
/// delivery. A rejected milestone may be delivered again.
pub fn record(id: u64, index: u32, document_hash: [u8; 32]) -> ContractResult<()> {
    let c = load(id)?;
    let by = require_party(&c)?;
    require_active(&c, "record a delivery")?;
    let mut m = milestone(id, index)?;
    require!(
        matches!(m.status, MilestoneStatus::Pending | MilestoneStatus::Rejected),
        "milestone {index} is {:?}: nothing to deliver",
        m.status
    );
    let at = env::block_time();
    m.status = MilestoneStatus::Delivered;
    m.delivery = Some(Delivery { document_hash, by, at });
    MILESTONES.set(&(id, index), &m);
    emit(
        DELIVERY_RECORDED,
        &DeliveryRecorded { contract_id: id, milestone: index, by, document_hash, late: at > m.due },
    );
    Ok(())
}

fn decide(id: u64, index: u32, accept: bool, reason: String) -> ContractResult<()> {
    let c = load(id)?;
    require_buyer(&c)?;
    require_active(&c, "decide on a delivery")?;
    let mut m = milestone(id, index)?;
    require!(m.status == MilestoneStatus::Delivered, "milestone {index} is {:?}, not Delivered", m.status);
    if accept {
        m.status = MilestoneStatus::Accepted;
        m.rejection = None;
    } else {
        check_reason("a rejection", &reason)?;
        m.status = MilestoneStatus::Rejected;
        m.rejection = Some(reason.clone());
    }
    MILESTONES.set(&(id, index), &m);
    let topic = if accept { DELIVERY_ACCEPTED } else { DELIVERY_REJECTED };
    emit(topic, &DeliveryDecision { contract_id: id, milestone: index, reason });
    Ok(())
}

pub fn accept(id: u64, index: u32) -> ContractResult<()> {
    decide(id, index, true, String::new())
}

pub fn reject(id: u64, index: u32, reason: String) -> ContractResult<()> {
    decide(id, index, false, reason)
}
