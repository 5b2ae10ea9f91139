//! Request bodies and path parameters of the HTTP API, parsed exactly as
//! the node parses them (`procura_client::wire`): typed refusals, no panic,
//! and what parses is consistent with the JSON it came from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use procura_client::wire;

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = wire::parse_submit(data) {
        // A parsed body is a JSON object whose `tx` is hex of these bytes.
        let v: serde_json::Value = serde_json::from_slice(data).expect("parsed as JSON");
        assert_eq!(hex::decode(v["tx"].as_str().unwrap().trim()).unwrap(), tx);
        let _ = procura_chain::SignedTransaction::decode(&tx);
    }
    if let Ok(view) = wire::parse_view(data) {
        let again = serde_json::to_vec(&wire::ViewRequest {
            contract: view.contract.to_hex(),
            method: view.method.clone(),
            args: hex::encode(&view.args),
        })
        .unwrap();
        assert_eq!(wire::parse_view(&again).unwrap(), view);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = wire::hex32(text, "hash");
        if let Ok(h) = wire::parse_height(text) {
            assert_eq!(h.to_string().parse::<u64>().unwrap(), h);
        }
    }
});
