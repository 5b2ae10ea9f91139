// The page: tender list and detail, the bidder's flow and the auditor's
// check. Hash routes: #/, #/tender/ID, #/bidder, #/audit[/ID].
import { load, Node, utc, wasm } from './procura.js';
import { auditTender, commitBid, CONTRACT, listTenders, loadTender, revealBid, savedBids, timeline } from './tender.js';

const node = new Node('');
const main = document.getElementById('main');
let ctx = null; // { contract, abi, chainId }

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const short = (hex) => `<code title="${esc(hex)}">${esc(hex.slice(0, 12))}…</code>`;
const variant = (v) => (typeof v === 'string' ? v : Object.keys(v)[0]);

async function setup() {
  await load();
  const head = await node.head();
  const contract = await node.contract(CONTRACT);
  // The ABI is read from the contract's code on chain, proven at the head.
  const abi = await node.verifiedAbi(contract, head.height);
  ctx = { contract, abi, chainId: head.chain_id };
}

function key() {
  const k = localStorage.getItem('procura.key');
  return k ? JSON.parse(k) : null;
}

function setKey(file) {
  localStorage.setItem('procura.key', file);
}

// --- screens ---------------------------------------------------------------

async function tendersScreen() {
  const list = await listTenders(node, ctx.contract, ctx.abi);
  const rows = list.map(({ tender: t, status, lots }) => `
    <tr data-tender="${t.id}">
      <td><a href="#/tender/${t.id}">Tender ${t.id}</a></td>
      <td class="status">${esc(variant(status))}</td>
      <td>${esc(variant(t.params.procedure))}, ${esc(variant(t.params.criterion))}</td>
      <td>${lots.length}</td>
      <td>${utc(t.params.bid_deadline)}</td>
      <td>${utc(t.params.reveal_deadline)}</td>
    </tr>`).join('');
  main.innerHTML = `<section><h2>Open tenders</h2>
    <table id="tenders"><tr><th>tender</th><th>status</th><th>procedure</th><th>lots</th>
      <th>bids close</th><th>reveals close</th></tr>${rows || '<tr><td colspan="6">No tenders yet.</td></tr>'}</table>
    <p class="muted">Contract ${short(ctx.contract)} — ABI read from its code on chain, checked by proof.</p></section>`;
}

function lotHtml(t, lot) {
  const award = lot.award
    ? `<p class="award">Awarded to ${short(lot.award.bidder)} at <strong>${esc(lot.award.price)}</strong>
       ${esc(t.params.currency)}; standstill until ${utc(lot.award.standstill_ends)}</p>`
    : '<p class="award muted">No award yet.</p>';
  const bids = lot.bids.map((b) => `<tr><td>${short(b.bidder)}</td><td>${short(b.commitment)}</td>
      <td class="price">${b.revealed_price ?? '<span class="muted">sealed</span>'}</td>
      <td>${b.rejection ? esc(b.rejection) : ''}</td></tr>`).join('');
  return `<section data-lot="${lot.id}"><h3>Lot ${lot.id} — <span class="lot-status">${esc(variant(lot.status))}</span></h3>
    <p>Budget ${esc(lot.value)} ${esc(t.params.currency)} · ${lot.bid_count} bids · ${lot.valid_bids} valid</p>
    ${award}<table><tr><th>bidder</th><th>commitment</th><th>revealed price</th><th>rejection</th></tr>${bids}</table></section>`;
}

function timelineHtml(calls) {
  const items = calls.map((c) => `<li><span class="mono">${esc(c.time_utc)}</span> block ${c.height}:
    <strong>${esc(c.method)}</strong> by ${short(c.signer)}
    ${c.ok ? '<span class="ok">ok</span>' : `<span class="bad">failed: ${esc(c.error)}</span>`}
    ${c.events.map((e) => `<br><span class="muted">event</span> ${esc(e.topic)} <code>${esc(JSON.stringify(e.payload))}</code>`).join('')}</li>`);
  return `<section><h3>Timeline</h3><ol class="timeline" id="timeline">${items.join('')}</ol></section>`;
}

async function tenderScreen(id) {
  const [{ tender: t, status, lots }, tl] = await Promise.all([
    loadTender(node, ctx.contract, ctx.abi, id), timeline(node, ctx.contract, id),
  ]);
  const p = t.params;
  main.innerHTML = `<section><h2>Tender ${t.id} — <span id="tender-status">${esc(variant(status))}</span></h2>
    <table><tr><th>buyer</th><td>${short(t.buyer)}</td></tr>
    <tr><th>procedure</th><td>${esc(variant(p.procedure))}, award by ${esc(variant(p.criterion))}</td></tr>
    <tr><th>enquiries close</th><td>${utc(p.enquiry_end)}</td></tr>
    <tr><th>bids close</th><td>${utc(p.bid_deadline)}</td></tr>
    <tr><th>reveals close</th><td>${utc(p.reveal_deadline)}</td></tr>
    <tr><th>documents</th><td>${short(p.documents_hash)}</td></tr></table>
    <p><a href="#/audit/${t.id}">Verify this tender with proofs</a></p></section>
    <div id="lots">${lots.map((l) => lotHtml(t, l)).join('')}</div>${timelineHtml(tl.calls)}`;
}

function bidderHtml(k) {
  const bids = savedBids().filter((b) => b.contract === ctx.contract && b.bid.bidder === k?.address);
  const rows = bids.map((b) => `<tr data-bid="${b.bid.tender_id}/${b.bid.lot_id}">
      <td>tender ${b.bid.tender_id}, lot ${b.bid.lot_id}</td><td>${esc(b.bid.price)}</td><td>${short(b.commitment)}</td>
      <td class="state">${esc(b.state)}${b.error ? ` <span class="bad">${esc(b.error)}</span>` : ''}</td>
      <td>${b.state === 'committed' ? '<button class="reveal">Reveal</button>' : ''}</td></tr>`).join('');
  return `<section><h2>Your key</h2>
    ${k ? `<p>Account <code id="key-address">${esc(k.address)}</code></p>` : '<p id="key-address">No key yet.</p>'}
    <p class="muted">The secret key stays in this browser (localStorage); export it to keep a copy.</p>
    <button id="new-key">Create a key</button> <button id="export-key" ${k ? '' : 'disabled'}>Export</button>
    <p><textarea id="import-text" placeholder="Paste an exported key file or a secret key (hex)"></textarea>
    <button id="import-key">Import</button></p></section>
    <section><h2>Commit a sealed bid</h2>
    <p>Only <code>sha256(borsh(bid) ‖ salt)</code> goes on chain; the bid and its random salt stay here until you reveal.</p>
    <label>Tender <input id="bid-tender" type="number" min="0" value="0" size="5"></label>
    <label>Lot <input id="bid-lot" type="number" min="0" value="0" size="5"></label>
    <label>Price (minor units) <input id="bid-price" inputmode="numeric" size="14"></label>
    <button id="commit-bid" ${k ? '' : 'disabled'}>Commit</button></section>
    <section><h2>Your bids</h2><table id="bids-list"><tr><th>where</th><th>price</th><th>commitment</th><th>state</th><th></th></tr>${rows}</table>
    <p id="bidder-message" class="muted"></p></section>`;
}

async function bidderScreen() {
  const k = key();
  main.innerHTML = bidderHtml(k);
  const message = (text, ok = true) => {
    const m = document.getElementById('bidder-message');
    m.className = ok ? 'ok' : 'bad';
    m.textContent = text;
  };
  const guarded = (f) => async () => {
    try { await f(); } catch (e) { message(e.message, false); }
  };
  document.getElementById('new-key').onclick = guarded(() => { setKey(wasm.generateKey()); return bidderScreen(); });
  document.getElementById('import-key').onclick = guarded(() => {
    setKey(wasm.importKey(document.getElementById('import-text').value));
    return bidderScreen();
  });
  document.getElementById('export-key').onclick = () => {
    const a = Object.assign(document.createElement('a'), {
      href: URL.createObjectURL(new Blob([JSON.stringify(k, null, 2)], { type: 'application/json' })),
      download: `procura-key-${k.address.slice(0, 8)}.json`,
    });
    a.click();
  };
  document.getElementById('commit-bid').onclick = guarded(async () => {
    const price = document.getElementById('bid-price').value.trim();
    if (!/^\d+$/.test(price)) throw new Error('the price is a whole number of minor units');
    const tender = Number(document.getElementById('bid-tender').value);
    const lot = Number(document.getElementById('bid-lot').value);
    message('Signing and submitting…');
    const r = await commitBid(node, ctx.contract, ctx.abi, k, tender, lot, price);
    await bidderScreen();
    message(r.ok ? `Committed in block ${r.height}. Keep this browser's data (or export) until you reveal.`
      : `Refused: ${r.error}`, r.ok);
  });
  for (const button of document.querySelectorAll('#bids-list button.reveal')) {
    const [t, l] = button.closest('tr').dataset.bid.split('/').map(Number);
    const entry = savedBids().find((b) => b.contract === ctx.contract && b.bid.bidder === k.address
      && b.bid.tender_id === t && b.bid.lot_id === l);
    button.onclick = guarded(async () => {
      message('Revealing…');
      const r = await revealBid(node, ctx.abi, k, entry);
      await bidderScreen();
      message(r.ok ? `Revealed in block ${r.height}.` : `Refused: ${r.error}`, r.ok);
    });
  }
}

async function auditScreen(id) {
  main.innerHTML = `<section><h2>Audit a tender</h2>
    <p>Reads the tender, its lots and every bid record from state with Merkle proofs, checks each proof in
    this browser (Wasm) against one block's state root, decodes them with the ABI proven at that block and
    compares them with what the node's views said.</p>
    <label>Tender <input id="audit-tender" type="number" min="0" value="${id ?? 0}" size="5"></label>
    <button id="audit-run">Verify</button><div id="audit-result"></div></section>`;
  const run = async () => {
    const out = document.getElementById('audit-result');
    out.innerHTML = '<p>Checking proofs…</p>';
    try {
      const a = await auditTender(node, ctx.contract, Number(document.getElementById('audit-tender').value));
      const allOk = a.checks.every((c) => c.ok);
      out.innerHTML = `<p id="audit-verdict" class="${allOk ? 'ok' : 'bad'}">${allOk
        ? `Tender ${a.tender.id} verified against block ${a.height}`
        : `Tender ${a.tender.id}: the node's answers do NOT match the proven state at block ${a.height}`}</p>
        <p>State root <code>${a.stateRoot}</code><br>Block hash <code>${a.blockHash}</code></p>
        <ul>${a.checks.map((c) => `<li class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✓' : '✗'} ${esc(c.what)}</li>`).join('')}</ul>
        ${a.lots.map((l) => `<p>Lot ${l.id}: ${esc(variant(l.status))}${l.award
          ? `, awarded to ${short(l.award.bidder)} at ${esc(l.award.price)}` : ''}</p>`).join('')}`;
    } catch (e) {
      out.innerHTML = `<p id="audit-verdict" class="bad">Verification failed: ${esc(e.message)}</p>`;
    }
  };
  document.getElementById('audit-run').onclick = run;
  if (id !== undefined) await run();
}

async function route() {
  try {
    if (!ctx) await setup();
    const head = await node.head();
    document.getElementById('chain').textContent = `${head.chain_id} · block ${head.height}`;
    const [, screen, arg] = location.hash.split('/');
    if (screen === 'tender') await tenderScreen(Number(arg));
    else if (screen === 'bidder') await bidderScreen();
    else if (screen === 'audit') await auditScreen(arg === undefined ? undefined : Number(arg));
    else await tendersScreen();
    document.body.dataset.ready = location.hash || '#/';
  } catch (e) {
    main.innerHTML = `<section><p class="bad" id="error">${esc(e.message)}</p></section>`;
  }
}

window.addEventListener('hashchange', route);
route();
