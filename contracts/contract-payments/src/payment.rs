//! Payments against accepted milestones: never more than the milestone's
//! amount, never more than the contract's (amended) value.

use crate::events::*;
use crate::state::*;
use crate::types::*;
use alloc::string::String;
use procura_sdk::{emit, env, require, ContractResult};

pub const MAX_REFERENCE: usize = 128;

pub fn record(id: u64, index: u32, amount: u128, reference: String) -> ContractResult<Payment> {
    let mut c = load(id)?;
    require_buyer(&c)?;
    require_active(&c, "record a payment")?;
    let mut m = milestone(id, index)?;
    require!(m.status == MilestoneStatus::Accepted, "milestone {index} is {:?}: only accepted work is paid", m.status);
    require!(amount > 0, "the amount must be positive");
    require!(reference.len() <= MAX_REFERENCE, "the payment reference is longer than {MAX_REFERENCE} bytes");
    let milestone_paid = m.paid.checked_add(amount).ok_or("amount overflows")?;
    require!(
        milestone_paid <= m.amount,
        "milestone {index}: paying {amount} would bring it to {milestone_paid}, above its amount {}",
        m.amount
    );
    let cumulative_paid = c.paid.checked_add(amount).ok_or("amount overflows")?;
    require!(
        cumulative_paid <= c.value,
        "paying {amount} would bring the contract to {cumulative_paid}, above its value {}",
        c.value
    );
    m.paid = milestone_paid;
    c.paid = cumulative_paid;
    let payment =
        Payment { seq: c.payment_count, milestone: index, amount, at: env::block_time(), reference, cumulative_paid };
    c.payment_count += 1;
    PAYMENTS.set(&(id, payment.seq), &payment);
    MILESTONES.set(&(id, index), &m);
    CONTRACTS.set(&id, &c);
    emit(
        PAYMENT_RECORDED,
        &PaymentRecorded {
            budget_line: c.budget_line,
            contract_id: id,
            milestone: index,
            supplier: c.supplier,
            amount,
            currency: c.currency,
            cumulative_paid,
            milestone_paid,
            payment_seq: payment.seq,
            reference: payment.reference.clone(),
        },
    );
    Ok(payment)
}
