//! Calls and events decoded through the ABI read from the compiled module
//! alone (what an auditor's tool has), checked against the contract's own
//! Rust types, and encoded back byte for byte.

use procura_abi::ContractAbi;
use procura_harness::{contract_wasm, Harness};
use procura_tests::*;
use sealed_bid::{Bid, TenderParams};
use serde_json::json;

fn abi(name: &str) -> ContractAbi {
    ContractAbi::from_wasm(&contract_wasm(name)).expect("the module carries its ABI")
}

#[test]
fn call_arguments_decode_to_named_fields_and_encode_back() {
    let abi = abi("sealed-bid");
    let params = TenderParams {
        description_hash: [7; 32],
        budget: 10u128.pow(20),
        currency: "EUR".into(),
        bid_deadline: 1_000,
        reveal_deadline: 2_000,
        min_bids: 2,
        standstill_secs: 864_000,
    };
    let input = borsh::to_vec(&(params,)).unwrap();
    let decoded = abi.decode_args("open_tender", &input).unwrap();
    assert_eq!(
        decoded,
        json!({"params": {
            "description_hash": hex::encode([7u8; 32]),
            "budget": "100000000000000000000",
            "currency": "EUR",
            "bid_deadline": 1000,
            "reveal_deadline": 2000,
            "min_bids": 2,
            "standstill_secs": 864000,
        }})
    );
    assert_eq!(abi.encode_args("open_tender", &decoded).unwrap(), input);

    let bid = Bid { tender_id: 3, bidder: BIDDERS[0], price: 450 };
    let input = borsh::to_vec(&(3u64, bid, [9u8; 32])).unwrap();
    let decoded = abi.decode_args("reveal_bid", &input).unwrap();
    assert_eq!(decoded["bid"]["price"], json!(450));
    assert_eq!(decoded["bid"]["bidder"], json!(hex::encode(BIDDERS[0].0)));
    assert_eq!(abi.encode_args("reveal_bid", &decoded).unwrap(), input);
}

#[test]
fn every_event_of_a_lifecycle_decodes() {
    let abi = abi("sealed-bid");
    let mut h = Harness::new(&contract_wasm("sealed-bid"));
    full_lifecycle(&mut h);
    assert!(!h.events.is_empty());
    for e in &h.events {
        let value = abi.decode_event(&e.topic, &e.payload).unwrap_or_else(|err| panic!("{}: {err}", e.topic));
        assert_eq!(abi.encode(&abi.events[&e.topic], &value).unwrap(), e.payload, "{} round-trips", e.topic);
    }
    let revealed: Vec<_> = h.events.iter().filter(|e| e.topic == "bid_revealed").collect();
    let first = abi.decode_event("bid_revealed", &revealed[0].payload).unwrap();
    assert!(first["price"].as_u64().is_some() && first["tender_id"] == json!(0));
    let stage = abi.decode_return("evaluate", &borsh::to_vec(&sealed_bid::Stage::Qualification).unwrap()).unwrap();
    assert_eq!(stage, json!("Qualification"));
}

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let abi = abi("sealed-bid");
    let input = borsh::to_vec(&(1u64, [0u8; 32])).unwrap();
    assert!(abi.decode_args("submit_bid", &input[..20]).unwrap_err().to_string().contains("more bytes"));
    let mut extra = input.clone();
    extra.push(0);
    assert!(abi.decode_args("submit_bid", &extra).unwrap_err().to_string().contains("left over"));
    // A huge declared length is refused before any allocation.
    assert!(abi.decode("Vec<u64>", &[0xff, 0xff, 0xff, 0x7f]).unwrap_err().to_string().contains("exceeds"));
    assert!(abi.decode_args("no_such_method", &[]).is_err());
    assert!(abi.decode_event("no_such_topic", &[]).is_err());
    assert!(ContractAbi::from_wasm(b"\0asm\x01\0\0\0").unwrap_err().to_string().contains("no `procura_abi`"));
}

#[test]
fn the_registry_abi_describes_its_types_and_events() {
    let abi = abi("supplier-registry");
    assert!(abi.types.contains_key("Supplier") && abi.types.contains_key("Debarment"));
    assert_eq!(abi.events["supplier_debarred"], "SupplierDebarred");
    let payload = borsh::to_vec(&supplier_registry::events::SupplierDebarred {
        supplier: BIDDERS[1],
        from: 5,
        until: 9,
        reason: "bid rigging".into(),
    })
    .unwrap();
    let v = abi.decode_event("supplier_debarred", &payload).unwrap();
    assert_eq!(v["reason"], json!("bid rigging"));
}

#[test]
fn every_bundled_contract_describes_every_type_it_uses() {
    let dir = procura_harness::contracts_dir();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("build the contracts first")).unwrap();
    let names: Vec<&String> = manifest.as_object().unwrap().keys().collect();
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        let abi = abi(name);
        assert!(!abi.methods.is_empty() && !abi.events.is_empty(), "{name} publishes methods and events");
        assert_eq!(abi.undescribed_types(), Vec::<String>::new(), "{name}: types without #[derive(AbiType)]");
    }
}
