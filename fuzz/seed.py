#!/usr/bin/env python3
"""Writes the seed inputs of fuzz/corpus/<target>/ (a few valid inputs per
target; the fuzzer extends the corpus from there). Re-run after a format
change: `python3 fuzz/seed.py`. Needs python3-cryptography and wat2wasm."""
import hashlib, json, pathlib, struct, subprocess, tempfile
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FIXTURES = HERE.parent / "runtime/vm/tests/fixtures"

u8 = lambda v: struct.pack("<B", v)
u32 = lambda v: struct.pack("<I", v)
u64 = lambda v: struct.pack("<Q", v)
u128 = lambda v: v.to_bytes(16, "little")
string = lambda s: u32(len(s.encode())) + s.encode()
vec = lambda b: u32(len(b)) + b
sha = lambda b: hashlib.sha256(b).digest()


def key(seed):
    k = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    pk = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return k, pk


def tx(seed, nonce, action, chain="procura-dev", gas=1_000_000):
    k, pk = key(seed)
    body = string(chain) + pk + u64(nonce) + u64(gas) + action
    return body + k.sign(b"procura/tx/v1" + body)


def merkle(leaves):
    level = [sha(b"\0" + l) for l in leaves]
    if not level:
        return sha(b"")
    while len(level) > 1:
        level = [sha(b"\1" + p[0] + p[1]) if len(p) == 2 else p[0] for p in (level[i:i + 2] for i in range(0, len(level), 2))]
    return level[0]


def header(height, prev, time, pk, txs):
    return u64(height) + prev + u64(time) + pk + merkle([sha(t) for t in txs]) + b"\1" * 32 + b"\2" * 32


def block(height, prev, time, txs, seed=0x11):
    k, pk = key(seed)
    h = header(height, prev, time, pk, txs)
    return h + k.sign(b"procura/header/v1" + sha(h)) + u32(len(txs)) + b"".join(txs)


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def wasm(wat_text):
    with tempfile.TemporaryDirectory() as t:
        src, out = pathlib.Path(t, "m.wat"), pathlib.Path(t, "m.wasm")
        src.write_text(wat_text)
        subprocess.run(["wat2wasm", "--enable-all", str(src), "-o", str(out)], check=True)
        return out.read_bytes()


def main():
    call = u8(2) + b"\3" * 32 + string("submit_bid") + vec(u64(0) + b"\7" * 32)
    txs = {
        "call": tx(1, 0, call),
        "upload": tx(2, 0, u8(0) + vec(b"\0asm\1\0\0\0")),
        "instantiate": tx(3, 0, u8(1) + b"\4" * 32 + vec(b"") + u64(9)),
        "wrong_chain": tx(1, 0, call, chain="other"),
    }
    for name, t in txs.items():
        write("tx_admission", name, t)

    _, pk = key(0x11)
    genesis = header(0, b"\0" * 32, 100, pk, [])
    child = block(1, sha(genesis), 101, [txs["call"], txs["upload"]])
    write("block_check", "child_of_genesis", genesis + child)
    write("block_check", "empty_child", genesis + block(1, sha(genesis), 100, []))

    for f in sorted(FIXTURES.glob("*.wat")):
        write("wasm_upload", f.stem, b"\0" + wasm(f.read_text()))

    c = "ab" * 32
    for name, body in {
        "submit": {"tx": txs["call"].hex()},
        "view": {"contract": c, "method": "tender_count", "args": ""},
        "view_args": {"contract": c, "method": "tender", "args": u64(0).hex()},
    }.items():
        write("http_body", name, json.dumps(body).encode())
    write("http_body", "height", b"42")

    sealed_params = b"\1" * 32 + u128(1_000_000) + string("EUR") + u64(2000) + u64(3000) + u32(2) + u64(60)
    write("sdk_args", "sealed_open_tender", u8(0) + sealed_params)
    write("sdk_args", "submit_bid", u8(1) + u64(0) + b"\7" * 32)
    write("sdk_args", "reveal_bid", u8(2) + u64(0) + u64(0) + b"\2" * 32 + u128(500) + b"\5" * 32)
    write("sdk_args", "reject", u8(3) + u64(0) + b"\2" * 32 + string("late"))
    write("sdk_args", "register", u8(10) + string("UA-EDR:40996564") + string("Acme"))

    # mode 0: bundled ABIs (pick = contract index + 5 * method index).
    write("abi_codec", "sealed_submit_bid", u8(0) + u8(0) + u64(0) + b"\7" * 32)
    write("abi_codec", "args_u64", u8(0) + u8(5) + u64(3))
    types = b'{"name":"P","struct":[["a","u64"],["b","Vec<Q>"]]}\n{"name":"Q","enum":[["X",[]],["Y",[["v","String"]]]]}'
    write("abi_codec", "hostile_types", u8(1) + types + b"\0" + b"(P,Option<u8>)" + b"\0" + u64(1) + u32(1) + u8(1) + string("hi") + u8(0))
    write("abi_codec", "from_wasm", u8(2) + wasm('(module (@custom "procura_abi" "{\\"contract\\":\\"x\\",\\"methods\\":[]}"))'))


if __name__ == "__main__":
    main()
