//! `procura ocds replay`: each published tender runs through `open-tender`
//! on its own scratch chain (a temporary data directory whose genesis is
//! just before the tender opened, so block times are the published ones),
//! and the contract's award is compared with the published one, per lot.
//!
//! Blocks: open → commitments (in published bid order) → reveals at the bid
//! deadline → evaluation at the reveal deadline → the buyer's published
//! rejections, then `award`. A candidate the contract flags abnormally low
//! (Art. 69) that the buyer nevertheless awarded is explained and accepted,
//! as the buyer's award shows it accepted the price.

use super::driver::{address_of, amount, Driver};
use super::model::{load, Published};
use super::money::display;
use super::plan::{plan, supplier_address, supplier_key, Expected, Plan, SupplierId};
use crate::chain::Chain;
use crate::genesis::GenesisConfig;
use ed25519_dalek::SigningKey;
use procura_chain::{ReceiptStatus, SignedTransaction};
use procura_primitives::Address;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Matched,
    Mismatched,
    Skipped,
}

#[derive(Clone, Debug, Serialize)]
pub struct LotReport {
    /// The published lot id (`-` for a tender without lots).
    pub lot: String,
    pub published: String,
    pub replayed: String,
    pub matched: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct TenderReport {
    pub source: String,
    pub ocid: String,
    pub verdict: Verdict,
    /// Why skipped or mismatched.
    pub reason: Option<String>,
    pub bids: usize,
    pub lots: Vec<LotReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub tenders: Vec<TenderReport>,
    pub matched: usize,
    pub comparable: usize,
    pub skipped: usize,
}

/// Replays every tender of every file. Only unreadable files and a broken
/// environment (no contracts, no temp space) are errors; every oddity of the
/// data is a skipped or mismatched tender with its reason.
pub fn replay_files(files: &[PathBuf], contracts_dir: &Path) -> anyhow::Result<Report> {
    let mut tenders = Vec::new();
    for file in files {
        for published in load(file)? {
            tenders.push(replay_one(&published, contracts_dir)?);
        }
    }
    let count = |v: Verdict| tenders.iter().filter(|t| t.verdict == v).count();
    let (matched, mismatched, skipped) = (count(Verdict::Matched), count(Verdict::Mismatched), count(Verdict::Skipped));
    Ok(Report { matched, comparable: matched + mismatched, skipped, tenders })
}

fn replay_one(published: &Published, contracts_dir: &Path) -> anyhow::Result<TenderReport> {
    let mut report = TenderReport {
        source: published.source.clone(),
        ocid: published.ocid.clone(),
        verdict: Verdict::Skipped,
        reason: None,
        bids: 0,
        lots: Vec::new(),
    };
    let release = match &published.release {
        Ok(r) => r,
        Err(e) => {
            report.reason = Some(e.clone());
            return Ok(report);
        }
    };
    let plan = match plan(release) {
        Ok(p) => p,
        Err(skip) => {
            report.reason = Some(skip.0);
            return Ok(report);
        }
    };
    report.bids = plan.bids.len();
    match run(&plan, contracts_dir)? {
        Err(reason) => report.reason = Some(reason),
        Ok(outcomes) => {
            let mut reasons = Vec::new();
            for (i, (lot, replayed)) in plan.lots.iter().zip(outcomes).enumerate() {
                let expected = &plan.expected[i];
                let matched = match (expected, &replayed.award) {
                    (Expected::Award { supplier, amount }, Some((bidder, price))) => {
                        supplier_address(supplier) == *bidder && amount == price
                    }
                    (Expected::NoAward, None) => true,
                    _ => false,
                };
                let published = describe_expected(expected, &plan.currency);
                let replayed_text = describe_replayed(&plan, &replayed);
                if !matched {
                    reasons.push(format!("lot {}: published {published}; contract {replayed_text}", lot.ocds_id));
                }
                report.lots.push(LotReport { lot: lot.ocds_id.clone(), published, replayed: replayed_text, matched });
            }
            if reasons.is_empty() {
                report.verdict = Verdict::Matched;
            } else {
                report.verdict = Verdict::Mismatched;
                report.reason = Some(reasons.join("; "));
            }
        }
    }
    Ok(report)
}

fn supplier_text(s: &SupplierId) -> String {
    format!("{} {}", s.0, s.1)
}

fn describe_expected(e: &Expected, currency: &str) -> String {
    match e {
        Expected::Award { supplier, amount } => {
            format!("{} at {}", supplier_text(supplier), display(*amount, currency))
        }
        Expected::NoAward => "no award".into(),
    }
}

fn describe_replayed(plan: &Plan, r: &LotOutcome) -> String {
    let mut text = match &r.award {
        Some((bidder, price)) => {
            let who = plan
                .bids
                .iter()
                .find(|b| supplier_address(&b.supplier) == *bidder)
                .map(|b| supplier_text(&b.supplier))
                .unwrap_or_else(|| bidder.to_string());
            format!("{who} at {}", display(*price, &plan.currency))
        }
        None => format!("no award ({})", r.closed.as_deref().unwrap_or("lot still open")),
    };
    if r.award.is_none() && !r.failures.is_empty() {
        text.push_str(&format!("; refused calls: {}", r.failures.join(" | ")));
    }
    text
}

/// What the contract did with one lot.
#[derive(Default)]
struct LotOutcome {
    award: Option<(Address, u128)>,
    closed: Option<String>,
    /// The last candidate (for the abnormally-low follow-up).
    candidate: Option<Address>,
    flagged: bool,
    failures: Vec<String>,
}

/// Runs the plan on a scratch chain. `Ok(Err(reason))`: the contract refused
/// the published configuration (a skip).
fn run(plan: &Plan, contracts_dir: &Path) -> anyhow::Result<Result<Vec<LotOutcome>, String>> {
    let dir = tempfile::tempdir().map_err(|e| anyhow::anyhow!("cannot create a temporary chain directory: {e}"))?;
    let validator = SigningKey::from_bytes(&[0x0c; 32]);
    let mut genesis = GenesisConfig::dev(hex::encode(validator.verifying_key().to_bytes()), vec!["open-tender".into()]);
    genesis.genesis_time = plan.opened_at - 1;
    let mut chain = Chain::open(dir.path(), genesis.clone(), contracts_dir, Some(validator))?;
    let mut ot = Driver::genesis_contract(contracts_dir, "open-tender", &genesis.chain_id)?;
    let buyer = supplier_key(&plan.buyer);
    let mut lots: Vec<LotOutcome> = plan.lots.iter().map(|_| LotOutcome::default()).collect();

    // Open.
    let params = json!({
        "procedure": plan.procedure.abi_name(),
        "criterion": "PriceOnly",
        "criteria": [],
        "evaluators": [],
        "currency": plan.currency,
        "documents_hash": hex::encode([0u8; 32]),
        "enquiry_end": plan.enquiry_end,
        "bid_deadline": plan.bid_deadline,
        "reveal_deadline": plan.reveal_deadline,
        "standstill_secs": plan.standstill,
        "min_bids": plan.min_bids,
        "registry": null,
        "review_body": null,
        "auction": null,
    });
    let lot_params: Vec<Value> = plan
        .lots
        .iter()
        .map(|l| json!({ "value": l.budget.to_string(), "description_hash": hex::encode([0u8; 32]) }))
        .collect();
    let open = ot.call(&buyer, "open_tender", json!({ "params": params, "lots": lot_params }))?;
    let receipts = produce(&mut chain, vec![open], plan.opened_at)?;
    if let Some(ReceiptStatus::Failure(m)) = receipts.first().map(|r| &r.0) {
        return Ok(Err(format!("the contract refuses the published configuration: {m}")));
    }

    // Sealed bids, then reveals.
    let sealed: Vec<_> = plan
        .bids
        .iter()
        .map(|b| {
            let key = supplier_key(&b.supplier);
            let bid = json!({
                "tender_id": 0, "lot_id": b.lot, "bidder": address_of(&key).to_string(),
                "price": b.price.to_string(), "life_cycle_cost": "0",
            });
            let salt = salt_for(&key, b.lot);
            (key, b, bid, salt)
        })
        .collect();
    let mut txs = Vec::new();
    for (key, b, bid, salt) in &sealed {
        let mut bytes = ot.abi.encode("Bid", bid).map_err(|e| anyhow::anyhow!("Bid: {e}"))?;
        bytes.extend_from_slice(salt);
        let commitment: [u8; 32] = {
            use sha2::Digest;
            sha2::Sha256::digest(&bytes).into()
        };
        let args = json!({ "tender_id": 0, "lot_id": b.lot, "commitment": hex::encode(commitment) });
        txs.push((b.lot, ot.call(key, "submit_bid", args)?));
    }
    record(&mut lots, &ot, produce_tagged(&mut chain, txs, plan.opened_at + 1)?);
    let mut txs = Vec::new();
    for (key, b, bid, salt) in sealed.iter().filter(|s| s.1.reveal) {
        let args = json!({ "tender_id": 0, "lot_id": b.lot, "bid": bid, "salt": hex::encode(salt) });
        txs.push((b.lot, ot.call(key, "reveal_bid", args)?));
    }
    record(&mut lots, &ot, produce_tagged(&mut chain, txs, plan.bid_deadline)?);

    // Evaluation, the buyer's rejections, the award.
    let t = plan.reveal_deadline;
    let mut txs = Vec::new();
    for lot in 0..plan.lots.len() as u32 {
        txs.push((lot, ot.call(&buyer, "evaluate_lot", json!({ "tender_id": 0, "lot_id": lot }))?));
    }
    record(&mut lots, &ot, produce_tagged(&mut chain, txs, t)?);
    let mut txs = Vec::new();
    for r in &plan.rejections {
        let args = json!({ "tender_id": 0, "lot_id": r.lot, "bidder": supplier_address(&r.supplier).to_string(), "reason": r.reason });
        txs.push((r.lot, ot.call(&buyer, "reject_bidder", args)?));
    }
    for lot in 0..plan.lots.len() as u32 {
        txs.push((lot, ot.call(&buyer, "award", json!({ "tender_id": 0, "lot_id": lot }))?));
    }
    record(&mut lots, &ot, produce_tagged(&mut chain, txs, t)?);

    // Abnormally low candidates the buyer awarded: explained and accepted.
    let mut txs = Vec::new();
    for (i, lot) in lots.iter().enumerate() {
        let Expected::Award { supplier, .. } = &plan.expected[i] else { continue };
        if lot.award.is_none() && lot.flagged && lot.candidate == Some(supplier_address(supplier)) {
            let bidder = supplier_key(supplier);
            let l = i as u32;
            let hash = hex::encode([0u8; 32]);
            txs.push((
                l,
                ot.call(&bidder, "explain_price", json!({ "tender_id": 0, "lot_id": l, "document_hash": hash }))?,
            ));
            let accept = json!({ "tender_id": 0, "lot_id": l, "bidder": address_of(&bidder).to_string() });
            txs.push((l, ot.call(&buyer, "accept_explanation", accept)?));
            txs.push((l, ot.call(&buyer, "award", json!({ "tender_id": 0, "lot_id": l }))?));
        }
    }
    if !txs.is_empty() {
        record(&mut lots, &ot, produce_tagged(&mut chain, txs, t)?);
    }
    Ok(Ok(lots))
}

/// The bidder's salt for one lot: deterministic, so a replay is repeatable.
fn salt_for(key: &SigningKey, lot: u32) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"procura-ocds-replay salt");
    h.update(key.to_bytes());
    h.update(lot.to_le_bytes());
    h.finalize().into()
}

type Outcome = (ReceiptStatus, Vec<procura_primitives::Event>);

fn produce(chain: &mut Chain, txs: Vec<SignedTransaction>, time: u64) -> anyhow::Result<Vec<Outcome>> {
    let n = txs.len();
    let (_, receipts) = chain.produce(txs, time)?;
    anyhow::ensure!(receipts.len() == n, "the scratch chain dropped {} transactions", n - receipts.len());
    Ok(receipts.into_iter().map(|r| (r.status, r.events)).collect())
}

fn produce_tagged(
    chain: &mut Chain,
    txs: Vec<(u32, SignedTransaction)>,
    time: u64,
) -> anyhow::Result<Vec<(u32, Outcome)>> {
    let lots: Vec<u32> = txs.iter().map(|t| t.0).collect();
    let outcomes = produce(chain, txs.into_iter().map(|t| t.1).collect(), time)?;
    Ok(lots.into_iter().zip(outcomes).collect())
}

/// Folds receipts into the lots' outcomes: failures, candidates, awards.
fn record(lots: &mut [LotOutcome], ot: &Driver, outcomes: Vec<(u32, Outcome)>) {
    for (lot, (status, events)) in outcomes {
        if let ReceiptStatus::Failure(m) = status {
            if let Some(l) = lots.get_mut(lot as usize) {
                l.failures.push(m);
            }
            continue;
        }
        for (topic, p) in ot.decode(&events) {
            let Some(l) = p["lot_id"].as_u64().and_then(|i| lots.get_mut(i as usize)) else { continue };
            let bidder =
                p["bidder"].as_str().and_then(|h| hex::decode(h).ok()).and_then(|b| <[u8; 32]>::try_from(b).ok());
            match topic.as_str() {
                "candidate_selected" => {
                    l.candidate = bidder.map(Address);
                    l.flagged = false;
                }
                "abnormally_low_flagged" => l.flagged = true,
                "award_made" => l.award = bidder.map(Address).zip(amount(&p["price"])),
                "award_revoked" => l.award = None,
                "lot_unsuccessful" | "lot_cancelled" => {
                    l.closed = Some(format!("{topic}: {}", p["reason"].as_str().unwrap_or("")));
                }
                _ => {}
            }
        }
    }
}

/// The per-tender table and the closing count.
pub fn print_table(report: &Report) -> String {
    let mut out = String::new();
    let w = report.tenders.iter().map(|t| t.ocid.len()).max().unwrap_or(4).max(4);
    out.push_str(&format!("{:w$}  {:10}  {:>4}  detail\n", "ocid", "result", "bids"));
    for t in &report.tenders {
        let verdict = match t.verdict {
            Verdict::Matched => "matched",
            Verdict::Mismatched => "mismatched",
            Verdict::Skipped => "skipped",
        };
        let detail = match (&t.verdict, &t.reason) {
            (Verdict::Matched, _) => {
                t.lots.iter().map(|l| format!("lot {}: {}", l.lot, l.replayed)).collect::<Vec<_>>().join("; ")
            }
            (_, Some(r)) => r.clone(),
            _ => String::new(),
        };
        out.push_str(&format!("{:w$}  {:10}  {:>4}  {detail}\n", t.ocid, verdict, t.bids));
    }
    out.push_str(&format!(
        "{} matched of {} comparable ({} skipped)\n",
        report.matched, report.comparable, report.skipped
    ));
    out
}
