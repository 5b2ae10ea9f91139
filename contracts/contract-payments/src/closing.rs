//! The end of a contract: completion when every milestone is accepted and
//! paid in full, or early termination by either party.

use crate::events::*;
use crate::state::*;
use crate::types::*;
use alloc::string::String;
use procura_sdk::{emit, require, ContractResult};
use procurement_core::check_reason;

fn close(mut c: ProcurementContract, status: Status, topic: &str, reason: String) {
    let by = procura_sdk::env::caller();
    c.status = status;
    c.pending_amendment = None;
    c.closing_reason = Some(reason.clone());
    emit(
        topic,
        &ContractClosed {
            budget_line: c.budget_line.clone(),
            contract_id: c.id,
            supplier: c.supplier,
            value: c.value,
            paid: c.paid,
            currency: c.currency.clone(),
            by,
            reason,
        },
    );
    CONTRACTS.set(&c.id, &c);
}

pub fn complete(id: u64, note: String) -> ContractResult<()> {
    let c = load(id)?;
    require_buyer(&c)?;
    require_active(&c, "complete")?;
    check_reason("a completion", &note)?;
    for m in milestones_of(id) {
        require!(m.status == MilestoneStatus::Accepted, "milestone {} is {:?}, not Accepted", m.index, m.status);
        require!(m.paid == m.amount, "milestone {} is paid {} of {}", m.index, m.paid, m.amount);
    }
    close(c, Status::Completed, CONTRACT_COMPLETED, note);
    Ok(())
}

pub fn terminate(id: u64, reason: String) -> ContractResult<()> {
    let c = load(id)?;
    require_party(&c)?;
    require_active(&c, "terminate")?;
    check_reason("a termination", &reason)?;
    close(c, Status::Terminated, CONTRACT_TERMINATED, reason);
    Ok(())
}
