//! procura-abi: reading an ABI from arbitrary module bytes, and the Borsh ⇄
//! JSON codec. With the bundled contracts' ABIs, whatever decodes as a
//! method's arguments encodes back to the same bytes; with an ABI whose type
//! table and type expressions come from the input (what a hostile contract
//! can publish), decode and encode end in a typed result, never a panic or
//! a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use procura_abi::ContractAbi;
use std::sync::OnceLock;

fn bundled() -> &'static [ContractAbi] {
    static ABIS: OnceLock<Vec<ContractAbi>> = OnceLock::new();
    ABIS.get_or_init(|| {
        let dir = std::env::var("PROCURA_CONTRACTS_DIR")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../artifacts/contracts").into());
        let mut abis = Vec::new();
        for name in ["sealed-bid", "open-tender", "supplier-registry", "framework-agreement", "contract-payments"] {
            let code = std::fs::read(format!("{dir}/{name}.wasm")).expect("scripts/build-contracts first");
            abis.push(ContractAbi::from_wasm(&code).expect("bundled ABI reads"));
        }
        abis
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 3 {
        0 => {
            let Some((&pick, input)) = rest.split_first() else { return };
            let abis = bundled();
            let abi = &abis[pick as usize % abis.len()];
            let method = &abi.methods[(pick as usize / abis.len()) % abi.methods.len()];
            if let Ok(json) = abi.decode_args(&method.name, input) {
                let encoded = abi.encode_args(&method.name, &json).expect("decoded JSON encodes");
                assert_eq!(encoded, input, "{}: {json}", method.name);
            }
        }
        1 => {
            // `types line \n type expr \n value bytes`: a hostile type table.
            let mut parts = rest.splitn(3, |b| *b == 0);
            let (Some(types), Some(ty), Some(bytes)) = (parts.next(), parts.next(), parts.next()) else { return };
            let Ok(ty) = std::str::from_utf8(ty) else { return };
            let abi_json = br#"{"contract":"x","methods":[]}"#;
            let Ok(abi) = ContractAbi::from_sections(abi_json, types, b"") else { return };
            if let Ok(json) = abi.decode(ty, bytes) {
                let _ = abi.encode(ty, &json);
            }
        }
        _ => {
            let _ = ContractAbi::from_wasm(rest);
        }
    }
});
