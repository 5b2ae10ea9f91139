//! Safe wrappers over the host ABI `procura_v1`. On wasm32 they call the real
//! host; on any other target they call the thread-local mock host in
//! [`crate::testing`], so one contract source serves both.

use alloc::vec::Vec;
use procura_primitives::Address;

#[cfg(target_arch = "wasm32")]
mod sys {
    #[link(wasm_import_module = "procura_v1")]
    extern "C" {
        pub fn input_len() -> i32;
        pub fn input_read(ptr: i32);
        pub fn set_return(ptr: i32, len: i32);
        pub fn buffer_read(ptr: i32);
        pub fn storage_read(kptr: i32, klen: i32) -> i64;
        pub fn storage_write(kptr: i32, klen: i32, vptr: i32, vlen: i32);
        pub fn storage_remove(kptr: i32, klen: i32) -> i32;
        pub fn storage_has(kptr: i32, klen: i32) -> i32;
        pub fn storage_next(pptr: i32, plen: i32, aptr: i32, alen: i32) -> i64;
        pub fn caller(ptr: i32);
        pub fn contract_address(ptr: i32);
        pub fn block_height() -> i64;
        pub fn block_time() -> i64;
        pub fn emit_event(tptr: i32, tlen: i32, pptr: i32, plen: i32);
        pub fn sha256(ptr: i32, len: i32, out: i32);
        pub fn ed25519_verify(sig: i32, pk: i32, msg: i32, msg_len: i32) -> i32;
        pub fn abort(ptr: i32, len: i32) -> !;
        pub fn debug_log(ptr: i32, len: i32);
        pub fn call_view(addr: i32, mptr: i32, mlen: i32, aptr: i32, alen: i32) -> i64;
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::sys;
    use alloc::vec::Vec;
    use procura_primitives::Address;

    fn p<T>(x: *const T) -> i32 {
        x as usize as i32
    }

    fn read_buffer(len: i64) -> Option<Vec<u8>> {
        if len < 0 {
            return None;
        }
        let mut out = alloc::vec![0u8; len as usize];
        unsafe { sys::buffer_read(p(out.as_mut_ptr())) };
        Some(out)
    }

    pub fn input() -> Vec<u8> {
        unsafe {
            let mut out = alloc::vec![0u8; sys::input_len() as usize];
            sys::input_read(p(out.as_mut_ptr()));
            out
        }
    }
    pub fn set_return(data: &[u8]) {
        unsafe { sys::set_return(p(data.as_ptr()), data.len() as i32) }
    }
    pub fn storage_read(key: &[u8]) -> Option<Vec<u8>> {
        read_buffer(unsafe { sys::storage_read(p(key.as_ptr()), key.len() as i32) })
    }
    pub fn storage_write(key: &[u8], value: &[u8]) {
        unsafe { sys::storage_write(p(key.as_ptr()), key.len() as i32, p(value.as_ptr()), value.len() as i32) }
    }
    pub fn storage_remove(key: &[u8]) -> bool {
        unsafe { sys::storage_remove(p(key.as_ptr()), key.len() as i32) == 1 }
    }
    pub fn storage_has(key: &[u8]) -> bool {
        unsafe { sys::storage_has(p(key.as_ptr()), key.len() as i32) == 1 }
    }
    pub fn storage_next_raw(prefix: &[u8], after: Option<&[u8]>) -> Option<Vec<u8>> {
        let (aptr, alen) = match after {
            Some(a) => (p(a.as_ptr()), a.len() as i32),
            None => (0, -1),
        };
        read_buffer(unsafe { sys::storage_next(p(prefix.as_ptr()), prefix.len() as i32, aptr, alen) })
    }
    pub fn caller() -> Address {
        let mut a = [0u8; 32];
        unsafe { sys::caller(p(a.as_mut_ptr())) };
        Address(a)
    }
    pub fn contract_address() -> Address {
        let mut a = [0u8; 32];
        unsafe { sys::contract_address(p(a.as_mut_ptr())) };
        Address(a)
    }
    pub fn block_height() -> u64 {
        unsafe { sys::block_height() as u64 }
    }
    pub fn block_time() -> u64 {
        unsafe { sys::block_time() as u64 }
    }
    pub fn emit_event(topic: &str, payload: &[u8]) {
        unsafe { sys::emit_event(p(topic.as_ptr()), topic.len() as i32, p(payload.as_ptr()), payload.len() as i32) }
    }
    pub fn sha256(data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        unsafe { sys::sha256(p(data.as_ptr()), data.len() as i32, p(out.as_mut_ptr())) };
        out
    }
    pub fn ed25519_verify(sig: &[u8; 64], pk: &[u8; 32], msg: &[u8]) -> bool {
        unsafe { sys::ed25519_verify(p(sig.as_ptr()), p(pk.as_ptr()), p(msg.as_ptr()), msg.len() as i32) == 1 }
    }
    pub fn abort(msg: &str) -> ! {
        unsafe { sys::abort(p(msg.as_ptr()), msg.len() as i32) }
    }
    pub fn log(msg: &str) {
        unsafe { sys::debug_log(p(msg.as_ptr()), msg.len() as i32) }
    }
    pub fn call_view(target: &Address, method: &str, args: &[u8]) -> Result<Vec<u8>, alloc::string::String> {
        let code = unsafe {
            sys::call_view(
                p(target.0.as_ptr()),
                p(method.as_ptr()),
                method.len() as i32,
                p(args.as_ptr()),
                args.len() as i32,
            )
        };
        let packed = read_buffer(code).unwrap_or_default();
        borsh::from_slice(&packed).unwrap_or_else(|_| Err("the host returned an undecodable call result".into()))
    }
}

#[cfg(not(target_arch = "wasm32"))]
use crate::testing::host_impl as imp;

/// The call's Borsh-encoded arguments.
pub fn input() -> Vec<u8> {
    imp::input()
}
pub fn set_return(data: &[u8]) {
    imp::set_return(data)
}
pub fn storage_read(key: &[u8]) -> Option<Vec<u8>> {
    imp::storage_read(key)
}
pub fn storage_write(key: &[u8], value: &[u8]) {
    imp::storage_write(key, value)
}
pub fn storage_remove(key: &[u8]) -> bool {
    imp::storage_remove(key)
}
pub fn storage_has(key: &[u8]) -> bool {
    imp::storage_has(key)
}
/// The first entry after `after` (exclusive) whose key starts with `prefix`.
pub fn storage_next(prefix: &[u8], after: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)> {
    let packed = imp::storage_next_raw(prefix, after)?;
    let klen = u32::from_le_bytes(packed[..4].try_into().ok()?) as usize;
    let key = packed[4..4 + klen].to_vec();
    let value = packed[4 + klen..].to_vec();
    Some((key, value))
}
pub fn caller() -> Address {
    imp::caller()
}
pub fn contract_address() -> Address {
    imp::contract_address()
}
pub fn block_height() -> u64 {
    imp::block_height()
}
pub fn block_time() -> u64 {
    imp::block_time()
}
pub fn emit_event(topic: &str, payload: &[u8]) {
    imp::emit_event(topic, payload)
}
pub fn sha256(data: &[u8]) -> [u8; 32] {
    imp::sha256(data)
}
pub fn ed25519_verify(sig: &[u8; 64], pk: &[u8; 32], msg: &[u8]) -> bool {
    imp::ed25519_verify(sig, pk, msg)
}
/// Ends the call with `msg`; the host discards all its changes.
pub fn abort(msg: &str) -> ! {
    imp::abort(msg)
}
/// Debug output: visible in the call's outcome, never affects results.
pub fn log(msg: &str) {
    imp::log(msg)
}
/// Runs view `method` of the contract at `target` with Borsh-encoded `args`
/// and returns its Borsh-encoded result, or the view's failure message. The
/// view is read-only and its gas is charged to this call.
pub fn call_view(target: &Address, method: &str, args: &[u8]) -> Result<Vec<u8>, alloc::string::String> {
    imp::call_view(target, method, args)
}
