//! Contract implementation (OCDS `contract` and `implementation`): after the
//! award the buyer registers the contract with its budget line and
//! milestones; deliveries, acceptances, payments and two-party amendments
//! follow, and every fund movement is an event naming budget line, contract
//! and supplier. See README.md beside this crate.
//!
//! This file is the entry points only; the rules live in `register`,
//! `delivery`, `payment`, `amendment` and `closing`.
#![no_std]
extern crate alloc;

pub mod amendment;
pub mod closing;
pub mod delivery;
pub mod events;
pub mod payment;
pub mod register;
pub mod state;
pub mod types;

use alloc::string::String;
use alloc::vec::Vec;
use procura_sdk::{contract, ContractResult};
use state::*;
pub use types::*;

pub struct ContractPayments;

#[contract]
impl ContractPayments {
    /// Registers an awarded contract; the caller becomes its buyer. Returns
    /// the contract id.
    pub fn register_contract(params: ContractParams) -> ContractResult<u64> {
        register::register(params)
    }

    /// The supplier (or buyer) records a delivery against a milestone.
    pub fn record_delivery(contract_id: u64, milestone: u32, document_hash: [u8; 32]) -> ContractResult<()> {
        delivery::record(contract_id, milestone, document_hash)
    }

    pub fn accept_delivery(contract_id: u64, milestone: u32) -> ContractResult<()> {
        delivery::accept(contract_id, milestone)
    }

    pub fn reject_delivery(contract_id: u64, milestone: u32, reason: String) -> ContractResult<()> {
        delivery::reject(contract_id, milestone, reason)
    }

    /// The buyer records a payment against an accepted milestone.
    pub fn record_payment(
        contract_id: u64,
        milestone: u32,
        amount: u128,
        reference: String,
    ) -> ContractResult<Payment> {
        payment::record(contract_id, milestone, amount, reference)
    }

    /// One party proposes an amendment; returns its id.
    pub fn propose_amendment(contract_id: u64, terms: AmendmentTerms) -> ContractResult<u32> {
        amendment::propose(contract_id, terms)
    }

    /// The other party signs the pending amendment.
    pub fn accept_amendment(contract_id: u64, amendment_id: u32) -> ContractResult<()> {
        amendment::accept(contract_id, amendment_id)
    }

    /// The proposer withdraws, or the other party declines, the pending
    /// amendment.
    pub fn withdraw_amendment(contract_id: u64, amendment_id: u32, reason: String) -> ContractResult<()> {
        amendment::withdraw(contract_id, amendment_id, reason)
    }

    pub fn complete(contract_id: u64, note: String) -> ContractResult<()> {
        closing::complete(contract_id, note)
    }

    pub fn terminate(contract_id: u64, reason: String) -> ContractResult<()> {
        closing::terminate(contract_id, reason)
    }

    #[view]
    pub fn contract(contract_id: u64) -> ContractResult<ProcurementContract> {
        load(contract_id)
    }

    #[view]
    pub fn milestones(contract_id: u64) -> ContractResult<Vec<Milestone>> {
        load(contract_id)?;
        Ok(milestones_of(contract_id))
    }

    /// Every payment, oldest first.
    #[view]
    pub fn payments(contract_id: u64) -> ContractResult<Vec<Payment>> {
        load(contract_id)?;
        Ok(PAYMENTS.prefix(&contract_id).map(|(_, p)| p).collect())
    }

    /// Signed amendments, oldest first.
    #[view]
    pub fn amendments(contract_id: u64) -> ContractResult<Vec<Amendment>> {
        load(contract_id)?;
        Ok(AMENDMENTS.prefix(&contract_id).map(|(_, a)| a).collect())
    }

    #[view]
    pub fn totals(contract_id: u64) -> ContractResult<Totals> {
        let c = load(contract_id)?;
        let ms = milestones_of(contract_id);
        let accepted = ms.iter().filter(|m| m.status == MilestoneStatus::Accepted);
        Ok(Totals {
            original_value: c.original_value,
            value: c.value,
            value_cap: amendment::value_cap(c.original_value, c.amendment_cap_bps),
            milestones_total: ms.iter().map(|m| m.amount).sum(),
            accepted_total: accepted.map(|m| m.amount).sum(),
            paid: c.paid,
            unpaid: c.value - c.paid,
        })
    }

    #[view]
    pub fn contract_count() -> ContractResult<u64> {
        Ok(NEXT_CONTRACT_ID.load().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests;
