//! Governance: the validator set and the procuring-entity registry are set
//! at genesis and change only through a proposal approved by a threshold of
//! the current governors. Each approval is a transaction the governor
//! signed, so the chain itself holds the evidence. The node reads the
//! validator set from this contract's state; tenders ask
//! `is_procuring_entity` before they open. See README.md beside this crate.
#![no_std]
extern crate alloc;

pub mod events;
pub mod types;

use alloc::vec::Vec;
use events::*;
use procura_sdk::{contract, emit, env, require, Address, ContractResult, Item, Map};
pub use types::*;

pub const MAX_GOVERNORS: usize = 32;
pub const MAX_VALIDATORS: usize = 64;

const GOVERNORS: Item<Vec<Address>> = Item::new("governors");
const THRESHOLD: Item<u32> = Item::new("threshold");
/// Bumped by `SetGovernors`: pending proposals of an older epoch lapse.
const EPOCH: Item<u64> = Item::new("epoch");
/// The governance-controlled validator set (ed25519 keys, in order).
const VALIDATORS: Item<Vec<[u8; 32]>> = Item::new("validators");
const ENTITIES: Map<Address, bool> = Map::new("entity");
const PROPOSALS: Map<u64, Proposal> = Map::new("proposal");
const NEXT_ID: Item<u64> = Item::new("next_id");

fn check_governors(governors: &[Address], threshold: u32) -> ContractResult<()> {
    require!(!governors.is_empty() && governors.len() <= MAX_GOVERNORS, "1 to {MAX_GOVERNORS} governors");
    let mut sorted = governors.to_vec();
    sorted.sort();
    sorted.dedup();
    require!(sorted.len() == governors.len(), "a governor is listed twice");
    require!(
        threshold >= 1 && threshold as usize <= governors.len(),
        "the threshold must be between 1 and the number of governors ({})",
        governors.len()
    );
    Ok(())
}

fn require_governor() -> ContractResult<Address> {
    let caller = env::caller();
    require!(
        GOVERNORS.load().unwrap_or_default().contains(&caller),
        "{caller} is not a governor: only governors may propose or approve changes"
    );
    Ok(caller)
}

fn load_pending(id: u64) -> ContractResult<Proposal> {
    let p = PROPOSALS.get(&id).ok_or_else(|| alloc::format!("no proposal {id}"))?;
    require!(p.status == ProposalStatus::Pending, "proposal {id} was already executed");
    require!(
        p.epoch == EPOCH.load().unwrap_or(0),
        "proposal {id} lapsed: the governors changed after it was made; propose it again"
    );
    Ok(p)
}

/// Applies an approved change; checks that it leaves a working chain.
fn apply(change: &Change) -> ContractResult<()> {
    match change {
        Change::AddProcuringEntity(a) => {
            require!(!ENTITIES.has(a), "{a} is already a procuring entity");
            ENTITIES.set(a, &true);
        }
        Change::RemoveProcuringEntity(a) => {
            require!(ENTITIES.has(a), "{a} is not a procuring entity");
            ENTITIES.remove(a);
        }
        Change::AddValidator(key) => {
            let mut set = VALIDATORS.load().unwrap_or_default();
            require!(!set.contains(key), "this key is already a validator");
            require!(set.len() < MAX_VALIDATORS, "at most {MAX_VALIDATORS} validators");
            set.push(*key);
            VALIDATORS.save(&set);
        }
        Change::RemoveValidator(key) => {
            let mut set = VALIDATORS.load().unwrap_or_default();
            require!(set.contains(key), "this key is not a validator");
            require!(set.len() > 1, "the last validator cannot be removed: add its successor first");
            set.retain(|k| k != key);
            VALIDATORS.save(&set);
        }
        Change::SetGovernors(governors, threshold) => {
            check_governors(governors, *threshold)?;
            GOVERNORS.save(governors);
            THRESHOLD.save(threshold);
            EPOCH.save(&(EPOCH.load().unwrap_or(0) + 1));
        }
    }
    Ok(())
}

pub struct Governance;

#[contract]
impl Governance {
    /// Run once, at genesis, with the genesis file's configuration.
    #[init]
    pub fn init(config: GovernanceConfig) -> ContractResult<()> {
        check_governors(&config.governors, config.threshold)?;
        require!(!config.validators.is_empty(), "genesis needs at least one validator");
        GOVERNORS.save(&config.governors);
        THRESHOLD.save(&config.threshold);
        VALIDATORS.save(&config.validators);
        for e in &config.procuring_entities {
            ENTITIES.set(e, &true);
        }
        Ok(())
    }

    /// A governor proposes a change; the proposal counts as its approval.
    pub fn propose(change: Change) -> ContractResult<u64> {
        let proposer = require_governor()?;
        if let Change::SetGovernors(governors, threshold) = &change {
            check_governors(governors, *threshold)?;
        }
        let id = NEXT_ID.load().unwrap_or(0);
        NEXT_ID.save(&(id + 1));
        let epoch = EPOCH.load().unwrap_or(0);
        let p = Proposal {
            id,
            change: change.clone(),
            proposer,
            approvals: alloc::vec![proposer],
            epoch,
            status: ProposalStatus::Pending,
        };
        PROPOSALS.set(&id, &p);
        emit(PROPOSED, &Proposed { id, proposer, change });
        Ok(id)
    }

    /// Another governor approves a pending proposal, once.
    pub fn approve(id: u64) -> ContractResult<u32> {
        let governor = require_governor()?;
        let mut p = load_pending(id)?;
        require!(!p.approvals.contains(&governor), "{governor} already approved proposal {id}");
        p.approvals.push(governor);
        PROPOSALS.set(&id, &p);
        let approvals = p.approvals.len() as u32;
        emit(APPROVED, &Approved { id, governor, approvals });
        Ok(approvals)
    }

    /// Any governor executes a proposal that has the threshold of approvals.
    pub fn execute(id: u64) -> ContractResult<()> {
        require_governor()?;
        let mut p = load_pending(id)?;
        let threshold = THRESHOLD.load().unwrap_or(u32::MAX);
        let have = p.approvals.len() as u32;
        require!(
            have >= threshold,
            "proposal {id} has {have} of the {threshold} approvals it needs: more governors must approve it first"
        );
        apply(&p.change)?;
        p.status = ProposalStatus::Executed;
        PROPOSALS.set(&id, &p);
        emit(EXECUTED, &Executed { id, change: p.change });
        Ok(())
    }

    /// Whether `account` may open tenders.
    #[view]
    pub fn is_procuring_entity(account: Address) -> ContractResult<bool> {
        Ok(ENTITIES.has(&account))
    }

    /// The current validator set, as the node reads it.
    #[view]
    pub fn validators() -> ContractResult<Vec<[u8; 32]>> {
        Ok(VALIDATORS.load().unwrap_or_default())
    }

    #[view]
    pub fn governors() -> ContractResult<(Vec<Address>, u32)> {
        Ok((GOVERNORS.load().unwrap_or_default(), THRESHOLD.load().unwrap_or(0)))
    }

    #[view]
    pub fn proposal(id: u64) -> ContractResult<Proposal> {
        PROPOSALS.get(&id).ok_or_else(|| alloc::format!("no proposal {id}").into())
    }
}

#[cfg(test)]
mod tests;
