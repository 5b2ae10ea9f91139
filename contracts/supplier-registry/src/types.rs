//! What the registry stores about a supplier.

use alloc::string::String;
use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::{AbiType, Address};

/// A qualification document, published off-chain and pinned by its hash.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Document {
    /// What it proves, e.g. "tax-clearance", "iso-9001".
    pub kind: String,
    pub sha256: [u8; 32],
    pub added_at: u64,
}

/// A period in which the supplier may not take part in tenders.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Debarment {
    pub from: u64,
    /// Exclusive: the supplier is eligible again at this time.
    pub until: u64,
    pub reason: String,
    /// Set when the operator lifts the debarment early.
    pub lifted_at: Option<u64>,
}

impl Debarment {
    pub fn applies_at(&self, at: u64) -> bool {
        let end = self.lifted_at.map_or(self.until, |l| l.min(self.until));
        self.from <= at && at < end
    }
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, AbiType)]
pub struct Supplier {
    pub address: Address,
    /// A public business identifier with its scheme, e.g. "UA-EDR:40996564"
    /// (the OCDS organisation identifier form).
    pub identifier: String,
    pub name: String,
    pub registered_at: u64,
    pub documents: Vec<Document>,
    /// Every debarment ever imposed, oldest first: the history stays public.
    pub debarments: Vec<Debarment>,
}

impl Supplier {
    /// Registered and not debarred at `at`.
    pub fn eligible_at(&self, at: u64) -> bool {
        at >= self.registered_at && !self.debarments.iter().any(|d| d.applies_at(at))
    }
}
