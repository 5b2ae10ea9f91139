//! Supplier registry: suppliers register a public identifier and pin their
//! qualification documents by hash; the registry operator can debar a
//! supplier for a period, with a reason. Tenders ask `is_eligible` through a
//! cross-contract view when a bid arrives. See README.md beside this crate.
#![no_std]
extern crate alloc;

pub mod events;
pub mod types;

use alloc::string::String;
use alloc::vec::Vec;
use events::*;
use procura_sdk::{contract, emit, env, require, Address, ContractResult, Item, Map};
use procurement_core::check_reason;
pub use types::*;

/// The longest debarment the operator may impose in one decision (EU
/// Directive 2014/24/EU Art. 57(7) caps exclusion at five years).
pub const MAX_DEBARMENT_SECS: u64 = 5 * 365 * 86_400;
pub const MAX_DOCUMENTS: usize = 64;
const MAX_TEXT: usize = 256;

const OPERATOR: Item<Address> = Item::new("operator");
const SUPPLIERS: Map<Address, Supplier> = Map::new("supplier");
/// Identifier to address: one registration per identifier.
const IDENTIFIERS: Map<String, Address> = Map::new("identifier");

fn current_operator() -> ContractResult<Address> {
    OPERATOR.load().ok_or_else(|| "the registry has no operator: instantiate it with `init`".into())
}

fn require_operator() -> ContractResult<()> {
    require!(env::caller() == current_operator()?, "only the registry operator may do this");
    Ok(())
}

fn load(supplier: &Address) -> ContractResult<Supplier> {
    SUPPLIERS.get(supplier).ok_or_else(|| alloc::format!("{supplier} is not a registered supplier").into())
}

/// `SCHEME:ID` with a non-empty scheme and id, printable ASCII, no spaces.
fn check_identifier(identifier: &str) -> ContractResult<()> {
    let valid_chars = identifier.bytes().all(|b| b.is_ascii_graphic());
    let parts = identifier.split_once(':');
    require!(
        valid_chars && identifier.len() <= 64 && parts.is_some_and(|(s, id)| !s.is_empty() && !id.is_empty()),
        "the identifier must look like SCHEME:ID (e.g. UA-EDR:40996564), at most 64 printable characters"
    );
    Ok(())
}

pub struct SupplierRegistry;

#[contract]
impl SupplierRegistry {
    /// Sets the registry operator (the authority that may debar suppliers).
    #[init]
    pub fn init(operator: Address) -> ContractResult<()> {
        OPERATOR.save(&operator);
        emit(REGISTRY_OPENED, &OperatorChanged { operator });
        Ok(())
    }

    /// The operator hands the registry over to another authority.
    pub fn change_operator(new_operator: Address) -> ContractResult<()> {
        require_operator()?;
        OPERATOR.save(&new_operator);
        emit(OPERATOR_CHANGED, &OperatorChanged { operator: new_operator });
        Ok(())
    }

    /// The caller registers as a supplier under a public identifier.
    pub fn register(identifier: String, name: String) -> ContractResult<()> {
        check_identifier(&identifier)?;
        require!(!name.trim().is_empty() && name.len() <= MAX_TEXT, "the name must be 1 to {MAX_TEXT} bytes");
        let supplier = env::caller();
        require!(!SUPPLIERS.has(&supplier), "{supplier} is already registered");
        require!(!IDENTIFIERS.has(&identifier), "identifier {identifier} is already registered");
        let record = Supplier {
            address: supplier,
            identifier: identifier.clone(),
            name: name.clone(),
            registered_at: env::block_time(),
            documents: Vec::new(),
            debarments: Vec::new(),
        };
        SUPPLIERS.set(&supplier, &record);
        IDENTIFIERS.set(&identifier, &supplier);
        emit(SUPPLIER_REGISTERED, &SupplierRegistered { supplier, identifier, name });
        Ok(())
    }

    /// The supplier pins a qualification document by its sha256.
    pub fn add_document(kind: String, sha256: [u8; 32]) -> ContractResult<()> {
        require!(!kind.trim().is_empty() && kind.len() <= 64, "the document kind must be 1 to 64 bytes");
        let supplier = env::caller();
        let mut record = load(&supplier)?;
        require!(record.documents.len() < MAX_DOCUMENTS, "at most {MAX_DOCUMENTS} documents per supplier");
        require!(!record.documents.iter().any(|d| d.sha256 == sha256), "this document is already registered");
        record.documents.push(Document { kind: kind.clone(), sha256, added_at: env::block_time() });
        SUPPLIERS.set(&supplier, &record);
        emit(DOCUMENT_ADDED, &DocumentAdded { supplier, kind, sha256 });
        Ok(())
    }

    /// The operator debars a supplier from now until `until`, with a reason.
    pub fn debar(supplier: Address, until: u64, reason: String) -> ContractResult<()> {
        require_operator()?;
        check_reason("a debarment", &reason)?;
        let mut record = load(&supplier)?;
        let now = env::block_time();
        require!(until > now, "a debarment must end in the future");
        require!(until - now <= MAX_DEBARMENT_SECS, "a debarment may last at most {MAX_DEBARMENT_SECS} seconds");
        require!(!record.debarments.iter().any(|d| d.applies_at(now)), "{supplier} is already debarred");
        record.debarments.push(Debarment { from: now, until, reason: reason.clone(), lifted_at: None });
        SUPPLIERS.set(&supplier, &record);
        emit(SUPPLIER_DEBARRED, &SupplierDebarred { supplier, from: now, until, reason });
        Ok(())
    }

    /// The operator ends a running debarment early (after a review, say).
    pub fn lift_debarment(supplier: Address, reason: String) -> ContractResult<()> {
        require_operator()?;
        check_reason("lifting a debarment", &reason)?;
        let mut record = load(&supplier)?;
        let now = env::block_time();
        let running = record.debarments.iter_mut().find(|d| d.applies_at(now)).ok_or("no debarment is running")?;
        running.lifted_at = Some(now);
        SUPPLIERS.set(&supplier, &record);
        emit(DEBARMENT_LIFTED, &DebarmentLifted { supplier, reason });
        Ok(())
    }

    /// Whether `supplier` may take part in a tender at time `at`: registered
    /// by then and not debarred then. Unknown suppliers are not eligible.
    #[view]
    pub fn is_eligible(supplier: Address, at: u64) -> ContractResult<bool> {
        Ok(SUPPLIERS.get(&supplier).is_some_and(|s| s.eligible_at(at)))
    }

    #[view]
    pub fn supplier(supplier: Address) -> ContractResult<Supplier> {
        load(&supplier)
    }

    #[view]
    pub fn supplier_by_identifier(identifier: String) -> ContractResult<Supplier> {
        let address = IDENTIFIERS.get(&identifier).ok_or_else(|| alloc::format!("no supplier with {identifier}"))?;
        load(&address)
    }

    #[view]
    pub fn operator() -> ContractResult<Address> {
        current_operator()
    }
}

#[cfg(test)]
mod tests;
