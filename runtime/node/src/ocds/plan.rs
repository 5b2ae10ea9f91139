//! From one published tender to what the replay will do on-chain: the
//! procedure and deadlines, the lots' budgets, the sealed bids, the buyer's
//! rejections and the published award to compare with. Pure: no chain. Any
//! oddity in the data becomes a [`Skip`] with a reason.
//!
//! Mapping choices (see also `procura ocds replay --help`):
//! - procedure: Prozorro `belowThreshold` → `BelowThreshold`;
//!   `aboveThresholdUA`/`aboveThresholdEU`/`aboveThreshold`, or plain OCDS
//!   `open` with no method type → `Open`. Anything else (`reporting`,
//!   `negotiation`, `limited`, `selective`...) has no open bidding to replay.
//! - criterion: `lowestCost` (deprecated, what Prozorro publishes),
//!   `lowestPrice`, `priceOnly` → `PriceOnly`; others are skipped.
//! - times: the contract's opening is the enquiry period's start (when the
//!   tender was published), its enquiry end the enquiry period's end, its bid
//!   deadline the tender period's end, all at their published instants; the
//!   reveal deadline (ours: Prozorro opens bids itself) and the standstill
//!   are the preset's minimum. The contract checks the preset's floors.
//! - bids: the published values are final (after Prozorro's e-auction), so
//!   they are sealed and revealed as they are and no auction is configured;
//!   commitment order follows the published bid dates (ties: bid id).

use super::model::{text, Release};
use super::money::to_minor;
use super::time::parse_rfc3339;
use procura_primitives::Address;

/// Why a tender is not compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip(pub String);

/// A supplier's legal identifier, `(scheme, id)`.
pub type SupplierId = (String, String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Procedure {
    Open,
    BelowThreshold,
}

impl Procedure {
    /// The variant name in the contract's ABI.
    pub fn abi_name(self) -> &'static str {
        match self {
            Procedure::Open => "Open",
            Procedure::BelowThreshold => "BelowThreshold",
        }
    }
    /// The preset's minimum reveal period, standstill and bids (mirrors
    /// `procurement-core`'s presets; the contract checks them anyway).
    pub fn floors(self) -> (u64, u64, u32) {
        match self {
            Procedure::Open => (86_400, 10 * 86_400, 2),
            Procedure::BelowThreshold => (3_600, 2 * 86_400, 1),
        }
    }
}

#[derive(Clone, Debug)]
pub struct PlanLot {
    /// The published lot id (`"-"` for a tender without lots).
    pub ocds_id: String,
    pub budget: u128,
}

#[derive(Clone, Debug)]
pub struct PlanBid {
    pub bid_id: String,
    pub supplier: SupplierId,
    pub lot: u32,
    pub price: u128,
    /// Published as invalid/disqualified: committed but never revealed, so
    /// the contract counts it invalid as Prozorro excluded it.
    pub reveal: bool,
}

/// The buyer's published decision that a supplier is not qualified.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub lot: u32,
    pub supplier: SupplierId,
    pub reason: String,
}

/// The published outcome of one lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    Award { supplier: SupplierId, amount: u128 },
    NoAward,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub procedure: Procedure,
    pub currency: String,
    pub buyer: SupplierId,
    pub opened_at: u64,
    pub enquiry_end: u64,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
    pub standstill: u64,
    pub min_bids: u32,
    pub lots: Vec<PlanLot>,
    pub bids: Vec<PlanBid>,
    pub rejections: Vec<Rejection>,
    pub expected: Vec<Expected>,
}

fn skip<T>(reason: impl Into<String>) -> Result<T, Skip> {
    Err(Skip(reason.into()))
}

/// `sha256("procura-ocds-replay" ‖ 0 ‖ scheme ‖ 0 ‖ id)` as an ed25519 seed:
/// the same supplier gets the same key in every tender and every run.
pub fn supplier_key(s: &SupplierId) -> ed25519_dalek::SigningKey {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"procura-ocds-replay\0");
    h.update(s.0.as_bytes());
    h.update(b"\0");
    h.update(s.1.as_bytes());
    ed25519_dalek::SigningKey::from_bytes(&h.finalize().into())
}

pub fn supplier_address(s: &SupplierId) -> Address {
    procura_chain::account_address(&supplier_key(s).verifying_key().to_bytes())
}

fn time(what: &str, t: Option<&String>) -> Result<u64, Skip> {
    let t = t.ok_or_else(|| Skip(format!("missing values: no {what}")))?;
    let secs = parse_rfc3339(t).map_err(|e| Skip(format!("bad date in {what}: {e}")))?;
    u64::try_from(secs).map_err(|_| Skip(format!("{what} {t} is before 1970")))
}

pub fn plan(release: &Release) -> Result<Plan, Skip> {
    let Some(tender) = &release.tender else { return skip("no tender section") };
    let method = tender.procurement_method.as_deref().unwrap_or("");
    let procedure = match (tender.procurement_method_type.as_deref(), method) {
        (Some("belowThreshold"), _) => Procedure::BelowThreshold,
        (Some("aboveThresholdUA" | "aboveThresholdEU" | "aboveThreshold"), _) => Procedure::Open,
        (None, "open") => Procedure::Open,
        (Some(t), m) => return skip(format!("unsupported procedure: {t} ({m}), no open bidding to replay")),
        (None, m) => return skip(format!("unsupported procedure: method {m:?}, no open bidding to replay")),
    };
    match tender.award_criteria.as_deref() {
        Some("lowestCost" | "lowestPrice" | "priceOnly") => {}
        Some(c) => return skip(format!("unsupported award criterion: {c}")),
        None => return skip("missing values: no award criterion"),
    }
    let Some(currency) = tender.value.as_ref().and_then(|v| v.currency.clone()) else {
        return skip("missing values: no tender currency");
    };
    let same_currency = |what: &str, c: Option<&String>| match c {
        Some(c) if *c != currency => skip(format!("inconsistent currency: {what} in {c}, the tender in {currency}")),
        _ => Ok(()),
    };

    // Lots: the published ones, or the whole tender as one lot.
    let mut lots = Vec::new();
    match tender.lots.as_deref() {
        Some(published) if !published.is_empty() => {
            for (i, l) in published.iter().enumerate() {
                let id = l.id.as_ref().and_then(text).unwrap_or_else(|| format!("#{i}"));
                let value = l.value.as_ref();
                same_currency(&format!("lot {id}"), value.and_then(|v| v.currency.as_ref()))?;
                let amount = value
                    .and_then(|v| v.amount.as_ref())
                    .ok_or_else(|| Skip(format!("missing values: lot {id} has no value")))?;
                let budget = to_minor(amount, &currency).map_err(|e| Skip(format!("lot {id}: {e}")))?;
                lots.push(PlanLot { ocds_id: id, budget });
            }
        }
        _ => {
            let amount = tender
                .value
                .as_ref()
                .and_then(|v| v.amount.as_ref())
                .ok_or_else(|| Skip("missing values: the tender has no value".into()))?;
            let budget = to_minor(amount, &currency).map_err(|e| Skip(format!("tender value: {e}")))?;
            lots.push(PlanLot { ocds_id: "-".into(), budget });
        }
    }
    let lot_index = |id: Option<String>, what: &str| -> Result<u32, Skip> {
        match id {
            Some(id) => lots
                .iter()
                .position(|l| l.ocds_id == id)
                .map(|i| i as u32)
                .ok_or_else(|| Skip(format!("{what} names lot {id}, which the tender does not list"))),
            None if lots.len() == 1 => Ok(0),
            None => skip(format!("{what} names no lot, and the tender has {} lots", lots.len())),
        }
    };

    // Periods.
    let enquiry = tender.enquiry_period.clone().unwrap_or_default();
    let period = tender.tender_period.clone().unwrap_or_default();
    let bid_deadline = time("tender period end", period.end_date.as_ref())?;
    let opened_at = time("enquiry or tender period start", enquiry.start_date.as_ref().or(period.start_date.as_ref()))?;
    let enquiry_end = match &enquiry.end_date {
        Some(_) => time("enquiry period end", enquiry.end_date.as_ref())?,
        None => opened_at.max(bid_deadline.saturating_sub(86_400)),
    };
    if !(opened_at < enquiry_end && enquiry_end <= bid_deadline) {
        return skip(format!(
            "inconsistent periods: published {opened_at}, enquiries until {enquiry_end}, bids until {bid_deadline} (unix s)"
        ));
    }
    let (reveal, standstill, min_bids) = procedure.floors();

    // Bids, in commitment order.
    let details = release.bids.as_ref().and_then(|b| b.details.clone()).unwrap_or_default();
    let mut published_bids: Vec<_> = details.iter().collect();
    published_bids
        .sort_by_key(|b| (b.date.as_deref().and_then(|d| parse_rfc3339(d).ok()), b.id.as_ref().and_then(text)));
    let mut bids = Vec::new();
    for (n, b) in published_bids.iter().enumerate() {
        let bid_id = b.id.as_ref().and_then(text).unwrap_or_else(|| format!("#{n}"));
        let status = b.status.as_deref().unwrap_or("active");
        if matches!(status, "withdrawn" | "deleted" | "draft") {
            continue;
        }
        let reveal = !matches!(status, "invalid" | "disqualified" | "unsuccessful");
        let supplier = b
            .tenderers
            .as_ref()
            .and_then(|t| t.first())
            .and_then(|t| t.key())
            .ok_or_else(|| Skip(format!("missing values: bid {bid_id} has no tenderer identifier")))?;
        // One (lot, value) per lot the bid covers.
        let mut entries = Vec::new();
        match b.lot_values.as_deref() {
            Some(lvs) if !lvs.is_empty() => {
                for lv in lvs {
                    entries.push((lv.related_lot.as_ref().and_then(text), lv.value.clone()))
                }
            }
            _ => {
                let lot = b.related_lots.as_ref().and_then(|l| l.first()).or(b.related_lot.as_ref()).and_then(text);
                entries.push((lot, b.value.clone()));
            }
        }
        for (lot, value) in entries {
            let lot = lot_index(lot, &format!("bid {bid_id}"))?;
            same_currency(&format!("bid {bid_id}"), value.as_ref().and_then(|v| v.currency.as_ref()))?;
            let amount = value
                .as_ref()
                .and_then(|v| v.amount.as_ref())
                .ok_or_else(|| Skip(format!("missing values: bid {bid_id} has no value")))?;
            let price = to_minor(amount, &currency).map_err(|e| Skip(format!("bid {bid_id}: {e}")))?;
            bids.push(PlanBid { bid_id: bid_id.clone(), supplier: supplier.clone(), lot, price, reveal });
        }
    }
    if bids.is_empty() {
        return skip("no bids published");
    }

    // The buyer's decisions, in published order: an unsuccessful award
    // rejects its supplier; so does an unsuccessful qualification.
    let mut awards: Vec<_> = release.awards.as_deref().unwrap_or_default().iter().collect();
    awards.sort_by_key(|a| a.date.as_deref().and_then(|d| parse_rfc3339(d).ok()));
    let mut rejections = Vec::new();
    let mut expected = vec![Expected::NoAward; lots.len()];
    for a in awards {
        let award_id = a.id.as_ref().and_then(text).unwrap_or_else(|| "?".into());
        let lot = lot_index(a.lot(), &format!("award {award_id}"))?;
        let supplier = a.suppliers.as_ref().and_then(|s| s.first()).and_then(|s| s.key());
        match a.status.as_deref() {
            Some("unsuccessful") => {
                let supplier = supplier
                    .ok_or_else(|| Skip(format!("missing values: award {award_id} has no supplier identifier")))?;
                let said = a.description.as_deref().or(a.title.as_deref()).unwrap_or("").trim();
                let reason = if said.is_empty() {
                    format!("published award {award_id}: unsuccessful")
                } else {
                    format!("published award {award_id}: {}", truncate(said, 300))
                };
                rejections.push(Rejection { lot, supplier, reason });
            }
            Some("active") => {
                let supplier = supplier
                    .ok_or_else(|| Skip(format!("missing values: award {award_id} has no supplier identifier")))?;
                let value = a.value.as_ref();
                same_currency(&format!("award {award_id}"), value.and_then(|v| v.currency.as_ref()))?;
                let amount = value
                    .and_then(|v| v.amount.as_ref())
                    .ok_or_else(|| Skip(format!("missing values: award {award_id} has no value")))?;
                let amount = to_minor(amount, &currency).map_err(|e| Skip(format!("award {award_id}: {e}")))?;
                expected[lot as usize] = Expected::Award { supplier, amount };
            }
            _ => {} // pending or cancelled: no decision to apply
        }
    }
    for q in tender.qualifications.as_deref().unwrap_or_default() {
        if !matches!(q.status.as_deref(), Some("unsuccessful" | "cancelled")) {
            continue;
        }
        let Some(bid_id) = q.bid_id.as_ref().and_then(text) else { continue };
        for b in bids.iter().filter(|b| b.bid_id == bid_id) {
            let reason = format!("published qualification of bid {bid_id}: {}", q.status.as_deref().unwrap_or(""));
            rejections.push(Rejection { lot: b.lot, supplier: b.supplier.clone(), reason });
        }
    }

    let buyer = tender
        .procuring_entity
        .as_ref()
        .or(release.buyer.as_ref())
        .and_then(|b| b.key())
        .unwrap_or_else(|| ("procura-ocds-replay-buyer".into(), release.ocid.clone().unwrap_or_default()));
    Ok(Plan {
        procedure,
        currency,
        buyer,
        opened_at,
        enquiry_end,
        bid_deadline,
        reveal_deadline: bid_deadline + reveal,
        standstill,
        min_bids,
        lots,
        bids,
        rejections,
        expected,
    })
}

fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
