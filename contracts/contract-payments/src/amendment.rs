//! Amendments: one party proposes new terms (value, milestone amounts, new
//! milestones), the other signs. The value may never rise above the cap set
//! at registration (Directive 2014/24/EU Art. 72) nor fall below what is
//! already paid or committed to milestones.

use crate::events::*;
use crate::register::{check_milestone, new_milestone, sum, MAX_MILESTONES};
use crate::state::*;
use crate::types::*;
use alloc::string::String;
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, ContractResult};
use procurement_core::check_reason;

/// `original + original × cap_bps / 10 000`, rounded down, without
/// overflow in the multiplication.
pub fn value_cap(original: u128, cap_bps: u32) -> u128 {
    let bps = cap_bps as u128;
    let raise = original / 10_000 * bps + original % 10_000 * bps / 10_000;
    original.saturating_add(raise)
}

/// Checks `terms` against the contract as it stands now (payments may have
/// been made since the proposal) and returns the milestone amounts they
/// would leave, existing ones first.
fn check_terms(c: &ProcurementContract, terms: &AmendmentTerms) -> ContractResult<Vec<u128>> {
    check_reason("an amendment", &terms.reason)?;
    let cap = value_cap(c.original_value, c.amendment_cap_bps);
    require!(
        terms.new_value <= cap,
        "the new value {} exceeds the cap of {cap} ({} bps above the original {})",
        terms.new_value,
        c.amendment_cap_bps,
        c.original_value
    );
    require!(terms.new_value >= c.paid, "the new value {} is below what is already paid ({})", terms.new_value, c.paid);
    let mut milestones = milestones_of(c.id);
    let mut changed = terms.new_value != c.value || !terms.new_milestones.is_empty();
    for (i, (index, amount)) in terms.milestone_amounts.iter().enumerate() {
        require!(
            !terms.milestone_amounts[..i].iter().any(|(other, _)| other == index),
            "milestone {index} is amended twice"
        );
        let m = milestones.get_mut(*index as usize).ok_or_else(|| alloc::format!("no milestone {index}"))?;
        require!(*amount > 0, "milestone {index}: the amount must be positive");
        require!(*amount >= m.paid, "milestone {index}: the new amount {amount} is below what is paid ({})", m.paid);
        changed |= *amount != m.amount;
        m.amount = *amount;
    }
    require!(changed, "the amendment changes nothing");
    require!(milestones.len() + terms.new_milestones.len() <= MAX_MILESTONES, "at most {MAX_MILESTONES} milestones");
    for m in &terms.new_milestones {
        check_milestone(m)?;
    }
    let amounts: Vec<u128> =
        milestones.iter().map(|m| m.amount).chain(terms.new_milestones.iter().map(|m| m.amount)).collect();
    let total = sum(amounts.iter())?;
    require!(
        total <= terms.new_value,
        "the milestones would total {total}, more than the new value {}",
        terms.new_value
    );
    Ok(amounts)
}

pub fn propose(id: u64, terms: AmendmentTerms) -> ContractResult<u32> {
    let mut c = load(id)?;
    let proposer = require_party(&c)?;
    require_active(&c, "amend")?;
    require!(c.pending_amendment.is_none(), "an amendment already awaits signature; withdraw it first");
    check_terms(&c, &terms)?;
    let amendment_id = c.amendment_count;
    c.amendment_count += 1;
    emit(
        AMENDMENT_PROPOSED,
        &AmendmentProposed {
            contract_id: id,
            amendment_id,
            proposer,
            old_value: c.value,
            new_value: terms.new_value,
            reason: terms.reason.clone(),
        },
    );
    c.pending_amendment =
        Some(Amendment { id: amendment_id, proposer, terms, proposed_at: env::block_time(), accepted_at: None });
    CONTRACTS.set(&id, &c);
    Ok(amendment_id)
}

/// The other party signs amendment `amendment_id` (naming it guards against
/// signing a different proposal than the one read).
pub fn accept(id: u64, amendment_id: u32) -> ContractResult<()> {
    let mut c = load(id)?;
    let signer = require_party(&c)?;
    require_active(&c, "amend")?;
    let mut a = c.pending_amendment.take().ok_or("no amendment awaits signature")?;
    require!(a.id == amendment_id, "the pending amendment is {}, not {amendment_id}", a.id);
    require!(signer != a.proposer, "the amendment must be signed by the other party");
    check_terms(&c, &a.terms)?;
    for (index, amount) in &a.terms.milestone_amounts {
        let mut m = milestone(id, *index)?;
        m.amount = *amount;
        MILESTONES.set(&(id, *index), &m);
    }
    for spec in a.terms.new_milestones.iter().cloned() {
        MILESTONES.set(&(id, c.milestone_count), &new_milestone(c.milestone_count, spec));
        c.milestone_count += 1;
    }
    let old_value = c.value;
    c.value = a.terms.new_value;
    a.accepted_at = Some(env::block_time());
    AMENDMENTS.set(&(id, a.id), &a);
    CONTRACTS.set(&id, &c);
    emit(
        AMENDMENT_ACCEPTED,
        &AmendmentAccepted {
            budget_line: c.budget_line,
            contract_id: id,
            amendment_id,
            supplier: c.supplier,
            original_value: c.original_value,
            old_value,
            new_value: c.value,
            currency: c.currency,
        },
    );
    Ok(())
}

/// Either party drops the pending amendment: the proposer withdraws it, the
/// other party declines it.
pub fn withdraw(id: u64, amendment_id: u32, reason: String) -> ContractResult<()> {
    let mut c = load(id)?;
    let by = require_party(&c)?;
    let a = c.pending_amendment.take().ok_or("no amendment awaits signature")?;
    require!(a.id == amendment_id, "the pending amendment is {}, not {amendment_id}", a.id);
    check_reason("withdrawing an amendment", &reason)?;
    CONTRACTS.set(&id, &c);
    emit(AMENDMENT_WITHDRAWN, &AmendmentWithdrawn { contract_id: id, amendment_id, by, reason });
    Ok(())
}
