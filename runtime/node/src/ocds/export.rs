//! `procura ocds export`: OCDS 1.1 releases for every tender of an
//! `open-tender` contract, built from its decoded event history (and from a
//! `contract-payments` contract's events for the contract and
//! implementation stages).
//!
//! Every successful call that touched a tender yields one release: a full
//! snapshot of that tender after the call (as Prozorro publishes), dated by
//! the block time, with `id` = `<ocid>-<height>-<tx index>` (unique) and tags
//! from the call's events. `ocid` = `ocds-procura-<first 8 hex of the
//! contract>-<tender id>`, stable per tender. The record package holds, per
//! tender, links to its releases and the last snapshot as compiledRelease.
//!
//! Status mapping: a candidate selected by the contract is a `pending`
//! award; a rejected candidate's award is `unsuccessful`; `award_made` makes
//! it `active`; a revoked award is `cancelled`. Bids are `pending` until
//! revealed, then `valid`; rejected or never revealed: `disqualified`.

use super::driver::amount;
use super::money::to_major;
use super::time::format_rfc3339;
use crate::history::{contract_history, CallRecord};
use procura_primitives::Address;
use procura_storage::Db;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub struct Export {
    pub releases: Value,
    pub records: Value,
    pub tenders: usize,
    pub release_count: usize,
}

#[derive(Clone, Default)]
struct Bid {
    submitted_at: u64,
    price: Option<u128>,
    status: &'static str,
}

#[derive(Clone)]
struct Award {
    id: String,
    bidder: String,
    price: u128,
    status: &'static str,
    date: u64,
}

#[derive(Clone, Default)]
struct Lot {
    value: u128,
    status: &'static str,
    bids: BTreeMap<String, Bid>,
    awards: Vec<Award>,
}

#[derive(Clone)]
struct Payment {
    seq: u64,
    time: u64,
    amount: u128,
    reference: String,
}

#[derive(Clone)]
struct Contract {
    id: u64,
    lot: usize,
    supplier: String,
    value: u128,
    registered_at: u64,
    status: &'static str,
    payments: Vec<Payment>,
}

#[derive(Clone)]
struct Tender {
    id: u64,
    buyer: String,
    currency: String,
    opened_at: u64,
    params: Value,
    bid_deadline: u64,
    enquiry_end: u64,
    lots: Vec<Lot>,
    contracts: Vec<Contract>,
    award_seq: usize,
}

fn hex_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn tag_of(topic: &str) -> &'static str {
    match topic {
        "tender_opened" => "tender",
        "tender_amended" => "tenderAmendment",
        "award_made" => "award",
        "award_final" | "candidate_selected" | "bidder_rejected" => "awardUpdate",
        "award_revoked" => "awardCancellation",
        "lot_cancelled" | "tender_cancelled" => "tenderCancellation",
        "contract_registered" => "contract",
        "amendment_accepted" => "contractAmendment",
        "payment_recorded" | "delivery_recorded" | "delivery_accepted" | "delivery_rejected" => "implementation",
        "contract_completed" | "contract_terminated" => "contractTermination",
        _ => "tenderUpdate",
    }
}

/// Exports every tender of `contract` (an open-tender instance), with the
/// contracts of `payments` (a contract-payments instance) that reference it.
pub fn export(db: &Db, contract: &Address, payments: Option<&Address>) -> anyhow::Result<Export> {
    let (abi, calls) = contract_history(db, contract)?;
    if !abi.events.contains_key("tender_opened") {
        anyhow::bail!(
            "contract {contract} ({}) publishes no tender_opened event: give the address of an open-tender contract",
            abi.contract
        );
    }
    let mut timeline: Vec<(bool, CallRecord)> = calls.into_iter().map(|c| (false, c)).collect();
    if let Some(p) = payments {
        let (pabi, pcalls) = contract_history(db, p)?;
        if !pabi.events.contains_key("contract_registered") {
            anyhow::bail!("contract {p} publishes no contract_registered event: give a contract-payments address");
        }
        timeline.extend(pcalls.into_iter().map(|c| (true, c)));
        timeline.sort_by_key(|(_, c)| (c.height, c.tx_index));
    }
    let short = &contract.to_string()[..8];
    let ocid = |id: u64| format!("ocds-procura-{short}-{id}");
    let mut tenders: BTreeMap<u64, Tender> = BTreeMap::new();
    // contract-payments id → tender id.
    let mut contract_tender: BTreeMap<u64, u64> = BTreeMap::new();
    let mut releases: Vec<Value> = Vec::new();
    let mut per_tender: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (is_payments, call) in &timeline {
        if !call.ok {
            continue;
        }
        let mut touched: Vec<(u64, Vec<&'static str>)> = Vec::new();
        for e in &call.events {
            let p = &e.payload;
            let tid = if *is_payments {
                match e.topic.as_str() {
                    "contract_registered" => {
                        if p["tender"]["contract"].as_str() != Some(&contract.to_string()) {
                            continue;
                        }
                        let tid = num(&p["tender"]["tender_id"]);
                        let Some(t) = tenders.get_mut(&tid) else { continue };
                        let lot = num(&p["tender"]["lot_id"]) as usize;
                        contract_tender.insert(num(&p["contract_id"]), tid);
                        t.contracts.push(Contract {
                            id: num(&p["contract_id"]),
                            lot,
                            supplier: hex_of(&p["supplier"]),
                            value: amount(&p["value"]).unwrap_or(0),
                            registered_at: call.time,
                            status: "active",
                            payments: Vec::new(),
                        });
                        tid
                    }
                    _ => {
                        let Some(&tid) = contract_tender.get(&num(&p["contract_id"])) else { continue };
                        let t = tenders.get_mut(&tid).expect("registered");
                        let c = t.contracts.iter_mut().find(|c| c.id == num(&p["contract_id"])).expect("registered");
                        match e.topic.as_str() {
                            "payment_recorded" => c.payments.push(Payment {
                                seq: num(&p["payment_seq"]),
                                time: call.time,
                                amount: amount(&p["amount"]).unwrap_or(0),
                                reference: p["reference"].as_str().unwrap_or("").into(),
                            }),
                            "amendment_accepted" => c.value = amount(&p["new_value"]).unwrap_or(c.value),
                            "contract_completed" | "contract_terminated" => c.status = "terminated",
                            _ => {}
                        }
                        tid
                    }
                }
            } else {
                let tid = num(&p["tender_id"]);
                if e.topic == "tender_opened" {
                    let params = call.args["params"].clone();
                    let lots = call.args["lots"].as_array().cloned().unwrap_or_default();
                    tenders.insert(
                        tid,
                        Tender {
                            id: tid,
                            buyer: hex_of(&p["buyer"]),
                            currency: p["currency"].as_str().unwrap_or("XXX").into(),
                            opened_at: call.time,
                            bid_deadline: num(&p["bid_deadline"]),
                            enquiry_end: num(&params["enquiry_end"]),
                            params,
                            lots: lots
                                .iter()
                                .map(|l| Lot {
                                    value: amount(&l["value"]).unwrap_or(0),
                                    status: "active",
                                    ..Lot::default()
                                })
                                .collect(),
                            contracts: Vec::new(),
                            award_seq: 0,
                        },
                    );
                }
                let Some(t) = tenders.get_mut(&tid) else { continue };
                apply(t, &e.topic, p, call.time);
                tid
            };
            match touched.iter_mut().find(|(t, _)| *t == tid) {
                Some((_, tags)) => tags.push(tag_of(&e.topic)),
                None => touched.push((tid, vec![tag_of(&e.topic)])),
            }
        }
        for (tid, mut tags) in touched {
            if tags.contains(&"tender") {
                tags = vec!["tender"];
            }
            tags.dedup();
            let mut unique = Vec::new();
            for t in tags {
                if !unique.contains(&t) {
                    unique.push(t);
                }
            }
            let id = format!("{}-{}-{}", ocid(tid), call.height, call.tx_index);
            let release = snapshot(&tenders[&tid], &ocid(tid), &id, call.time, json!(unique));
            per_tender.entry(tid).or_default().push(releases.len());
            releases.push(release);
        }
    }
    let head_time = db.head()?.and_then(|h| db.block(h).ok().flatten()).map(|b| b.header.header.timestamp).unwrap_or(0);
    let uri = format!("urn:procura:ocds:{contract}:releases");
    let publisher = json!({ "name": "Procura node (procura ocds export)" });
    let records: Vec<Value> = per_tender
        .iter()
        .map(|(tid, idx)| {
            let last = &releases[*idx.last().expect("at least the opening")];
            let mut compiled = last.clone();
            compiled["id"] = json!(format!("{}-compiled", ocid(*tid)));
            compiled["tag"] = json!(["compiled"]);
            json!({
                "ocid": ocid(*tid),
                "releases": idx.iter().map(|i| {
                    let r = &releases[*i];
                    json!({ "url": format!("{uri}#{}", r["id"].as_str().unwrap_or("")), "date": r["date"], "tag": r["tag"] })
                }).collect::<Vec<_>>(),
                "compiledRelease": compiled,
            })
        })
        .collect();
    let release_count = releases.len();
    Ok(Export {
        tenders: tenders.len(),
        release_count,
        releases: json!({
            "uri": uri,
            "version": "1.1",
            "publishedDate": format_rfc3339(head_time),
            "publisher": publisher,
            "releases": releases,
        }),
        records: json!({
            "uri": format!("urn:procura:ocds:{contract}:records"),
            "version": "1.1",
            "publishedDate": format_rfc3339(head_time),
            "publisher": publisher,
            "packages": [uri],
            "records": records,
        }),
    })
}

/// Folds one open-tender event into the tender's state.
fn apply(t: &mut Tender, topic: &str, p: &Value, time: u64) {
    let bidder = hex_of(&p["bidder"]);
    if topic == "tender_cancelled" {
        for lot in &mut t.lots {
            if !matches!(lot.status, "complete" | "unsuccessful") {
                lot.status = "cancelled";
            }
        }
        return;
    }
    if topic == "tender_amended" {
        t.bid_deadline = num(&p["bid_deadline"]);
        t.enquiry_end = num(&p["enquiry_end"]);
        return;
    }
    let Some(lot) = p["lot_id"].as_u64().and_then(|l| t.lots.get_mut(l as usize)) else { return };
    match topic {
        "bid_submitted" => {
            lot.bids.insert(bidder, Bid { submitted_at: time, price: None, status: "pending" });
        }
        "bid_withdrawn" => {
            if let Some(b) = lot.bids.get_mut(&bidder) {
                b.status = "withdrawn";
            }
        }
        "bids_invalidated" => {
            lot.value = amount(&p["value"]).unwrap_or(lot.value);
            lot.bids.values_mut().filter(|b| b.status == "pending").for_each(|b| b.status = "withdrawn");
        }
        "bid_revealed" => {
            if let Some(b) = lot.bids.get_mut(&bidder) {
                b.price = amount(&p["price"]);
                b.status = "valid";
            }
        }
        "lot_evaluated" => {
            lot.bids.values_mut().filter(|b| b.status == "pending").for_each(|b| b.status = "disqualified");
        }
        "auction_finished" => {
            for pair in p["prices"].as_array().into_iter().flatten() {
                if let Some(b) = lot.bids.get_mut(pair[0].as_str().unwrap_or("")) {
                    b.price = amount(&pair[1]).or(b.price);
                }
            }
        }
        "candidate_selected" => {
            if !lot.awards.iter().any(|a| a.bidder == bidder && a.status == "pending") {
                t.award_seq += 1;
                lot.awards.push(Award {
                    id: format!("{}-{}-{}", t.id, p["lot_id"], t.award_seq),
                    bidder,
                    price: amount(&p["price"]).unwrap_or(0),
                    status: "pending",
                    date: time,
                });
            }
        }
        "bidder_rejected" => {
            if let Some(b) = lot.bids.get_mut(&bidder) {
                b.status = "disqualified";
            }
            for a in lot.awards.iter_mut().filter(|a| a.bidder == bidder && a.status == "pending") {
                a.status = "unsuccessful";
                a.date = time;
            }
        }
        "award_made" => {
            let price = amount(&p["price"]).unwrap_or(0);
            match lot.awards.iter_mut().rev().find(|a| a.bidder == bidder && a.status == "pending") {
                Some(a) => {
                    a.status = "active";
                    a.price = price;
                    a.date = time;
                }
                None => {
                    t.award_seq += 1;
                    let id = format!("{}-{}-{}", t.id, p["lot_id"], t.award_seq);
                    lot.awards.push(Award { id, bidder, price, status: "active", date: time });
                }
            }
        }
        "award_revoked" => {
            if let Some(a) = lot.awards.iter_mut().rev().find(|a| a.bidder == bidder && a.status == "active") {
                a.status = "cancelled";
                a.date = time;
            }
        }
        "award_final" => lot.status = "complete",
        "lot_unsuccessful" | "lot_cancelled" => {
            lot.status = if topic == "lot_unsuccessful" { "unsuccessful" } else { "cancelled" };
            let to = if topic == "lot_unsuccessful" { "unsuccessful" } else { "cancelled" };
            lot.awards.iter_mut().filter(|a| a.status == "pending").for_each(|a| a.status = to);
        }
        _ => {}
    }
}

fn party_ref(addr: &str) -> Value {
    json!({ "id": addr, "name": format!("Procura account {}", &addr[..addr.len().min(8)]) })
}

fn value(minor: u128, currency: &str) -> Value {
    json!({ "amount": to_major(minor, currency), "currency": currency })
}

/// One tender as a full OCDS release.
fn snapshot(t: &Tender, ocid: &str, id: &str, time: u64, tag: Value) -> Value {
    let c = t.currency.as_str();
    let lot_id = |i: usize| format!("{}-{i}", t.id);
    // Parties and their roles.
    let mut roles: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    roles.entry(t.buyer.clone()).or_default().extend(["buyer", "procuringEntity", "payer"]);
    for lot in &t.lots {
        for b in lot.bids.keys() {
            roles.entry(b.clone()).or_default().push("tenderer");
        }
        for a in lot.awards.iter().filter(|a| a.status == "active") {
            roles.entry(a.bidder.clone()).or_default().push("supplier");
        }
    }
    for k in &t.contracts {
        roles.entry(k.supplier.clone()).or_default().push("payee");
    }
    let parties: Vec<Value> = roles
        .iter_mut()
        .map(|(addr, r)| {
            r.sort();
            r.dedup();
            let mut p = party_ref(addr);
            p["identifier"] = json!({ "scheme": "XI-PROCURA", "id": addr });
            p["roles"] = json!(r);
            p
        })
        .collect();

    let any_open = t.lots.iter().any(|l| l.status == "active");
    let status = if any_open {
        "active"
    } else if t.lots.iter().any(|l| l.status == "complete") {
        "complete"
    } else if t.lots.iter().all(|l| l.status == "cancelled") {
        "cancelled"
    } else {
        "unsuccessful"
    };
    let (method, details) = match t.params["procedure"].as_str().unwrap_or("") {
        "Negotiation" => ("limited", "Negotiation"),
        "RequestForQuotations" => ("selective", "RequestForQuotations"),
        "BelowThreshold" => ("open", "BelowThreshold"),
        _ => ("open", "Open"),
    };
    let criterion = match t.params["criterion"].as_str().unwrap_or("") {
        "CostOnly" => "costOnly",
        "RatedCriteria" => "ratedCriteria",
        _ => "priceOnly",
    };
    let total: u128 = t.lots.iter().map(|l| l.value).sum();
    let mut bids = Vec::new();
    let mut awards = Vec::new();
    let mut tenderers: Vec<&String> = Vec::new();
    for (i, lot) in t.lots.iter().enumerate() {
        for (bidder, b) in &lot.bids {
            if !tenderers.contains(&bidder) {
                tenderers.push(bidder);
            }
            let mut bid = json!({
                "id": format!("{}-{}", lot_id(i), &bidder[..16]),
                "date": format_rfc3339(b.submitted_at),
                "status": b.status,
                "tenderers": [party_ref(bidder)],
                "relatedLots": [lot_id(i)],
            });
            if let Some(p) = b.price {
                bid["value"] = value(p, c);
            }
            bids.push(bid);
        }
        for a in &lot.awards {
            awards.push(json!({
                "id": a.id,
                "status": a.status,
                "date": format_rfc3339(a.date),
                "value": value(a.price, c),
                "suppliers": [party_ref(&a.bidder)],
                "relatedLots": [lot_id(i)],
            }));
        }
    }
    let contracts: Vec<Value> = t
        .contracts
        .iter()
        .filter_map(|k| {
            let lot = t.lots.get(k.lot)?;
            let award = lot
                .awards
                .iter()
                .rev()
                .find(|a| a.bidder == k.supplier && a.status == "active")
                .or_else(|| lot.awards.iter().rev().find(|a| a.bidder == k.supplier))?;
            let transactions: Vec<Value> = k
                .payments
                .iter()
                .map(|p| {
                    json!({
                        "id": format!("{}-payment-{}", k.id, p.seq),
                        "source": "procura:contract-payments",
                        "date": format_rfc3339(p.time),
                        "value": value(p.amount, c),
                        "payer": party_ref(&t.buyer),
                        "payee": party_ref(&k.supplier),
                        "uri": format!("urn:procura:payment:{}:{}:{}", k.id, p.seq, p.reference.replace(' ', "%20")),
                    })
                })
                .collect();
            Some(json!({
                "id": format!("{}-contract-{}", t.id, k.id),
                "awardID": award.id,
                "status": k.status,
                "value": value(k.value, c),
                "dateSigned": format_rfc3339(k.registered_at),
                "implementation": { "transactions": transactions },
            }))
        })
        .collect();
    let mut release = json!({
        "ocid": ocid,
        "id": id,
        "date": format_rfc3339(time),
        "tag": tag,
        "initiationType": "tender",
        "parties": parties,
        "buyer": party_ref(&t.buyer),
        "planning": { "budget": { "description": "Sum of the lots' budgets", "amount": value(total, c) } },
        "tender": {
            "id": t.id.to_string(),
            "title": format!("Tender {}", t.id),
            "status": status,
            "procuringEntity": party_ref(&t.buyer),
            "value": value(total, c),
            "procurementMethod": method,
            "procurementMethodDetails": details,
            "awardCriteria": criterion,
            "submissionMethod": ["electronicSubmission"],
            "enquiryPeriod": { "startDate": format_rfc3339(t.opened_at), "endDate": format_rfc3339(t.enquiry_end) },
            "tenderPeriod": { "startDate": format_rfc3339(t.opened_at), "endDate": format_rfc3339(t.bid_deadline) },
            "numberOfTenderers": tenderers.len(),
            "tenderers": tenderers.iter().map(|b| party_ref(b)).collect::<Vec<_>>(),
            "lots": t.lots.iter().enumerate().map(|(i, l)| json!({
                "id": lot_id(i), "title": format!("Lot {i}"), "status": l.status, "value": value(l.value, c),
            })).collect::<Vec<_>>(),
        },
    });
    if !bids.is_empty() {
        release["bids"] = json!({ "details": bids });
    }
    if !awards.is_empty() {
        release["awards"] = json!(awards);
    }
    if !contracts.is_empty() {
        release["contracts"] = json!(contracts);
    }
    release
}
