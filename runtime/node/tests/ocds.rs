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

/// Real Prozorro data beside the repository (`shared/` is the clone's sibling).
fn ukraine_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ocds/ukraine");
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
