//! The host functions contracts import from `procura_v1`, and the per-call
//! state they work on. Every function charges its gas before doing any work,
//! checks every guest pointer, and reports failure as a typed [`HostTrap`]
//! that the executor turns into an [`ExecError`]. The full contract of each
//! function is in `docs/host-api.md`.

use crate::cross::{nested_view, CrossCalls};
use crate::error::ExecError;
use crate::gas::{Cost, GasSchedule};
use crate::limits::{Limits, PAGE};
use crate::state::Overlay;
use procura_primitives::host_abi::{import, HOST_MODULE, NONE};
use procura_primitives::{Address, Event};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use wasmtime::{Caller, Linker, Memory, ResourceLimiter};

/// Who is calling, which contract runs, and in which block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallContext {
    pub caller: Address,
    pub contract: Address,
    pub block_height: u64,
    /// Block time, unix seconds, set by the block proposer.
    pub block_time: u64,
}

/// A failure raised inside a host function; carried through wasmtime as the
/// trap's error value.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HostTrap(pub ExecError);

fn trap(e: ExecError) -> wasmtime::Error {
    wasmtime::Error::new(HostTrap(e))
}

pub(crate) struct HostState {
    pub ctx: CallContext,
    pub read_only: bool,
    pub input: Vec<u8>,
    pub return_data: Vec<u8>,
    /// Where variable-length results wait for `buffer_read`.
    pub buffer: Vec<u8>,
    pub overlay: Overlay<'static>,
    pub events: Vec<Event>,
    pub logs: Vec<String>,
    log_bytes: usize,
    pub memory: Option<Memory>,
    pub limiter: MemoryLimiter,
    pub gas: Arc<GasSchedule>,
    pub limits: Arc<Limits>,
    /// False only in the benchmark's unmetered engine, which has no fuel.
    pub metered: bool,
    /// Set when this call may make `call_view` calls.
    pub cross: Option<CrossCalls>,
}

impl HostState {
    pub fn new(
        ctx: CallContext,
        read_only: bool,
        input: Vec<u8>,
        overlay: Overlay<'static>,
        gas: Arc<GasSchedule>,
        limits: Arc<Limits>,
        metered: bool,
    ) -> Self {
        HostState {
            ctx,
            read_only,
            input,
            return_data: Vec::new(),
            buffer: Vec::new(),
            overlay,
            events: Vec::new(),
            logs: Vec::new(),
            log_bytes: 0,
            memory: None,
            limiter: MemoryLimiter {
                max_memory_bytes: limits.max_memory_pages as usize * PAGE as usize,
                max_table_elements: limits.max_table_elements as usize,
            },
            gas,
            limits,
            metered,
            cross: None,
        }
    }
}

/// Refuses growth beyond the limits with a typed trap (never a silent -1,
/// so a contract cannot spin on failed growth).
pub(crate) struct MemoryLimiter {
    max_memory_bytes: usize,
    max_table_elements: usize,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(&mut self, current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_memory_bytes {
            return Err(trap(ExecError::MemoryLimit(format!(
                "growing memory from {current} to {desired} bytes exceeds the {} byte limit",
                self.max_memory_bytes
            ))));
        }
        Ok(true)
    }

    /// Growth past the module's own declared maximum also fails with a
    /// typed trap rather than returning -1.
    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        Err(trap(ExecError::MemoryLimit(format!("memory growth failed: {error}"))))
    }

    fn table_growing(&mut self, current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_table_elements {
            return Err(trap(ExecError::LimitExceeded(format!(
                "growing a table from {current} to {desired} elements exceeds the {} element limit",
                self.max_table_elements
            ))));
        }
        Ok(true)
    }
}

type Ctx<'a> = Caller<'a, HostState>;

fn charge(caller: &mut Ctx<'_>, cost: Cost, bytes: usize) -> wasmtime::Result<()> {
    if !caller.data().metered {
        return Ok(());
    }
    let amount = cost.of(bytes);
    let fuel = caller.get_fuel()?;
    if fuel < amount {
        caller.set_fuel(0)?;
        return Err(trap(ExecError::OutOfGas));
    }
    caller.set_fuel(fuel - amount)
}

fn memory(caller: &Ctx<'_>) -> wasmtime::Result<Memory> {
    caller.data().memory.ok_or_else(|| trap(ExecError::Host("contract memory is not set".into())))
}

fn range(ptr: i32, len: i32, mem_len: usize) -> wasmtime::Result<std::ops::Range<usize>> {
    let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
    match ptr.checked_add(len) {
        Some(end) if end <= mem_len => Ok(ptr..end),
        _ => Err(trap(ExecError::BadMemoryAccess)),
    }
}

fn read_bytes(caller: &Ctx<'_>, ptr: i32, len: i32) -> wasmtime::Result<Vec<u8>> {
    let mem = memory(caller)?;
    let data = mem.data(caller);
    Ok(data[range(ptr, len, data.len())?].to_vec())
}

fn write_bytes(caller: &mut Ctx<'_>, ptr: i32, bytes: &[u8]) -> wasmtime::Result<()> {
    let mem = memory(caller)?;
    let data = mem.data_mut(&mut *caller);
    let r = range(ptr, bytes.len() as i32, data.len())?;
    data[r].copy_from_slice(bytes);
    Ok(())
}

fn check_len(what: &str, len: i32, limit: usize) -> wasmtime::Result<()> {
    if len < 0 || len as usize > limit {
        return Err(trap(ExecError::LimitExceeded(format!(
            "{what} of {} bytes exceeds the {limit} byte limit",
            len as u32
        ))));
    }
    Ok(())
}

fn refuse_in_view(caller: &Ctx<'_>) -> wasmtime::Result<()> {
    if caller.data().read_only {
        return Err(trap(ExecError::WriteInView));
    }
    Ok(())
}

/// Puts `value` in the buffer and returns its length, or [`NONE`].
fn to_buffer(caller: &mut Ctx<'_>, value: Option<Vec<u8>>) -> i64 {
    match value {
        Some(v) => {
            let len = v.len() as i64;
            caller.data_mut().buffer = v;
            len
        }
        None => {
            caller.data_mut().buffer.clear();
            NONE
        }
    }
}

/// Registers every host function on `linker`.
pub(crate) fn link(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    let m = HOST_MODULE;

    linker.func_wrap(m, import::INPUT_LEN, |mut c: Ctx<'_>| -> wasmtime::Result<i32> {
        let g = c.data().gas.env_read;
        charge(&mut c, g, 0)?;
        Ok(c.data().input.len() as i32)
    })?;

    linker.func_wrap(m, import::INPUT_READ, |mut c: Ctx<'_>, ptr: i32| -> wasmtime::Result<()> {
        let (g, len) = (c.data().gas.input_read, c.data().input.len());
        charge(&mut c, g, len)?;
        let input = std::mem::take(&mut c.data_mut().input);
        let result = write_bytes(&mut c, ptr, &input);
        c.data_mut().input = input;
        result
    })?;

    linker.func_wrap(m, import::SET_RETURN, |mut c: Ctx<'_>, ptr: i32, len: i32| -> wasmtime::Result<()> {
        let limit = c.data().limits.max_return_size;
        check_len("return value", len, limit)?;
        let g = c.data().gas.set_return;
        charge(&mut c, g, len as usize)?;
        let bytes = read_bytes(&c, ptr, len)?;
        c.data_mut().return_data = bytes;
        Ok(())
    })?;

    linker.func_wrap(m, import::BUFFER_READ, |mut c: Ctx<'_>, ptr: i32| -> wasmtime::Result<()> {
        let (g, len) = (c.data().gas.buffer_read, c.data().buffer.len());
        charge(&mut c, g, len)?;
        let buffer = std::mem::take(&mut c.data_mut().buffer);
        let result = write_bytes(&mut c, ptr, &buffer);
        c.data_mut().buffer = buffer;
        result
    })?;

    linker.func_wrap(m, import::STORAGE_READ, |mut c: Ctx<'_>, kptr: i32, klen: i32| -> wasmtime::Result<i64> {
        check_len("storage key", klen, c.data().limits.max_key_size)?;
        let g = c.data().gas.storage_read;
        charge(&mut c, g, klen as usize)?;
        let key = read_bytes(&c, kptr, klen)?;
        let value = c.data().overlay.get(&key);
        charge(&mut c, Cost::new(0, g.per_byte), value.as_ref().map_or(0, |v| v.len()))?;
        Ok(to_buffer(&mut c, value))
    })?;

    linker.func_wrap(
        m,
        import::STORAGE_WRITE,
        |mut c: Ctx<'_>, kptr: i32, klen: i32, vptr: i32, vlen: i32| -> wasmtime::Result<()> {
            refuse_in_view(&c)?;
            check_len("storage key", klen, c.data().limits.max_key_size)?;
            check_len("storage value", vlen, c.data().limits.max_value_size)?;
            let g = c.data().gas.storage_write;
            charge(&mut c, g, klen as usize + vlen as usize)?;
            let key = read_bytes(&c, kptr, klen)?;
            let value = read_bytes(&c, vptr, vlen)?;
            c.data_mut().overlay.set(key, value);
            Ok(())
        },
    )?;

    linker.func_wrap(m, import::STORAGE_REMOVE, |mut c: Ctx<'_>, kptr: i32, klen: i32| -> wasmtime::Result<i32> {
        refuse_in_view(&c)?;
        check_len("storage key", klen, c.data().limits.max_key_size)?;
        let g = c.data().gas.storage_remove;
        charge(&mut c, g, klen as usize)?;
        let key = read_bytes(&c, kptr, klen)?;
        Ok(c.data_mut().overlay.remove(key) as i32)
    })?;

    linker.func_wrap(m, import::STORAGE_HAS, |mut c: Ctx<'_>, kptr: i32, klen: i32| -> wasmtime::Result<i32> {
        check_len("storage key", klen, c.data().limits.max_key_size)?;
        let g = c.data().gas.storage_has;
        charge(&mut c, g, klen as usize)?;
        let key = read_bytes(&c, kptr, klen)?;
        Ok(c.data().overlay.get(&key).is_some() as i32)
    })?;

    // Result in the buffer: u32 LE key length, key, value.
    linker.func_wrap(
        m,
        import::STORAGE_NEXT,
        |mut c: Ctx<'_>, pptr: i32, plen: i32, aptr: i32, alen: i32| -> wasmtime::Result<i64> {
            let max_key = c.data().limits.max_key_size;
            check_len("storage prefix", plen, max_key)?;
            if alen >= 0 {
                check_len("storage key", alen, max_key)?;
            }
            let g = c.data().gas.storage_next;
            charge(&mut c, g, plen as usize)?;
            let prefix = read_bytes(&c, pptr, plen)?;
            let after = if alen >= 0 { Some(read_bytes(&c, aptr, alen)?) } else { None };
            let (entry, skipped) = c.data().overlay.next(&prefix, after.as_deref());
            // Each removed key skipped on the way costs a full step.
            let bytes = entry.as_ref().map_or(0, |(k, v)| k.len() + v.len());
            charge(&mut c, Cost::new(g.base.saturating_mul(skipped as u64), g.per_byte), bytes)?;
            let packed = entry.map(|(k, v)| {
                let mut out = Vec::with_capacity(4 + k.len() + v.len());
                out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                out.extend_from_slice(&k);
                out.extend_from_slice(&v);
                out
            });
            Ok(to_buffer(&mut c, packed))
        },
    )?;

    linker.func_wrap(m, import::CALLER, |mut c: Ctx<'_>, ptr: i32| -> wasmtime::Result<()> {
        let g = c.data().gas.env_read;
        charge(&mut c, g, 32)?;
        let a = c.data().ctx.caller;
        write_bytes(&mut c, ptr, &a.0)
    })?;

    linker.func_wrap(m, import::CONTRACT_ADDRESS, |mut c: Ctx<'_>, ptr: i32| -> wasmtime::Result<()> {
        let g = c.data().gas.env_read;
        charge(&mut c, g, 32)?;
        let a = c.data().ctx.contract;
        write_bytes(&mut c, ptr, &a.0)
    })?;

    linker.func_wrap(m, import::BLOCK_HEIGHT, |mut c: Ctx<'_>| -> wasmtime::Result<i64> {
        let g = c.data().gas.env_read;
        charge(&mut c, g, 0)?;
        Ok(c.data().ctx.block_height as i64)
    })?;

    linker.func_wrap(m, import::BLOCK_TIME, |mut c: Ctx<'_>| -> wasmtime::Result<i64> {
        let g = c.data().gas.env_read;
        charge(&mut c, g, 0)?;
        Ok(c.data().ctx.block_time as i64)
    })?;

    linker.func_wrap(
        m,
        import::EMIT_EVENT,
        |mut c: Ctx<'_>, tptr: i32, tlen: i32, pptr: i32, plen: i32| -> wasmtime::Result<()> {
            refuse_in_view(&c)?;
            let limits = c.data().limits.clone();
            check_len("event topic", tlen, limits.max_event_topic_size)?;
            check_len("event payload", plen, limits.max_event_payload_size)?;
            if c.data().events.len() >= limits.max_events {
                return Err(trap(ExecError::LimitExceeded(format!(
                    "more than {} events in one call",
                    limits.max_events
                ))));
            }
            let g = c.data().gas.emit_event;
            charge(&mut c, g, tlen as usize + plen as usize)?;
            let topic = String::from_utf8(read_bytes(&c, tptr, tlen)?)
                .map_err(|_| trap(ExecError::Host("event topic is not UTF-8".into())))?;
            let payload = read_bytes(&c, pptr, plen)?;
            let contract = c.data().ctx.contract;
            c.data_mut().events.push(Event { contract, topic, payload });
            Ok(())
        },
    )?;

    linker.func_wrap(m, import::SHA256, |mut c: Ctx<'_>, ptr: i32, len: i32, out: i32| -> wasmtime::Result<()> {
        check_len("sha256 input", len, c.data().limits.max_input_size.max(c.data().limits.max_value_size))?;
        let g = c.data().gas.sha256;
        charge(&mut c, g, len as usize)?;
        let digest = Sha256::digest(read_bytes(&c, ptr, len)?);
        write_bytes(&mut c, out, &digest)
    })?;

    linker.func_wrap(
        m,
        import::ED25519_VERIFY,
        |mut c: Ctx<'_>, sig: i32, pk: i32, msg: i32, msg_len: i32| -> wasmtime::Result<i32> {
            check_len("signed message", msg_len, c.data().limits.max_input_size)?;
            let g = c.data().gas.ed25519_verify;
            charge(&mut c, g, msg_len as usize)?;
            let sig: [u8; 64] = read_bytes(&c, sig, 64)?.try_into().expect("64 bytes");
            let pk: [u8; 32] = read_bytes(&c, pk, 32)?.try_into().expect("32 bytes");
            let msg = read_bytes(&c, msg, msg_len)?;
            let ok = ed25519_dalek::VerifyingKey::from_bytes(&pk)
                .map(|key| key.verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok())
                .unwrap_or(false);
            Ok(ok as i32)
        },
    )?;

    linker.func_wrap(m, import::ABORT, |mut c: Ctx<'_>, ptr: i32, len: i32| -> wasmtime::Result<()> {
        let limit = c.data().limits.max_abort_message;
        let len = len.clamp(0, limit as i32);
        let g = c.data().gas.abort;
        charge(&mut c, g, len as usize)?;
        let msg = read_bytes(&c, ptr, len)?;
        Err(trap(ExecError::Aborted(String::from_utf8_lossy(&msg).into_owned())))
    })?;

    // Result in the buffer: a Borsh `Result<Vec<u8>, String>`, the callee's
    // return value or its failure message.
    linker.func_wrap(
        m,
        import::CALL_VIEW,
        |mut c: Ctx<'_>, addr: i32, mptr: i32, mlen: i32, aptr: i32, alen: i32| -> wasmtime::Result<i64> {
            check_len("method name", mlen, c.data().limits.max_event_topic_size)?;
            check_len("call input", alen, c.data().limits.max_input_size)?;
            let g = c.data().gas.call_view;
            charge(&mut c, g, alen as usize)?;
            let target = Address(read_bytes(&c, addr, 32)?.try_into().expect("32 bytes"));
            let method = String::from_utf8(read_bytes(&c, mptr, mlen)?)
                .map_err(|_| trap(ExecError::Host("method name is not UTF-8".into())))?;
            let args = read_bytes(&c, aptr, alen)?;
            let available = if c.data().metered { c.get_fuel()? } else { u64::MAX / 2 };
            let (result, used) = nested_view(c.data(), target, &method, &args, available);
            charge(&mut c, Cost::new(used, 0), 0)?;
            let packed = borsh::to_vec(&result).expect("a call result encodes");
            Ok(to_buffer(&mut c, Some(packed)))
        },
    )?;

    // Debug output never changes results: it is charged like any host call
    // but silently dropped past the log limit, and never hashed.
    linker.func_wrap(m, import::DEBUG_LOG, |mut c: Ctx<'_>, ptr: i32, len: i32| -> wasmtime::Result<()> {
        let len = len.max(0);
        let g = c.data().gas.debug_log;
        charge(&mut c, g, len as usize)?;
        let limit = c.data().limits.max_log_bytes;
        // Read (and bounds-check) even when the text will be dropped, so a
        // bad pointer fails the same way whatever the log budget.
        let bytes = read_bytes(&c, ptr, len)?;
        if c.data().log_bytes + len as usize <= limit {
            let msg = String::from_utf8_lossy(&bytes).into_owned();
            let state = c.data_mut();
            state.log_bytes += len as usize;
            state.logs.push(msg);
        }
        Ok(())
    })?;

    Ok(())
}
