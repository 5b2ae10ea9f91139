//! `procura audit tender`: a tender's history decoded from the chain alone.

mod common;

use common::*;
use procura_node::history::{contract_history, timeline};

#[test]
fn a_tenders_timeline_is_every_call_in_order_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let records = {
        let mut chain = open_chain(dir.path(), true);
        run_tender(&mut chain);
        drop(chain);
        let db = procura_storage::Db::open(&dir.path().join("db")).unwrap();
        let (abi, records) = contract_history(&db, &sealed_bid_address()).unwrap();
        assert_eq!(abi.contract, "SealedBid");
        records
    };
    let calls = timeline(&records, "tender_id", 0);
    let methods: Vec<&str> = calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        [
            "open_tender",
            "submit_bid",
            "submit_bid",
            "submit_bid",
            "reveal_bid",
            "reveal_bid",
            "reveal_bid",
            "evaluate",
            "award",
            "cancel",
            "finalize"
        ]
    );
    assert!(calls.windows(2).all(|w| (w[0].height, w[0].tx_index) < (w[1].height, w[1].tx_index)));

    let open = calls[0];
    assert_eq!((open.result.as_u64(), open.events[0].topic.as_str()), (Some(0), "tender_opened"));
    assert_eq!(open.args["params"]["currency"], "EUR");
    assert_eq!((open.time, open.time_utc.as_str()), (T0 + 10, "2026-01-01T00:00:10Z"));

    // Before the first reveal no price appears anywhere in the record.
    let first_reveal = calls.iter().position(|c| c.method == "reveal_bid").unwrap();
    for c in &calls[..first_reveal] {
        let text = serde_json::to_string(c).unwrap();
        assert!(!text.contains("\"price\""), "{} leaks a price: {text}", c.method);
    }
    let prices: Vec<u64> =
        calls[first_reveal..first_reveal + 3].iter().map(|c| c.events[0].payload["price"].as_u64().unwrap()).collect();
    assert_eq!(prices, [500, 600, 700]);
    assert_eq!(calls[first_reveal].args["bid"]["price"], 500);

    let cancel = calls.iter().find(|c| c.method == "cancel").unwrap();
    assert!(!cancel.ok && cancel.error.as_deref().unwrap().contains("only the buyer") && cancel.events.is_empty());
    assert!(calls.iter().all(|c| c.gas_used > 0));
    let award = calls.iter().find(|c| c.method == "award").unwrap();
    assert_eq!(award.events[0].payload["price"], 500);

    // Another tender id matches nothing.
    assert!(timeline(&records, "tender_id", 1).is_empty());
}
