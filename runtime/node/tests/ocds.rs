//! OCDS in and out: `procura ocds replay` on published Prozorro tenders, and
//! `procura ocds export` of a scripted tender validated against the
//! official OCDS 1.1 schemas (Python `jsonschema`, set up by scripts/setup).

use ed25519_dalek::SigningKey;
use procura_node::chain::Chain;
use procura_node::genesis::GenesisConfig;
use procura_node::ocds::driver::{address_of, Driver};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

fn contracts_dir() -> PathBuf {
    std::env::var_os("PROCURA_CONTRACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/contracts"))
}

/// Real Prozorro data in the workplace's `shared/` directory: beside the
/// repository, or beside any directory above it (a CI clone may sit deeper),
/// or where `PROCURA_SHARED_DIR` says.
fn ukraine_files() -> Vec<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = std::env::var_os("PROCURA_SHARED_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain(manifest.ancestors().map(|a| a.join("shared")))
        .chain([PathBuf::from("/work/shared")]);
    let mut tried = Vec::new();
    let dir = candidates
        .map(|shared| shared.join("data/ocds/ukraine"))
        .inspect(|d| tried.push(d.display().to_string()))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| panic!("the OCDS sample data is missing; looked in {tried:?} (set PROCURA_SHARED_DIR)"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} ({e}): the OCDS sample data is missing", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn procura(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_procura")).args(args).output().expect("procura runs");
    assert!(
        out.status.success(),
        "procura {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn replay_reproduces_every_comparable_prozorro_award() {
    let files = ukraine_files();
    assert_eq!(files.len(), 11, "the sample holds 11 Prozorro tenders");
    let contracts = contracts_dir();
    let mut args = vec!["ocds", "replay", "--json", "--contracts", contracts.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let report: Value = serde_json::from_slice(&procura(&args).stdout).expect("JSON report");

    // What reading the data says: five open belowThreshold tenders with bids
    // (three with one bid or a clear winner, two where the buyer rejected the
    // lowest bidder and awarded the next), one with no bids, five without
    // competition (four `reporting`, one `negotiation.quick`).
    assert_eq!(report["matched"], 5, "{report:#}");
    assert_eq!(report["comparable"], 5);
    assert_eq!(report["skipped"], 6);
    let verdict = |suffix: &str| {
        let t = report["tenders"].as_array().unwrap().iter().find(|t| t["ocid"].as_str().unwrap().ends_with(suffix));
        let t = t.unwrap_or_else(|| panic!("no tender {suffix}"));
        (t["verdict"].as_str().unwrap().to_string(), t["reason"].as_str().unwrap_or("").to_string(), t.clone())
    };
    for matched in [
        "2016-06-02-000468-c",
        "2016-06-08-000504-c",
        "2016-08-31-000670-b",
        "2017-04-10-002020-b",
        "2017-04-12-001619-b",
    ] {
        assert_eq!(verdict(matched).0, "matched", "{matched}");
    }
    assert_eq!(verdict("2016-06-07-000066-a").1, "no bids published");
    assert_eq!(
        verdict("2016-12-29-000657-c").1,
        "unsupported procedure: negotiation.quick (limited), no open bidding to replay"
    );
    for reporting in ["2017-01-20-000582-a", "2017-01-31-001299-b", "2017-04-04-001419-b", "2017-05-22-000501-b"] {
        let (v, reason, _) = verdict(reporting);
        assert_eq!(
            (v.as_str(), reason.as_str()),
            ("skipped", "unsupported procedure: reporting (limited), no open bidding to replay")
        );
    }
    // The rejection cascade: the lowest bidder (1800 UAH) was rejected by the
    // buyer; the award goes to 2875 UAH as published.
    let (_, _, t) = verdict("2016-06-08-000504-c");
    assert_eq!(t["bids"], 5);
    assert_eq!(t["lots"][0]["replayed"], "UA-EDR 14017091 at 2875.00 UAH");
    assert_eq!(t["lots"][0]["published"], t["lots"][0]["replayed"]);

    // The table ends with the count.
    let mut args = vec!["ocds", "replay", "--contracts", contracts.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let table = String::from_utf8(procura(&args).stdout).unwrap();
    assert!(table.trim_end().ends_with("5 matched of 5 comparable (6 skipped)"), "{table}");
}

#[test]
fn replay_turns_broken_data_into_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.json");
    let release = |ocid: &str, extra: Value| {
        let mut r = json!({
            "ocid": ocid, "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"],
            "tender": {
                "procurementMethod": "open", "procurementMethodType": "belowThreshold", "awardCriteria": "lowestCost",
                "value": { "amount": 100.0, "currency": "UAH" },
                "enquiryPeriod": { "startDate": "2020-01-01T00:00:00Z", "endDate": "2020-01-03T00:00:00Z" },
                "tenderPeriod": { "startDate": "2020-01-03T00:00:00Z", "endDate": "2020-01-06T00:00:00Z" }
            },
            "bids": { "details": [ { "id": "b1", "status": "active", "value": { "amount": 90.0, "currency": "UAH" },
                "tenderers": [ { "identifier": { "scheme": "UA-EDR", "id": "1" } } ] } ] },
            "awards": [ { "id": "a1", "status": "active", "value": { "amount": 90.0, "currency": "UAH" },
                "suppliers": [ { "identifier": { "scheme": "UA-EDR", "id": "1" } } ] } ]
        });
        merge(&mut r, extra);
        r
    };
    let package = json!({ "uri": "x", "publishedDate": "2020-01-01T00:00:00Z", "releases": [
        release("ok", json!({})),
        release("usd", json!({ "bids": { "details": [ { "id": "b1", "value": { "amount": 90.0, "currency": "USD" },
            "tenderers": [ { "identifier": { "scheme": "UA-EDR", "id": "1" } } ] } ] } })),
        release("rated", json!({ "tender": { "awardCriteria": "ratedCriteria" } })),
        release("nodate", json!({ "tender": { "tenderPeriod": { "endDate": "soon" } } })),
        release("short", json!({ "tender": { "tenderPeriod": { "endDate": "2020-01-03T01:00:00Z" } } })),
        release("cents", json!({ "awards": [ { "id": "a1", "status": "active", "value": { "amount": 90.001, "currency": "UAH" },
            "suppliers": [ { "identifier": { "scheme": "UA-EDR", "id": "1" } } ] } ] })),
        release("other", json!({ "awards": [ { "id": "a1", "status": "active", "value": { "amount": 90.0, "currency": "UAH" },
            "suppliers": [ { "identifier": { "scheme": "UA-EDR", "id": "2" } } ] } ] })),
        json!({ "ocid": "garbage", "tender": "not an object" }),
    ]});
    std::fs::write(&path, package.to_string()).unwrap();
    let report = procura_node::ocds::replay::replay_files(&[path], &contracts_dir()).expect("replay runs");
    let reason = |ocid: &str| {
        let t = report.tenders.iter().find(|t| t.ocid == ocid).unwrap();
        (format!("{:?}", t.verdict), t.reason.clone().unwrap_or_default())
    };
    assert_eq!(reason("ok").0, "Matched");
    assert_eq!(reason("usd").1, "inconsistent currency: bid b1 in USD, the tender in UAH");
    assert_eq!(reason("rated").1, "unsupported award criterion: ratedCriteria");
    assert!(reason("nodate").1.starts_with("bad date in tender period end"), "{:?}", reason("nodate"));
    assert!(reason("short").1.starts_with("the contract refuses the published configuration"), "{:?}", reason("short"));
    assert!(reason("cents").1.contains("would need rounding"), "{:?}", reason("cents"));
    let (v, why) = reason("other");
    assert_eq!(v, "Mismatched");
    assert!(why.contains("published UA-EDR 2 at 90.00 UAH; contract UA-EDR 1 at 90.00 UAH"), "{why}");
    assert!(reason("garbage").1.starts_with("not a readable OCDS release"), "{:?}", reason("garbage"));
    assert_eq!((report.matched, report.comparable, report.skipped), (1, 2, 6));
}

fn merge(into: &mut Value, extra: Value) {
    match (into, extra) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

const T0: u64 = 1_767_225_600;
const DAY: u64 = 86_400;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// A whole open tender (two lots, a rejection cascade, awards made final)
/// and, for lot 0, a contract delivered, accepted, paid and completed.
fn lifecycle_chain(dir: &std::path::Path) -> (String, String) {
    let validator = key(0x11);
    let mut genesis = GenesisConfig::dev(
        hex::encode(validator.verifying_key().to_bytes()),
        vec!["open-tender".into(), "contract-payments".into()],
    );
    genesis.genesis_time = T0;
    let contracts = contracts_dir();
    let mut chain = Chain::open(dir, genesis.clone(), &contracts, Some(validator)).unwrap();
    let mut ot = Driver::genesis_contract(&contracts, "open-tender", &genesis.chain_id).unwrap();
    let mut cp = Driver::genesis_contract(&contracts, "contract-payments", &genesis.chain_id).unwrap();
    let (buyer, bidders) = (key(1), [key(2), key(3), key(4)]);
    let zero = hex::encode([0u8; 32]);
    let (bid_deadline, reveal_deadline) = (T0 + 3 * DAY, T0 + 3 * DAY + 3_600);
    let params = json!({
        "procedure": "BelowThreshold", "criterion": "PriceOnly", "criteria": [], "evaluators": [], "currency": "UAH",
        "documents_hash": zero, "enquiry_end": T0 + DAY, "bid_deadline": bid_deadline, "reveal_deadline": reveal_deadline,
        "standstill_secs": 2 * DAY, "min_bids": 1, "registry": null, "review_body": null, "auction": null,
    });
    let lots =
        json!([{ "value": 1_000_000, "description_hash": zero }, { "value": 500_000, "description_hash": zero }]);
    let produce = |chain: &mut Chain, txs: Vec<procura_chain::SignedTransaction>, t: u64| {
        let n = txs.len();
        let (_, receipts) = chain.produce(txs, t).unwrap();
        assert_eq!(receipts.len(), n, "every transaction is admitted");
        for r in &receipts {
            assert_eq!(r.status, procura_chain::ReceiptStatus::Success, "{r:?}");
        }
    };
    let open = ot.call(&buyer, "open_tender", json!({ "params": params, "lots": lots })).unwrap();
    produce(&mut chain, vec![open], T0 + 10);
    // Lot 0: three bids (the lowest will be rejected); lot 1: one bid.
    let offers: Vec<(usize, u32, u128)> = vec![(0, 0, 700_000), (1, 0, 800_000), (2, 0, 900_000), (1, 1, 450_000)];
    let sealed = |lot: u32, who: usize, price: u128, ot: &Driver| {
        let bid = json!({ "tender_id": 0, "lot_id": lot, "bidder": address_of(&bidders[who]).to_string(),
            "price": price.to_string(), "life_cycle_cost": 0 });
        let salt = [who as u8 + 7 * lot as u8; 32];
        let mut bytes = ot.abi.encode("Bid", &bid).unwrap();
        bytes.extend_from_slice(&salt);
        use sha2::Digest;
        let commitment: [u8; 32] = sha2::Sha256::digest(&bytes).into();
        (bid, hex::encode(salt), hex::encode(commitment))
    };
    let mut txs = Vec::new();
    for &(who, lot, price) in &offers {
        let (_, _, c) = sealed(lot, who, price, &ot);
        txs.push(
            ot.call(&bidders[who], "submit_bid", json!({ "tender_id": 0, "lot_id": lot, "commitment": c })).unwrap(),
        );
    }
    produce(&mut chain, txs, T0 + DAY + 100);
    let mut txs = Vec::new();
    for &(who, lot, price) in &offers {
        let (bid, salt, _) = sealed(lot, who, price, &ot);
        let args = json!({ "tender_id": 0, "lot_id": lot, "bid": bid, "salt": salt });
        txs.push(ot.call(&bidders[who], "reveal_bid", args).unwrap());
    }
    produce(&mut chain, txs, bid_deadline);
    let t = reveal_deadline;
    let txs = vec![
        ot.call(&buyer, "evaluate_lot", json!({ "tender_id": 0, "lot_id": 0 })).unwrap(),
        ot.call(&buyer, "evaluate_lot", json!({ "tender_id": 0, "lot_id": 1 })).unwrap(),
    ];
    produce(&mut chain, txs, t);
    let reject =
        json!({ "tender_id": 0, "lot_id": 0, "bidder": address_of(&bidders[0]).to_string(), "reason": "no licence" });
    let txs = vec![
        ot.call(&buyer, "reject_bidder", reject).unwrap(),
        ot.call(&buyer, "award", json!({ "tender_id": 0, "lot_id": 0 })).unwrap(),
        ot.call(&buyer, "award", json!({ "tender_id": 0, "lot_id": 1 })).unwrap(),
    ];
    produce(&mut chain, txs, t + 60);
    let t = t + 60 + 2 * DAY;
    let txs = vec![
        ot.call(&buyer, "finalize", json!({ "tender_id": 0, "lot_id": 0 })).unwrap(),
        ot.call(&buyer, "finalize", json!({ "tender_id": 0, "lot_id": 1 })).unwrap(),
    ];
    produce(&mut chain, txs, t);
    // The contract for lot 0, with bidder 1 at 8000.00 UAH.
    cp.continue_nonces(&ot);
    let register = json!({ "params": {
        "tender": { "contract": ot.address.to_string(), "tender_id": 0, "lot_id": 0 },
        "supplier": address_of(&bidders[1]).to_string(), "value": 800_000, "currency": "UAH",
        "budget_line": "2026/UA-KYIV/0451/3110", "document_hash": zero,
        "milestones": [{ "title": "delivery", "amount": 800_000, "due": t + 30 * DAY }], "amendment_cap_bps": null,
    }});
    produce(&mut chain, vec![cp.call(&buyer, "register_contract", register).unwrap()], t + 100);
    let txs = vec![
        cp.call(&bidders[1], "record_delivery", json!({ "contract_id": 0, "milestone": 0, "document_hash": zero }))
            .unwrap(),
        cp.call(&buyer, "accept_delivery", json!({ "contract_id": 0, "milestone": 0 })).unwrap(),
    ];
    produce(&mut chain, txs, t + 10 * DAY);
    let pay = |amount: u128, reference: &str| json!({ "contract_id": 0, "milestone": 0, "amount": amount, "reference": reference });
    let txs = vec![
        cp.call(&buyer, "record_payment", pay(300_000, "UA-TREASURY-1")).unwrap(),
        cp.call(&buyer, "record_payment", pay(500_000, "UA-TREASURY-2")).unwrap(),
        cp.call(&buyer, "complete", json!({ "contract_id": 0, "note": "delivered and paid" })).unwrap(),
    ];
    produce(&mut chain, txs, t + 11 * DAY);
    (ot.address.to_string(), cp.address.to_string())
}

#[test]
fn export_validates_against_the_ocds_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("chain");
    let (tender_contract, payments) = lifecycle_chain(&data);
    let (releases_path, records_path) = (dir.path().join("releases.json"), dir.path().join("records.json"));
    let data_s = data.to_str().unwrap();
    procura(&[
        "ocds",
        "export",
        "--data",
        data_s,
        "--contract",
        &tender_contract,
        "--payments",
        &payments,
        "--out",
        releases_path.to_str().unwrap(),
        "--records",
        records_path.to_str().unwrap(),
    ]);
    let package: Value = serde_json::from_slice(&std::fs::read(&releases_path).unwrap()).unwrap();
    let releases = package["releases"].as_array().unwrap();
    let ocid = format!("ocds-procura-{}-0", &tender_contract[..8]);
    assert!(releases.iter().all(|r| r["ocid"] == ocid.as_str()));
    let mut ids: Vec<&str> = releases.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), releases.len(), "release ids are unique");
    assert_eq!(releases[0]["tag"], json!(["tender"]));
    assert_eq!(releases[0]["date"], "2026-01-01T00:00:10Z");
    let last = releases.last().unwrap();
    assert_eq!(last["tender"]["status"], "complete");
    let awards = last["awards"].as_array().unwrap();
    let statuses: Vec<&str> = awards.iter().map(|a| a["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["unsuccessful", "active", "active"], "{awards:#?}");
    assert_eq!(awards[1]["value"], json!({ "amount": 8000.0, "currency": "UAH" }));
    let contract = &last["contracts"][0];
    assert_eq!(contract["awardID"], awards[1]["id"]);
    assert_eq!(contract["status"], "terminated");
    assert_eq!(contract["implementation"]["transactions"].as_array().unwrap().len(), 2);
    assert_eq!(last["bids"]["details"].as_array().unwrap().len(), 4);
    let records: Value = serde_json::from_slice(&std::fs::read(&records_path).unwrap()).unwrap();
    assert_eq!(records["records"][0]["compiledRelease"]["tag"], json!(["compiled"]));
    assert_eq!(records["records"][0]["releases"].as_array().unwrap().len(), releases.len());

    // The official schemas (scripts/setup installs them and jsonschema).
    let ocds_dir = std::env::var_os("PROCURA_OCDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/procura/ocds"));
    let python = ocds_dir.join("venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/setup", python.display());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ocds-validate");
    let out = Command::new(python).arg(script).arg(&releases_path).arg(&records_path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "schema validation failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(text.matches(": 0 errors").count(), 2, "{text}");
}
