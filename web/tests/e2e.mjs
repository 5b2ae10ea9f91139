// End-to-end in headless Chromium: a buyer (this script, signing with the
// same Wasm in Node.js) opens a tender; a bidder, through the page only,
// creates a key, commits a sealed bid and reveals it after the deadline; the
// buyer evaluates and awards; the page shows the award and the auditor view
// verifies the tender with proofs. Screenshots of each screen go to OUT.
//
//   node web/tests/e2e.mjs NODE_URL OUT_DIR BUYER_SECRET_HEX   (the node: --dev --dev-clock --web web/app)
// The buyer must be a registered procuring entity: on a dev chain, the
// validator's key (DATA/validator.key).
// Prints one JSON line: what the page and the chain showed.
import fs from 'node:fs';
import { webcrypto } from 'node:crypto';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { load, Node, wasm } from '../app/procura.js';

const [url, out, buyerSecret] = process.argv.slice(2);
// Node 18 (Debian 12) has no global Web Crypto; the Wasm draws from it.
globalThis.crypto ??= webcrypto;
const here = path.dirname(new URL(import.meta.url).pathname);
await load(fs.readFileSync(path.join(here, '../app/pkg/procura_web_bg.wasm')));
fs.mkdirSync(out, { recursive: true });

const DAY = 86_400;
const node = new Node(url);
const advance = (secs) => node.post('/v1/dev/advance-time', { secs });
const contract = await node.contract('open-tender');
const abi = await node.verifiedAbi(contract, (await node.head()).height);
const buyer = JSON.parse(wasm.importKey(buyerSecret));
const must = (r, what) => {
  if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
  return r;
};

// The buyer opens a below-threshold tender: its floors are days, which the
// dev clock passes in seconds.
const now = (await advance(0)).now;
const params = {
  procedure: 'BelowThreshold', criterion: 'PriceOnly', criteria: [], evaluators: [], currency: 'EUR',
  documents_hash: 'ab'.repeat(32), enquiry_end: now + DAY, bid_deadline: now + 3 * DAY,
  reveal_deadline: now + 4 * DAY, standstill_secs: 2 * DAY, min_bids: 1, registry: null, review_body: null,
  auction: null,
};
const opened = must(await node.call(buyer, contract, abi, 'open_tender',
  { params, lots: [{ value: 100000, description_hash: 'cd'.repeat(32) }] }), 'open_tender');
const tenderId = opened.result;

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  const show = async (hash) => {
    await page.goto(`${url}/${hash}`);
    await page.waitForFunction((h) => document.body.dataset.ready === h, hash);
    if (await page.locator('#error').count()) throw new Error(await page.locator('#error').innerText());
  };
  const shot = (name) => page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });

  await show('#/');
  await page.locator(`tr[data-tender="${tenderId}"]`).waitFor();
  await shot('1-tenders');

  // Bidder: a key made in the page, then a sealed bid.
  await show('#/bidder');
  await page.click('#new-key');
  await page.locator('code#key-address').waitFor();
  const bidder = await page.locator('#key-address').innerText();
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('procura.key')));
  if (stored.address !== bidder) throw new Error('the page shows another address than the key it stored');
  await page.fill('#bid-tender', String(tenderId));
  await page.fill('#bid-lot', '0');
  await page.fill('#bid-price', '87500');
  await page.click('#commit-bid');
  const row = page.locator(`tr[data-bid="${tenderId}/0"]`);
  await row.locator('.state', { hasText: 'committed' }).waitFor();
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('procura.bids')));
  await shot('2-bidder-committed');

  // Past the bid deadline: reveal from the page (bid and salt from localStorage).
  await advance(3 * DAY + 5);
  await show('#/bidder');
  await row.locator('button.reveal').click();
  await page.locator(`tr[data-bid="${tenderId}/0"] .state`, { hasText: 'revealed' }).waitFor();
  await shot('3-bidder-revealed');

  // Past the reveal deadline: the buyer evaluates and awards.
  await advance(DAY + 5);
  must(await node.call(buyer, contract, abi, 'evaluate_lot', { tender_id: tenderId, lot_id: 0 }), 'evaluate_lot');
  const award = must(await node.call(buyer, contract, abi, 'award', { tender_id: tenderId, lot_id: 0 }), 'award');

  await show(`#/tender/${tenderId}`);
  const awardText = await page.locator('section[data-lot="0"] .award').innerText();
  const timeline = await page.locator('#timeline li').allInnerTexts();
  await shot('4-tender-awarded');

  await show(`#/audit/${tenderId}`);
  const verdict = await page.locator('#audit-verdict').innerText();
  await shot('5-auditor-verified');

  console.log(JSON.stringify({
    tender_id: tenderId, bidder, buyer: buyer.address, award: award.result, award_text: awardText,
    lot_status: await (await node.view(contract, abi, 'lot', { tender_id: tenderId, lot_id: 0 })).status,
    saved_bid: saved[0], timeline, verdict, page_errors: errors,
  }));
} finally {
  await browser.close();
}
