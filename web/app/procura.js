// The page's link to a node and to procura-web (the node's Rust, compiled
// to Wasm). Plain ES module: the browser imports it, and so do the Node.js
// tests (they pass the .wasm bytes and the node's URL).
import init, * as wasm from './pkg/procura_web.js';

export { wasm };

let ready = null;
/** Loads the Wasm once; `bytes` for Node.js, where fetch cannot read files. */
export function load(bytes) {
  ready ??= init(bytes ? { module_or_path: bytes } : undefined);
  return ready;
}

export class ApiError extends Error {}

export class Node {
  constructor(base = '') {
    this.base = base;
  }

  async get(path) {
    const r = await fetch(this.base + path);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new ApiError(`${path}: ${body.error ?? r.status}`);
    return body;
  }

  async post(path, json) {
    const r = await fetch(this.base + path, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json),
    });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new ApiError(`${path}: ${body.error ?? r.status}`);
    return body;
  }

  head() { return this.get('/v1/head'); }
  block(height) { return this.get(`/v1/blocks/${height}`); }

  async contract(name) {
    const found = (await this.get('/v1/contracts')).find((c) => c.name === name);
    if (!found) throw new ApiError(`the node has no contract ${name}`);
    return found.address;
  }

  /** A state value proven against block `height`'s header: the proof is
   * checked in Wasm against the header's state root and must be for `key`. */
  async provenValue(key, height) {
    const header = await this.block(height);
    const answer = await this.get(`/v1/state/${key}?height=${height}`);
    const checked = JSON.parse(wasm.verifyStateProof(header.state_root, key, answer.proof));
    return { value: checked.value, height, stateRoot: header.state_root, blockHash: header.hash };
  }

  /** A contract's ABI from its code on chain, every byte proven. */
  async verifiedAbi(contract, height) {
    const record = await this.provenValue(wasm.contractRecordKey(contract), height);
    if (!record.value) throw new ApiError(`no contract at ${contract}`);
    const codeHash = record.value.slice(0, 64); // ContractInfo starts with the code hash
    const code = await this.provenValue(wasm.codeKey(codeHash), height);
    return wasm.Abi.fromWasm(hexBytes(code.value));
  }

  async view(contract, abi, method, args = {}) {
    const r = await this.post('/v1/view', { contract, method, args: abi.encodeArgs(method, JSON.stringify(args)) });
    return JSON.parse(abi.decodeReturn(method, r.result));
  }

  /** Signs in Wasm (the secret key stays here), submits, waits for the block. */
  async call(key, contract, abi, method, args, gas = 50_000_000n) {
    const head = await this.head();
    const account = await this.get(`/v1/accounts/${key.address}`);
    const argsHex = abi.encodeArgs(method, JSON.stringify(args));
    const signed = JSON.parse(wasm.signCall(key.secret_key, head.chain_id, BigInt(account.next_nonce), gas,
      contract, method, argsHex));
    await this.post('/v1/tx', { tx: signed.tx });
    for (let i = 0; i < 600; i++) {
      const s = await this.get(`/v1/tx/${signed.hash}`);
      if (s.status === 'committed') {
        const r = s.receipt;
        const result = r.status === 'success' ? JSON.parse(abi.decodeReturn(method, r.return_data)) : null;
        return { hash: signed.hash, height: s.height, ok: r.status === 'success', error: r.error, result };
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new ApiError(`transaction ${signed.hash} was not committed`);
  }
}

export function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** Big-endian map-key bytes, as the SDK's `MapKey` encodes integers. */
export function beHex(value, bytes) {
  return BigInt(value).toString(16).padStart(2 * bytes, '0');
}

export function utc(secs) {
  return new Date(Number(secs) * 1000).toISOString().replace('.000Z', 'Z');
}
