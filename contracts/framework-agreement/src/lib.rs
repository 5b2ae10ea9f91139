//! Framework agreement (Directive 2014/24/EU Art. 33; Prozorro
//! `closeFrameworkAgreementUA` and `closeFrameworkAgreementSelectionUA`):
//! a sealed-bid competition selects up to N suppliers, then the buyer runs
//! sealed mini-competitions (call-offs) among them within the framework's
//! value and term. See README.md beside this crate for the procedure in
//! words.
//!
//! This file is the contract's entry points only; the rules live in
//! `framework` (stage 1), `calloff` (mini-competitions), `bidding` (sealed
//! bids for both) and `rules` (ranking and selection).
#![no_std]
extern crate alloc;

pub mod bidding;
pub mod calloff;
pub mod events;
pub mod framework;
pub mod rules;
pub mod state;
pub mod types;

use alloc::string::String;
use alloc::vec::Vec;
use procura_sdk::{contract, Address, ContractResult};
pub use procurement_core::{commitment, Procedure};
use state::*;
pub use types::*;

pub struct FrameworkAgreement;

#[contract]
impl FrameworkAgreement {
    // ---- Stage 1: concluding the agreement ----

    /// Opens a framework; the caller becomes its buyer. Returns its id.
    pub fn open_framework(params: FrameworkParams) -> ContractResult<u64> {
        framework::open(params)
    }

    /// Submits (or replaces) the caller's sealed stage-1 bid before the
    /// deadline: `commitment(FrameworkBid, salt)`.
    pub fn submit_bid(framework_id: u64, commitment: [u8; 32]) -> ContractResult<()> {
        framework::submit_bid(framework_id, commitment)
    }

    pub fn withdraw_bid(framework_id: u64) -> ContractResult<()> {
        framework::withdraw_bid(framework_id)
    }

    /// Reveals the caller's stage-1 bid between the deadlines.
    pub fn reveal_bid(framework_id: u64, bid: FrameworkBid, salt: [u8; 32]) -> ContractResult<()> {
        framework::reveal_bid(framework_id, bid, salt)
    }

    /// After the reveal deadline: qualification, or unsuccessful with too few
    /// valid bids. Anyone may call.
    pub fn evaluate(framework_id: u64) -> ContractResult<Stage> {
        framework::evaluate(framework_id)
    }

    pub fn reject_bidder(framework_id: u64, bidder: Address, reason: String) -> ContractResult<()> {
        framework::reject_bidder(framework_id, bidder, reason)
    }

    /// Selects up to `max_suppliers` best qualified bids; the standstill
    /// starts.
    pub fn conclude(framework_id: u64) -> ContractResult<Vec<Supplier>> {
        framework::conclude(framework_id)
    }

    pub fn complain(framework_id: u64, reason: String) -> ContractResult<()> {
        framework::complain(framework_id, reason)
    }

    pub fn resolve_complaint(framework_id: u64, upheld: bool, note: String) -> ContractResult<()> {
        framework::resolve_complaint(framework_id, upheld, note)
    }

    /// After the standstill: the agreement is in force. Anyone may call.
    pub fn finalize(framework_id: u64) -> ContractResult<Vec<Supplier>> {
        framework::finalize(framework_id)
    }

    /// After the term end: no more call-offs. Anyone may call.
    pub fn expire(framework_id: u64) -> ContractResult<()> {
        framework::expire(framework_id)
    }

    pub fn cancel(framework_id: u64, reason: String) -> ContractResult<()> {
        framework::cancel(framework_id, reason)
    }

    // ---- Call-offs (mini-competitions) ----

    /// Opens a call-off with `params.budget` held back from the framework's
    /// remaining value. Returns the call-off id.
    pub fn open_call_off(framework_id: u64, params: CallOffParams) -> ContractResult<u64> {
        calloff::open(framework_id, params)
    }

    /// A framework supplier's sealed call-off bid:
    /// `commitment(CallOffBid, salt)`.
    pub fn submit_call_off_bid(call_off_id: u64, commitment: [u8; 32]) -> ContractResult<()> {
        calloff::submit_bid(call_off_id, commitment)
    }

    pub fn withdraw_call_off_bid(call_off_id: u64) -> ContractResult<()> {
        calloff::withdraw_bid(call_off_id)
    }

    pub fn reveal_call_off_bid(call_off_id: u64, bid: CallOffBid, salt: [u8; 32]) -> ContractResult<()> {
        calloff::reveal_bid(call_off_id, bid, salt)
    }

    pub fn evaluate_call_off(call_off_id: u64) -> ContractResult<CallOffStage> {
        calloff::evaluate(call_off_id)
    }

    pub fn reject_call_off_bidder(call_off_id: u64, bidder: Address, reason: String) -> ContractResult<()> {
        calloff::reject_bidder(call_off_id, bidder, reason)
    }

    pub fn award_call_off(call_off_id: u64) -> ContractResult<CallOffAward> {
        calloff::award(call_off_id)
    }

    pub fn finalize_call_off(call_off_id: u64) -> ContractResult<CallOffAward> {
        calloff::finalize(call_off_id)
    }

    pub fn cancel_call_off(call_off_id: u64, reason: String) -> ContractResult<()> {
        calloff::cancel(call_off_id, reason)
    }

    // ---- Views ----

    #[view]
    pub fn framework(framework_id: u64) -> ContractResult<Framework> {
        state::framework(framework_id)
    }

    /// Stage-1 bids in bidder order; prices appear only once revealed.
    #[view]
    pub fn bids(framework_id: u64) -> ContractResult<Vec<BidRecord>> {
        state::framework(framework_id)?;
        Ok(bids_of(&FRAMEWORK_BIDS, framework_id))
    }

    /// The selected suppliers, best first (empty before conclusion).
    #[view]
    pub fn suppliers(framework_id: u64) -> ContractResult<Vec<Supplier>> {
        Ok(state::framework(framework_id)?.suppliers)
    }

    #[view]
    pub fn call_off(call_off_id: u64) -> ContractResult<CallOff> {
        state::call_off(call_off_id)
    }

    /// Call-off bids in bidder order; prices appear only once revealed.
    #[view]
    pub fn call_off_bids(call_off_id: u64) -> ContractResult<Vec<BidRecord>> {
        state::call_off(call_off_id)?;
        Ok(bids_of(&CALL_OFF_BIDS, call_off_id))
    }

    /// Every call-off of a framework, oldest first.
    #[view]
    pub fn call_offs(framework_id: u64) -> ContractResult<Vec<CallOff>> {
        state::framework(framework_id)?;
        calloff::FRAMEWORK_CALL_OFFS.prefix(&framework_id).map(|((_, id), ())| state::call_off(id)).collect()
    }

    #[view]
    pub fn framework_count() -> ContractResult<u64> {
        Ok(NEXT_FRAMEWORK_ID.load().unwrap_or(0))
    }

    #[view]
    pub fn call_off_count() -> ContractResult<u64> {
        Ok(NEXT_CALL_OFF_ID.load().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests;
