//! Registration of a contract after the award: its parties, value,
//! budget line and milestones.

use crate::events::*;
use crate::state::*;
use crate::types::*;
use procura_sdk::{emit, env, require, Address, ContractResult};
use procurement_core::check_currency;

/// Default amendment cap: 10% of the original value (the de minimis
/// threshold for services and supplies, Directive 2014/24/EU Art. 72(2)).
pub const DEFAULT_AMENDMENT_CAP_BPS: u32 = 1_000;
/// No cap above 50%: the ceiling for each modification under Art. 72(1)(b)
/// and (c).
pub const MAX_AMENDMENT_CAP_BPS: u32 = 5_000;
pub const MAX_MILESTONES: usize = 100;
pub const MAX_TITLE: usize = 200;
pub const MAX_BUDGET_LINE: usize = 64;

pub fn check_milestone(m: &MilestoneSpec) -> ContractResult<()> {
    require!(!m.title.trim().is_empty(), "a milestone needs a title");
    require!(m.title.len() <= MAX_TITLE, "a milestone title is longer than {MAX_TITLE} bytes");
    require!(m.amount > 0, "milestone {:?}: the amount must be positive", m.title);
    Ok(())
}

/// The sum of amounts, or an error on overflow.
pub fn sum<'a>(mut amounts: impl Iterator<Item = &'a u128>) -> ContractResult<u128> {
    amounts.try_fold(0u128, |acc, a| acc.checked_add(*a)).ok_or_else(|| "the milestone amounts overflow".into())
}

fn check_params(p: &ContractParams, buyer: Address) -> ContractResult<()> {
    check_currency(&p.currency)?;
    require!(p.supplier != buyer, "the buyer cannot be its own supplier");
    require!(p.supplier != Address::ZERO, "the supplier address is missing");
    require!(p.value > 0, "the value must be positive");
    require!(!p.budget_line.trim().is_empty(), "a contract needs a budget line");
    require!(p.budget_line.len() <= MAX_BUDGET_LINE, "the budget line is longer than {MAX_BUDGET_LINE} bytes");
    require!(!p.milestones.is_empty(), "a contract needs at least one milestone");
    require!(p.milestones.len() <= MAX_MILESTONES, "at most {MAX_MILESTONES} milestones");
    for m in &p.milestones {
        check_milestone(m)?;
    }
    let total = sum(p.milestones.iter().map(|m| &m.amount))?;
    require!(total <= p.value, "the milestones total {total}, more than the value {}", p.value);
    let cap = p.amendment_cap_bps.unwrap_or(DEFAULT_AMENDMENT_CAP_BPS);
    require!(cap <= MAX_AMENDMENT_CAP_BPS, "the amendment cap may not exceed {MAX_AMENDMENT_CAP_BPS} bps (50%)");
    Ok(())
}

pub fn new_milestone(index: u32, spec: MilestoneSpec) -> Milestone {
    Milestone {
        index,
        title: spec.title,
        amount: spec.amount,
        due: spec.due,
        status: MilestoneStatus::Pending,
        delivery: None,
        rejection: None,
        paid: 0,
    }
}

pub fn register(p: ContractParams) -> ContractResult<u64> {
    let buyer = env::caller();
    check_params(&p, buyer)?;
    let id = NEXT_CONTRACT_ID.load().unwrap_or(0);
    NEXT_CONTRACT_ID.save(&(id + 1));
    let count = p.milestones.len() as u32;
    for (i, spec) in p.milestones.into_iter().enumerate() {
        MILESTONES.set(&(id, i as u32), &new_milestone(i as u32, spec));
    }
    let c = ProcurementContract {
        id,
        buyer,
        supplier: p.supplier,
        tender: p.tender,
        currency: p.currency,
        budget_line: p.budget_line,
        document_hash: p.document_hash,
        original_value: p.value,
        value: p.value,
        amendment_cap_bps: p.amendment_cap_bps.unwrap_or(DEFAULT_AMENDMENT_CAP_BPS),
        paid: 0,
        milestone_count: count,
        payment_count: 0,
        amendment_count: 0,
        pending_amendment: None,
        status: Status::Active,
        registered_at: env::block_time(),
        closing_reason: None,
    };
    emit(
        CONTRACT_REGISTERED,
        &ContractRegistered {
            contract_id: id,
            budget_line: c.budget_line.clone(),
            buyer,
            supplier: c.supplier,
            tender: c.tender.clone(),
            value: c.value,
            currency: c.currency.clone(),
            milestones: count,
        },
    );
    CONTRACTS.set(&id, &c);
    Ok(id)
}
