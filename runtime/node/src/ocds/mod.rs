//! Open Contracting Data Standard (OCDS 1.1), both ways.
//!
//! - In: [`replay`] runs published tenders (releases or records, e.g.
//!   Prozorro's) through the `open-tender` contract on a scratch chain and
//!   compares the contract's award with the published one. [`model`] is the
//!   lenient reading of the published JSON (everything optional), [`plan`]
//!   turns one release into the calls to make, or a reason to skip it.
//! - Out: [`export`] writes a release package and a record package for every
//!   tender of an `open-tender` contract on a chain, from the decoded event
//!   history ([`crate::history`]), with the contracts and payments of a
//!   `contract-payments` contract that references them.
//!
//! [`money`] and [`time`] convert amounts (decimal ⇄ minor units) and dates
//! (RFC 3339 ⇄ unix seconds) exactly, with no floating-point rounding.

pub mod driver;
pub mod export;
pub mod model;
pub mod money;
pub mod plan;
pub mod replay;
pub mod time;
