//! Modules crafted to make compilation slow ("JIT bombs"), emitted as Wasm
//! binary directly: function bodies (the generators below), put into a
//! module of one or more copies over a one-page memory, `run` exported. Shared by the VM's
//! compile-time test and the node's adversarial suite.
#![allow(dead_code)]

fn leb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb(body.len() as u64, out);
    out.extend_from_slice(body);
}

/// A module whose `run` has `locals` i32 locals and `body` (without the
/// final `end`).
pub fn module(locals: u32, body: &[u8]) -> Vec<u8> {
    module_n(1, locals, body)
}

/// A module of `count` functions with the same locals and body; the first
/// is exported as `run`.
pub fn module_n(count: u32, locals: u32, body: &[u8]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(1, &[1, 0x60, 0, 0], &mut m); // one type: [] -> []
    let mut funcs = Vec::new();
    leb(count as u64, &mut funcs);
    funcs.extend(std::iter::repeat_n(0, count as usize)); // all of type 0
    section(3, &funcs, &mut m);
    section(5, &[1, 1, 1, 1], &mut m); // one memory, min 1, max 1
    section(7, &[2, 6, b'm', b'e', b'm', b'o', b'r', b'y', 2, 0, 3, b'r', b'u', b'n', 0, 0], &mut m);
    let mut func = Vec::new();
    if locals > 0 {
        func.push(1);
        leb(locals as u64, &mut func);
        func.push(0x7f);
    } else {
        func.push(0);
    }
    func.extend_from_slice(body);
    func.push(0x0b);
    let mut code = Vec::new();
    leb(count as u64, &mut code);
    for _ in 0..count {
        leb(func.len() as u64, &mut code);
        code.extend_from_slice(&func);
    }
    section(10, &code, &mut m);
    m
}

/// How many copies of a function with a body of `body` bytes fit in
/// `limit` bytes of module.
pub fn copies(body: usize, limit: usize) -> u32 {
    // Per copy: its entry in the function section, size, locals, `end`.
    ((limit - 64) / (body + 10)).min(10_000) as u32
}

/// `n` nested empty blocks.
pub fn nested_blocks(n: usize) -> Vec<u8> {
    let mut body = [0x02, 0x40].repeat(n);
    body.extend(std::iter::repeat_n(0x0b, n));
    body
}

/// `locals` locals (declare them with [`module_n`]), all defined first and all used last, so every one is
/// live across `blocks` small blocks that branch on them: register
/// allocation and liveness work grow with locals × blocks.
pub fn live_locals(locals: u32, blocks: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for i in 0..locals {
        body.push(0x41); // i32.const i
        leb(i as u64, &mut body);
        body.push(0x21); // local.set i
        leb(i as u64, &mut body);
    }
    for b in 0..blocks {
        body.extend([0x02, 0x40, 0x20]); // block, local.get
        leb((b as u32 % locals) as u64, &mut body);
        body.extend([0x0d, 0x00, 0x0b]); // br_if 0, end
    }
    body.extend([0x20, 0x00]); // local.get 0
    for i in 1..locals {
        body.push(0x20);
        leb(i as u64, &mut body);
        body.push(0x6a); // i32.add
    }
    body.push(0x1a); // drop
    body
}

/// A `br_table` with `n` targets.
pub fn br_table(n: usize) -> Vec<u8> {
    let mut body = vec![0x02, 0x40, 0x41, 0x00, 0x0e];
    leb(n as u64, &mut body);
    body.extend(std::iter::repeat_n(0x00, n + 1)); // n targets and the default, all block 0
    body.push(0x0b);
    body
}

/// A straight run of `n` loads and stores (no control flow).
pub fn straight_line(n: usize) -> Vec<u8> {
    let one = [0x41, 0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x36, 0x02, 0x00]; // i32.store(0, i32.load(0))
    one.repeat(n)
}

/// `n` nested loops, each adding to all of `locals` locals: every loop
/// header gets a block parameter per local.
pub fn nested_loops(locals: u32, n: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for _ in 0..n {
        body.extend([0x03, 0x40]); // loop
        for i in 0..locals {
            body.push(0x20);
            leb(i as u64, &mut body);
            body.extend([0x41, 0x01, 0x6a, 0x21]); // i32.const 1, i32.add, local.set
            leb(i as u64, &mut body);
        }
    }
    body.extend(std::iter::repeat_n(0x0b, n));
    body
}
