//! Inputs that once crashed the `http_body` fuzz target
//! (fuzz/regressions/http_body/), replayed through the same checks.

use procura_client::wire::{self, RequestError};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../../fuzz/regressions/{target}", env!("CARGO_MANIFEST_DIR"));
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn http_body_regressions() {
    let found = inputs("http_body");
    assert!(!found.is_empty(), "fuzz/regressions/http_body holds the inputs");
    for (name, data) in found {
        if let Ok(tx) = wire::parse_submit(&data) {
            let v: serde_json::Value = serde_json::from_slice(&data).expect("an accepted body is JSON");
            assert_eq!(hex::decode(v["tx"].as_str().unwrap().trim()).unwrap(), tx, "{name}");
        }
        if name == "array_instead_of_object" {
            assert!(wire::parse_submit(&data).is_err() && wire::parse_view(&data).is_err());
        }
        if name == "unknown_field_with_invalid_utf8" {
            // A `method` field in a tx body, holding invalid UTF-8: refused.
            assert!(matches!(wire::parse_submit(&data), Err(RequestError::Json(_))));
        }
    }
}
