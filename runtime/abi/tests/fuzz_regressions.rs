//! Inputs that once crashed the `abi_codec` fuzz target
//! (fuzz/regressions/abi_codec/), replayed through the same checks, and the
//! bugs they found stated directly.

use procura_abi::ContractAbi;
use serde_json::json;

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

/// The bundled contracts' ABIs, in the fuzz target's order; empty when the
/// contracts are not built.
fn bundled() -> Vec<ContractAbi> {
    let dir = std::env::var("PROCURA_CONTRACTS_DIR")
        .unwrap_or_else(|_| format!("{}/../../artifacts/contracts", env!("CARGO_MANIFEST_DIR")));
    ["sealed-bid", "open-tender", "supplier-registry", "framework-agreement", "contract-payments"]
        .iter()
        .filter_map(|name| std::fs::read(format!("{dir}/{name}.wasm")).ok())
        .map(|code| ContractAbi::from_wasm(&code).expect("bundled ABI reads"))
        .collect()
}

/// The fuzz target's checks (see fuzz/fuzz_targets/abi_codec.rs).
fn replay(abis: &[ContractAbi], data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 3 {
        0 if abis.len() == 5 => {
            let Some((&pick, input)) = rest.split_first() else { return };
            let abi = &abis[pick as usize % abis.len()];
            let method = &abi.methods[(pick as usize / abis.len()) % abi.methods.len()];
            if let Ok(json) = abi.decode_args(&method.name, input) {
                assert_eq!(abi.encode_args(&method.name, &json).unwrap(), input, "{}", method.name);
            }
        }
        0 => {}
        1 => {
            let mut parts = rest.splitn(3, |b| *b == 0);
            let (Some(types), Some(ty), Some(bytes)) = (parts.next(), parts.next(), parts.next()) else { return };
            let Ok(ty) = std::str::from_utf8(ty) else { return };
            let Ok(abi) = ContractAbi::from_sections(br#"{"contract":"x","methods":[]}"#, types, b"") else {
                return;
            };
            if let Ok(json) = abi.decode(ty, bytes) {
                let _ = abi.encode(ty, &json);
            }
        }
        _ => {
            let _ = ContractAbi::from_wasm(rest);
        }
    }
}

#[test]
fn abi_codec_regressions() {
    let abis = bundled();
    let found = inputs("abi_codec");
    assert!(!found.is_empty(), "fuzz/regressions/abi_codec holds the inputs");
    for (_, data) in found {
        replay(&abis, &data);
    }
}

#[test]
fn a_method_without_arguments_decodes_to_an_empty_object() {
    let abi = ContractAbi::from_sections(
        br#"{"contract":"x","methods":[{"name":"count","kind":"view","args":[],"returns":"u64"}]}"#,
        b"",
        b"",
    )
    .unwrap();
    assert_eq!(abi.decode_args("count", &[]), Ok(json!({})));
    assert!(abi.decode_args("count", &[1]).is_err(), "no arguments means no bytes");
    assert_eq!(abi.encode_args("count", &json!({})), Ok(vec![]));
}

#[test]
fn zero_sized_values_cannot_be_multiplied_from_no_input() {
    let abi =
        ContractAbi::from_sections(br#"{"contract":"x","methods":[]}"#, br#"{"name":"E","struct":[]}"#, b"").unwrap();
    for ty in ["[();4000000000]", "[E;4000000000]", "[[();65536];65536]"] {
        let started = std::time::Instant::now();
        assert!(abi.decode(ty, &[]).is_err(), "{ty}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{ty}");
    }
    // Small zero-sized arrays still decode.
    assert_eq!(abi.decode("[();3]", &[]).unwrap(), json!([null, null, null]));
}

#[test]
fn a_deeply_nested_type_is_refused_not_a_stack_overflow() {
    let abi = ContractAbi::from_sections(br#"{"contract":"x","methods":[]}"#, b"", b"").unwrap();
    assert!(abi.decode(&"[".repeat(60_000), &[]).is_err());
    assert!(abi.decode(&format!("{}u8{}", "Option<".repeat(1000), ">".repeat(1000)), &[0]).is_err());
}
