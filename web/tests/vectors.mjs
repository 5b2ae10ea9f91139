// Checks procura-web (the Wasm the page runs) against vectors the node's
// own Rust code wrote (runtime/node/tests/web.rs): keys, addresses, signed
// transactions and their hashes, bid commitments, ABI argument encodings
// and state proofs must come out byte for byte the same.
//
//   node web/tests/vectors.mjs VECTORS.json
// Prints {"checked": N, "failures": [...]}; exits 1 on any failure.
import fs from 'node:fs';
import { webcrypto } from 'node:crypto';
import path from 'node:path';
import { load, wasm } from '../app/procura.js';

// Node 18 (Debian 12) has no global Web Crypto; the Wasm draws from it.
globalThis.crypto ??= webcrypto;
const here = path.dirname(new URL(import.meta.url).pathname);
await load(fs.readFileSync(path.join(here, '../app/pkg/procura_web_bg.wasm')));
const v = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const abi = wasm.Abi.fromWasm(fs.readFileSync(v.open_tender_wasm));
let checked = 0;
const failures = [];
const eq = (what, got, want) => {
  checked++;
  if (JSON.stringify(got) !== JSON.stringify(want)) failures.push({ what, got, want });
};
const throws = (what, f, fragment) => {
  checked++;
  try {
    f();
    failures.push({ what, got: 'no error', want: fragment });
  } catch (e) {
    if (!e.message.includes(fragment)) failures.push({ what, got: e.message, want: fragment });
  }
};

for (const k of v.keys) {
  const file = JSON.parse(wasm.importKey(k.secret_key));
  eq(`key ${k.secret_key} public`, file.public_key, k.public_key);
  eq(`key ${k.secret_key} address`, file.address, k.address);
  eq(`key ${k.secret_key} re-import`, JSON.parse(wasm.importKey(JSON.stringify(file))), file);
  eq(`address of ${k.public_key}`, wasm.accountAddress(k.public_key), k.address);
}
for (const t of v.txs) {
  const s = JSON.parse(wasm.signCall(t.secret_key, t.chain_id, BigInt(t.nonce), BigInt(t.gas_limit), t.contract,
    t.method, t.args));
  eq(`tx ${t.method}/${t.nonce} bytes`, s.tx, t.tx);
  eq(`tx ${t.method}/${t.nonce} hash`, s.hash, t.hash);
}
for (const c of v.commitments) {
  eq(`commitment of ${JSON.stringify(c.bid)}`, abi.commitment('Bid', JSON.stringify(c.bid), c.salt), c.commitment);
  eq(`borsh of ${JSON.stringify(c.bid)}`, abi.encode('Bid', JSON.stringify(c.bid)), c.bid_borsh);
}
for (const a of v.args) eq(`args of ${a.method}`, abi.encodeArgs(a.method, JSON.stringify(a.json)), a.borsh);
for (const p of v.proofs) {
  if (p.error) {
    throws(`proof ${p.name}`, () => wasm.verifyStateProof(p.root, p.key, p.proof), p.error);
  } else {
    const got = JSON.parse(wasm.verifyStateProof(p.root, p.key, p.proof));
    eq(`proof ${p.name}`, [got.version, got.value], [p.version, p.value]);
  }
}
for (const s of v.storage_keys) eq(`storage key ${s.namespace}`, wasm.storageKey(s.contract, s.namespace, s.map_key), s.key);
throws('a malformed key', () => wasm.importKey('xyz'), 'not a key');

console.log(JSON.stringify({ checked, failures }));
process.exit(failures.length ? 1 : 0);
