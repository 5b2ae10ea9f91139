//! The body of every host function of `procura_v1`, generic over the engine
//! ([`Guest`]). Each charges its gas before doing any work; the order of
//! checks, charges and memory accesses is part of consensus (it decides
//! which error and how much gas a failing call reports), so engines share
//! these bodies rather than copies of them.

use super::guest::{charge, check_len, read_bytes, refuse_in_view, to_buffer, write_bytes, Guest};
use crate::cross::nested_view;
use crate::error::ExecError;
use crate::gas::Cost;
use procura_primitives::{Address, Event};
use sha2::{Digest, Sha256};

/// Every host function once: import name, body, Wasm signature. Each
/// engine's linker expands it with its own wrapping macro, so the two
/// engines cannot link different sets of functions.
macro_rules! for_each_host_function {
    ($define:ident) => {
        $define!(INPUT_LEN, input_len, () -> i32);
        $define!(INPUT_READ, input_read, (ptr: i32) -> ());
        $define!(SET_RETURN, set_return, (ptr: i32, len: i32) -> ());
        $define!(BUFFER_READ, buffer_read, (ptr: i32) -> ());
        $define!(STORAGE_READ, storage_read, (kptr: i32, klen: i32) -> i64);
        $define!(STORAGE_WRITE, storage_write, (kptr: i32, klen: i32, vptr: i32, vlen: i32) -> ());
        $define!(STORAGE_REMOVE, storage_remove, (kptr: i32, klen: i32) -> i32);
        $define!(STORAGE_HAS, storage_has, (kptr: i32, klen: i32) -> i32);
        $define!(STORAGE_NEXT, storage_next, (pptr: i32, plen: i32, aptr: i32, alen: i32) -> i64);
        $define!(CALLER, caller, (ptr: i32) -> ());
        $define!(CONTRACT_ADDRESS, contract_address, (ptr: i32) -> ());
        $define!(BLOCK_HEIGHT, block_height, () -> i64);
        $define!(BLOCK_TIME, block_time, () -> i64);
        $define!(EMIT_EVENT, emit_event, (tptr: i32, tlen: i32, pptr: i32, plen: i32) -> ());
        $define!(SHA256, sha256, (ptr: i32, len: i32, out: i32) -> ());
        $define!(ED25519_VERIFY, ed25519_verify, (sig: i32, pk: i32, msg: i32, msg_len: i32) -> i32);
        $define!(ABORT, abort, (ptr: i32, len: i32) -> ());
        $define!(CALL_VIEW, call_view, (addr: i32, mptr: i32, mlen: i32, aptr: i32, alen: i32) -> i64);
        $define!(DEBUG_LOG, debug_log, (ptr: i32, len: i32) -> ());
    };
}
pub(crate) use for_each_host_function;

type HostResult<T> = Result<T, ExecError>;

pub(crate) fn input_len<G: Guest>(c: &mut G) -> HostResult<i32> {
    let g = c.state().gas.env_read;
    charge(c, g, 0)?;
    Ok(c.state().input.len() as i32)
}

pub(crate) fn input_read<G: Guest>(c: &mut G, ptr: i32) -> HostResult<()> {
    let (g, len) = (c.state().gas.input_read, c.state().input.len());
    charge(c, g, len)?;
    let input = std::mem::take(&mut c.state_mut().input);
    let result = write_bytes(c, ptr, &input);
    c.state_mut().input = input;
    result
}

pub(crate) fn set_return<G: Guest>(c: &mut G, ptr: i32, len: i32) -> HostResult<()> {
    let limit = c.state().limits.max_return_size;
    check_len("return value", len, limit)?;
    let g = c.state().gas.set_return;
    charge(c, g, len as usize)?;
    let bytes = read_bytes(c, ptr, len)?;
    c.state_mut().return_data = bytes;
    Ok(())
}

pub(crate) fn buffer_read<G: Guest>(c: &mut G, ptr: i32) -> HostResult<()> {
    let (g, len) = (c.state().gas.buffer_read, c.state().buffer.len());
    charge(c, g, len)?;
    let buffer = std::mem::take(&mut c.state_mut().buffer);
    let result = write_bytes(c, ptr, &buffer);
    c.state_mut().buffer = buffer;
    result
}

pub(crate) fn storage_read<G: Guest>(c: &mut G, kptr: i32, klen: i32) -> HostResult<i64> {
    check_len("storage key", klen, c.state().limits.max_key_size)?;
    let g = c.state().gas.storage_read;
    charge(c, g, klen as usize)?;
    let key = read_bytes(c, kptr, klen)?;
    let value = c.state().overlay.get(&key);
    charge(c, Cost::new(0, g.per_byte), value.as_ref().map_or(0, |v| v.len()))?;
    Ok(to_buffer(c, value))
}

pub(crate) fn storage_write<G: Guest>(c: &mut G, kptr: i32, klen: i32, vptr: i32, vlen: i32) -> HostResult<()> {
    refuse_in_view(c)?;
    check_len("storage key", klen, c.state().limits.max_key_size)?;
    check_len("storage value", vlen, c.state().limits.max_value_size)?;
    let g = c.state().gas.storage_write;
    charge(c, g, klen as usize + vlen as usize)?;
    let key = read_bytes(c, kptr, klen)?;
    let value = read_bytes(c, vptr, vlen)?;
    c.state_mut().overlay.set(key, value);
    Ok(())
}

pub(crate) fn storage_remove<G: Guest>(c: &mut G, kptr: i32, klen: i32) -> HostResult<i32> {
    refuse_in_view(c)?;
    check_len("storage key", klen, c.state().limits.max_key_size)?;
    let g = c.state().gas.storage_remove;
    charge(c, g, klen as usize)?;
    let key = read_bytes(c, kptr, klen)?;
    Ok(c.state_mut().overlay.remove(key) as i32)
}

pub(crate) fn storage_has<G: Guest>(c: &mut G, kptr: i32, klen: i32) -> HostResult<i32> {
    check_len("storage key", klen, c.state().limits.max_key_size)?;
    let g = c.state().gas.storage_has;
    charge(c, g, klen as usize)?;
    let key = read_bytes(c, kptr, klen)?;
    Ok(c.state().overlay.get(&key).is_some() as i32)
}

/// Result in the buffer: u32 LE key length, key, value.
pub(crate) fn storage_next<G: Guest>(c: &mut G, pptr: i32, plen: i32, aptr: i32, alen: i32) -> HostResult<i64> {
    let max_key = c.state().limits.max_key_size;
    check_len("storage prefix", plen, max_key)?;
    if alen >= 0 {
        check_len("storage key", alen, max_key)?;
    }
    let g = c.state().gas.storage_next;
    charge(c, g, plen as usize)?;
    let prefix = read_bytes(c, pptr, plen)?;
    let after = if alen >= 0 { Some(read_bytes(c, aptr, alen)?) } else { None };
    let (entry, skipped) = c.state().overlay.next(&prefix, after.as_deref());
    // Each removed key skipped on the way costs a full step.
    let bytes = entry.as_ref().map_or(0, |(k, v)| k.len() + v.len());
    charge(c, Cost::new(g.base.saturating_mul(skipped as u64), g.per_byte), bytes)?;
    let packed = entry.map(|(k, v)| {
        let mut out = Vec::with_capacity(4 + k.len() + v.len());
        out.extend_from_slice(&(k.len() as u32).to_le_bytes());
        out.extend_from_slice(&k);
        out.extend_from_slice(&v);
        out
    });
    Ok(to_buffer(c, packed))
}

pub(crate) fn caller<G: Guest>(c: &mut G, ptr: i32) -> HostResult<()> {
    let g = c.state().gas.env_read;
    charge(c, g, 32)?;
    let a = c.state().ctx.caller;
    write_bytes(c, ptr, &a.0)
}

pub(crate) fn contract_address<G: Guest>(c: &mut G, ptr: i32) -> HostResult<()> {
    let g = c.state().gas.env_read;
    charge(c, g, 32)?;
    let a = c.state().ctx.contract;
    write_bytes(c, ptr, &a.0)
}

pub(crate) fn block_height<G: Guest>(c: &mut G) -> HostResult<i64> {
    let g = c.state().gas.env_read;
    charge(c, g, 0)?;
    Ok(c.state().ctx.block_height as i64)
}

pub(crate) fn block_time<G: Guest>(c: &mut G) -> HostResult<i64> {
    let g = c.state().gas.env_read;
    charge(c, g, 0)?;
    Ok(c.state().ctx.block_time as i64)
}

pub(crate) fn emit_event<G: Guest>(c: &mut G, tptr: i32, tlen: i32, pptr: i32, plen: i32) -> HostResult<()> {
    refuse_in_view(c)?;
    let limits = c.state().limits.clone();
    check_len("event topic", tlen, limits.max_event_topic_size)?;
    check_len("event payload", plen, limits.max_event_payload_size)?;
    if c.state().events.len() >= limits.max_events {
        return Err(ExecError::LimitExceeded(format!("more than {} events in one call", limits.max_events)));
    }
    let g = c.state().gas.emit_event;
    charge(c, g, tlen as usize + plen as usize)?;
    let topic = String::from_utf8(read_bytes(c, tptr, tlen)?)
        .map_err(|_| ExecError::Host("event topic is not UTF-8".into()))?;
    let payload = read_bytes(c, pptr, plen)?;
    let contract = c.state().ctx.contract;
    c.state_mut().events.push(Event { contract, topic, payload });
    Ok(())
}

pub(crate) fn sha256<G: Guest>(c: &mut G, ptr: i32, len: i32, out: i32) -> HostResult<()> {
    check_len("sha256 input", len, c.state().limits.max_input_size.max(c.state().limits.max_value_size))?;
    let g = c.state().gas.sha256;
    charge(c, g, len as usize)?;
    let digest = Sha256::digest(read_bytes(c, ptr, len)?);
    write_bytes(c, out, &digest)
}

pub(crate) fn ed25519_verify<G: Guest>(c: &mut G, sig: i32, pk: i32, msg: i32, msg_len: i32) -> HostResult<i32> {
    check_len("signed message", msg_len, c.state().limits.max_input_size)?;
    let g = c.state().gas.ed25519_verify;
    charge(c, g, msg_len as usize)?;
    let sig: [u8; 64] = read_bytes(c, sig, 64)?.try_into().expect("64 bytes");
    let pk: [u8; 32] = read_bytes(c, pk, 32)?.try_into().expect("32 bytes");
    let msg = read_bytes(c, msg, msg_len)?;
    let ok = ed25519_dalek::VerifyingKey::from_bytes(&pk)
        .map(|key| key.verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok())
        .unwrap_or(false);
    Ok(ok as i32)
}

pub(crate) fn abort<G: Guest>(c: &mut G, ptr: i32, len: i32) -> HostResult<()> {
    let limit = c.state().limits.max_abort_message;
    let len = len.clamp(0, limit as i32);
    let g = c.state().gas.abort;
    charge(c, g, len as usize)?;
    let msg = read_bytes(c, ptr, len)?;
    Err(ExecError::Aborted(String::from_utf8_lossy(&msg).into_owned()))
}

/// Result in the buffer: a Borsh `Result<Vec<u8>, String>`, the callee's
/// return value or its failure message.
pub(crate) fn call_view<G: Guest>(c: &mut G, addr: i32, mptr: i32, mlen: i32, aptr: i32, alen: i32) -> HostResult<i64> {
    check_len("method name", mlen, c.state().limits.max_event_topic_size)?;
    check_len("call input", alen, c.state().limits.max_input_size)?;
    let g = c.state().gas.call_view;
    charge(c, g, alen as usize)?;
    let target = Address(read_bytes(c, addr, 32)?.try_into().expect("32 bytes"));
    let method = String::from_utf8(read_bytes(c, mptr, mlen)?)
        .map_err(|_| ExecError::Host("method name is not UTF-8".into()))?;
    let args = read_bytes(c, aptr, alen)?;
    let available = if c.state().metered { c.remaining_fuel()? } else { u64::MAX / 2 };
    let (result, used) = nested_view(c.state(), target, &method, &args, available);
    charge(c, Cost::new(used, 0), 0)?;
    let packed = borsh::to_vec(&result).expect("a call result encodes");
    Ok(to_buffer(c, Some(packed)))
}

/// Debug output never changes results: it is charged like any host call
/// but silently dropped past the log limit, and never hashed.
pub(crate) fn debug_log<G: Guest>(c: &mut G, ptr: i32, len: i32) -> HostResult<()> {
    let len = len.max(0);
    let g = c.state().gas.debug_log;
    charge(c, g, len as usize)?;
    let limit = c.state().limits.max_log_bytes;
    // Read (and bounds-check) even when the text will be dropped, so a
    // bad pointer fails the same way whatever the log budget.
    let bytes = read_bytes(c, ptr, len)?;
    if c.state().log_bytes + len as usize <= limit {
        let msg = String::from_utf8_lossy(&bytes).into_owned();
        let state = c.state_mut();
        state.log_bytes += len as usize;
        state.logs.push(msg);
    }
    Ok(())
}
