//! The native mock host: contract unit tests run with plain `cargo test`,
//! no Wasm needed. State is thread-local, so parallel tests do not share it.
//!
//! ```ignore
//! use procura_sdk::testing::MockHost;
//! MockHost::reset();
//! MockHost::set_caller(buyer);
//! MockHost::set_time(1_000);
//! let id = MockHost::call(|| Tender::open_tender(params)).unwrap();
//! ```

use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::RefCell;
use procura_primitives::{Address, Event};
use std::thread_local;

/// Answers `cross::view` calls to one mocked contract: `(method, args)` to
/// the Borsh-encoded result or a failure message.
pub type MockContract = Rc<dyn Fn(&str, &[u8]) -> Result<Vec<u8>, String>>;

#[derive(Clone, Default)]
struct State {
    other_contracts: BTreeMap<Address, MockContract>,
    storage: BTreeMap<Vec<u8>, Vec<u8>>,
    caller: Address,
    contract: Address,
    height: u64,
    time: u64,
    input: Vec<u8>,
    return_data: Vec<u8>,
    events: Vec<Event>,
    logs: Vec<String>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State { contract: Address([0xc0; 32]), ..State::default() });
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// Control and inspection of the mock host.
pub struct MockHost;

impl MockHost {
    /// Clears storage, events and the environment.
    pub fn reset() {
        with(|s| *s = State { contract: Address([0xc0; 32]), ..State::default() });
    }
    pub fn set_caller(caller: Address) {
        with(|s| s.caller = caller);
    }
    pub fn set_contract(contract: Address) {
        with(|s| s.contract = contract);
    }
    pub fn set_time(unix_seconds: u64) {
        with(|s| s.time = unix_seconds);
    }
    pub fn advance_time(seconds: u64) {
        with(|s| s.time += seconds);
    }
    pub fn set_height(height: u64) {
        with(|s| s.height = height);
    }
    pub fn set_input(input: Vec<u8>) {
        with(|s| s.input = input);
    }
    pub fn return_data() -> Vec<u8> {
        with(|s| s.return_data.clone())
    }
    /// Every event emitted so far, oldest first.
    pub fn events() -> Vec<Event> {
        with(|s| s.events.clone())
    }
    pub fn topics() -> Vec<String> {
        with(|s| s.events.iter().map(|e| e.topic.clone()).collect())
    }
    pub fn clear_events() {
        with(|s| s.events.clear());
    }
    pub fn storage() -> BTreeMap<Vec<u8>, Vec<u8>> {
        with(|s| s.storage.clone())
    }
    pub fn logs() -> Vec<String> {
        with(|s| s.logs.clone())
    }

    /// Puts a contract at `address` for `cross::view` calls to reach. The
    /// handler gets the method name and the Borsh-encoded arguments.
    pub fn mock_contract(address: Address, handler: impl Fn(&str, &[u8]) -> Result<Vec<u8>, String> + 'static) {
        let handler: MockContract = Rc::new(handler);
        with(|s| s.other_contracts.insert(address, handler));
    }

    /// Removes a mocked contract: later calls to it fail as on a chain
    /// where nothing is deployed there.
    pub fn remove_contract(address: Address) {
        with(|s| s.other_contracts.remove(&address));
    }

    /// Runs a contract method as the host would: if it returns `Err`, every
    /// storage write and event it made is rolled back.
    pub fn call<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let before = with(|s| (s.storage.clone(), s.events.len()));
        let result = f();
        if result.is_err() {
            with(|s| {
                s.storage = before.0;
                s.events.truncate(before.1);
            });
        }
        result
    }

    /// Like [`MockHost::call`] with the caller set first.
    pub fn call_as<T, E>(caller: Address, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        Self::set_caller(caller);
        Self::call(f)
    }
}

#[doc(hidden)]
pub mod host_impl {
    use super::*;

    pub fn input() -> Vec<u8> {
        with(|s| s.input.clone())
    }
    pub fn set_return(data: &[u8]) {
        with(|s| s.return_data = data.to_vec());
    }
    pub fn storage_read(key: &[u8]) -> Option<Vec<u8>> {
        with(|s| s.storage.get(key).cloned())
    }
    pub fn storage_write(key: &[u8], value: &[u8]) {
        with(|s| s.storage.insert(key.to_vec(), value.to_vec()));
    }
    pub fn storage_remove(key: &[u8]) -> bool {
        with(|s| s.storage.remove(key).is_some())
    }
    pub fn storage_has(key: &[u8]) -> bool {
        with(|s| s.storage.contains_key(key))
    }
    pub fn storage_next_raw(prefix: &[u8], after: Option<&[u8]>) -> Option<Vec<u8>> {
        with(|s| {
            let found = s
                .storage
                .range(prefix.to_vec()..)
                .filter(|(k, _)| after.is_none_or(|a| k.as_slice() > a))
                .take_while(|(k, _)| k.starts_with(prefix))
                .next()
                .map(|(k, v)| (k.clone(), v.clone()));
            found.map(|(k, v)| {
                let mut out = Vec::new();
                out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                out.extend_from_slice(&k);
                out.extend_from_slice(&v);
                out
            })
        })
    }
    pub fn caller() -> Address {
        with(|s| s.caller)
    }
    pub fn contract_address() -> Address {
        with(|s| s.contract)
    }
    pub fn block_height() -> u64 {
        with(|s| s.height)
    }
    pub fn block_time() -> u64 {
        with(|s| s.time)
    }
    pub fn emit_event(topic: &str, payload: &[u8]) {
        with(|s| {
            let contract = s.contract;
            s.events.push(Event { contract, topic: topic.to_string(), payload: payload.to_vec() })
        });
    }
    pub fn sha256(data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }
    pub fn ed25519_verify(sig: &[u8; 64], pk: &[u8; 32], msg: &[u8]) -> bool {
        ed25519_dalek::VerifyingKey::from_bytes(pk)
            .map(|k| k.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(sig)).is_ok())
            .unwrap_or(false)
    }
    /// Natively an abort is a panic carrying the message; tests that expect
    /// one use `#[should_panic(expected = "...")]`.
    pub fn abort(msg: &str) -> ! {
        panic!("contract aborted: {msg}")
    }
    pub fn log(msg: &str) {
        with(|s| s.logs.push(msg.to_string()));
    }
    pub fn call_view(target: &Address, method: &str, args: &[u8]) -> Result<Vec<u8>, String> {
        // Clone the handler out first: it may itself use the mock host.
        let handler = with(|s| s.other_contracts.get(target).cloned());
        match handler {
            Some(h) => h(method, args),
            None => Err(alloc::format!("no contract at {target}")),
        }
    }
}
