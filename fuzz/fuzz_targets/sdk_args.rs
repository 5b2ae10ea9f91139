//! Contract arguments as the SDK decodes them: `#[contract]` entry points
//! call `__private::decode_args::<(A, B, ..)>`, which is `borsh::from_slice`
//! of the argument tuple (on failure the call aborts). For the real argument
//! types of the bundled contracts, decoding never panics and what decodes
//! re-encodes to the same bytes, so one call has one argument encoding.
#![no_main]

use borsh::{BorshDeserialize, BorshSerialize};
use libfuzzer_sys::fuzz_target;
use procura_sdk::Address;

fn canonical<T: BorshDeserialize + BorshSerialize>(input: &[u8]) {
    if let Ok(v) = borsh::from_slice::<T>(input) {
        assert_eq!(borsh::to_vec(&v).unwrap(), input, "{} has two encodings", std::any::type_name::<T>());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, input)) = data.split_first() else { return };
    match which % 12 {
        0 => canonical::<(sealed_bid::TenderParams,)>(input),
        1 => canonical::<(u64, [u8; 32])>(input),
        2 => canonical::<(u64, sealed_bid::Bid, [u8; 32])>(input),
        3 => canonical::<(u64, Address, String)>(input),
        4 => canonical::<(u64, bool, String)>(input),
        5 => canonical::<(open_tender::TenderParams, Vec<open_tender::LotParams>)>(input),
        6 => canonical::<(u64, open_tender::Amendment)>(input),
        7 => canonical::<(u64, Option<u32>, String)>(input),
        8 => canonical::<(u64, u32, open_tender::Bid, [u8; 32])>(input),
        9 => canonical::<(u64, u32, Address, Vec<u8>)>(input),
        10 => canonical::<(String, String)>(input),
        _ => canonical::<(Address, u64, String)>(input),
    }
});
