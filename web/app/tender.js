// The open-tender contract as the page reads it: views for the listing,
// proofs for the auditor, and the bidder's sealed bids kept in localStorage.
import { beHex, wasm } from './procura.js';

export const CONTRACT = 'open-tender';

/** Everything the list and the detail screens show about one tender. */
export async function loadTender(node, contract, abi, id) {
  const [tender, status, lots] = await Promise.all([
    node.view(contract, abi, 'tender', { tender_id: id }),
    node.view(contract, abi, 'tender_status', { tender_id: id }),
    node.view(contract, abi, 'lots', { tender_id: id }),
  ]);
  for (const lot of lots) lot.bids = await node.view(contract, abi, 'bids', { tender_id: id, lot_id: lot.id });
  return { tender, status, lots };
}

export async function listTenders(node, contract, abi) {
  const count = await node.view(contract, abi, 'tender_count');
  const out = [];
  for (let id = 0; id < count; id++) out.push(await loadTender(node, contract, abi, id));
  return out;
}

export function timeline(node, contract, id) {
  return node.get(`/v1/contracts/${contract}/timeline?key=tender_id&id=${id}`);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The auditor's check: the tender, each lot and each bid record read from
 * state with proofs against one block's state root, decoded through the
 * ABI proven at that block, and compared with what the node's views say.
 * `lot.bid_count` (proven) must equal the number of proven bid records, so
 * the node cannot hide a bid from the list. */
export async function auditTender(node, contract, id) {
  const height = (await node.head()).height;
  const abi = await node.verifiedAbi(contract, height);
  const proven = async (ns, keyHex, type) => {
    const p = await node.provenValue(wasm.storageKey(contract, ns, keyHex), height);
    if (!p.value) throw new Error(`${ns} ${keyHex} is proven absent at block ${height}`);
    return { ...p, decoded: JSON.parse(abi.decode(type, p.value)) };
  };
  const t = await proven('tender', beHex(id, 8), 'Tender');
  const checks = [];
  const views = await loadTender(node, contract, abi, id);
  checks.push({ what: `tender ${id}`, ok: same(t.decoded, views.tender) });
  const lots = [];
  for (let lotId = 0; lotId < t.decoded.lot_count; lotId++) {
    const lotKey = beHex(id, 8) + beHex(lotId, 4);
    const lot = (await proven('lot', lotKey, 'Lot')).decoded;
    const { bids, ...viewLot } = views.lots[lotId] ?? {};
    checks.push({ what: `lot ${lotId}`, ok: same(lot, viewLot) });
    const records = [];
    for (const b of bids ?? []) {
      const rec = (await proven('bid', lotKey + b.bidder, 'BidRecord')).decoded;
      checks.push({ what: `bid of ${b.bidder.slice(0, 12)}… in lot ${lotId}`, ok: same(rec, b) });
      records.push(rec);
    }
    checks.push({ what: `lot ${lotId} lists all ${lot.bid_count} bids`, ok: records.length === lot.bid_count });
    lots.push({ ...lot, bids: records });
  }
  return { height, stateRoot: t.stateRoot, blockHash: t.blockHash, tender: t.decoded, lots, checks };
}

// --- the bidder's sealed bids (salt kept until the reveal) ---------------

const BIDS = 'procura.bids';

export function savedBids() {
  return JSON.parse(localStorage.getItem(BIDS) ?? '[]');
}

function saveBids(list) {
  localStorage.setItem(BIDS, JSON.stringify(list));
}

/** Seals a bid: a fresh salt, the commitment computed in Wasm with the
 * contract's own `Bid` layout; salt and bid are stored before submitting,
 * so a crash after submission cannot lose what the reveal needs. */
export async function commitBid(node, contract, abi, key, tenderId, lotId, price) {
  const bid = { tender_id: tenderId, lot_id: lotId, bidder: key.address, price: String(price), life_cycle_cost: 0 };
  const salt = wasm.randomSalt();
  const commitment = abi.commitment('Bid', JSON.stringify(bid), salt);
  const entry = { contract, bid, salt, commitment, state: 'sealing' };
  const list = savedBids().filter((b) => !(b.contract === contract && b.bid.tender_id === tenderId
    && b.bid.lot_id === lotId && b.bid.bidder === key.address));
  saveBids([...list, entry]);
  const r = await node.call(key, contract, abi, 'submit_bid', { tender_id: tenderId, lot_id: lotId, commitment });
  updateBid(entry, r.ok ? { state: 'committed', height: r.height } : { state: 'refused', error: r.error });
  return r;
}

function updateBid(entry, changes) {
  saveBids(savedBids().map((b) => (b.commitment === entry.commitment ? { ...b, ...changes } : b)));
}

export async function revealBid(node, abi, key, entry) {
  const { bid, salt, contract } = entry;
  const r = await node.call(key, contract, abi, 'reveal_bid', { tender_id: bid.tender_id, lot_id: bid.lot_id, bid, salt });
  updateBid(entry, r.ok ? { state: 'revealed', height: r.height } : { error: r.error });
  return r;
}
