// What the planners' browser tests share: works made through the API beside one protected tree
// of the Konstanz sample whose severities follow by hand from docs/domain.md's table, a page
// signed in as the planner on the review screen, and the queue read back from the page.
//
// The tree: Konstanz tree number 3658, a walnut (Juglans regia), one stem of 84 cm, crown 11 m,
// not columnar, protected, standing; no other protected tree within 45 m (asserted below, so a
// change of the sample fails loudly instead of shifting the expectations). Its zones:
//   R_t = max(2.5, 4 × 0.84) = 3.36 m (trench distance, RAS-LP 4 / DIN 18920)
//   R_r = 11 / 2 + 1.5       = 7.00 m (root zone, DIN 18920)
// A pit (excavation) is a point with a radius of 0.5 m, so its nearest edge is 0.5 m closer
// to the stem than its centre:
//   centre 1.5 m north  -> 1.0 m from the stem, inside R_t          -> critical
//   centre 5.5 m north  -> 5.0 m: outside R_t, inside R_r           -> high
//                          (its 0.79 m² cover 0.5 % of the 154 m² root-zone disc, far below 20 %)
//   centre 30 m away    -> beyond R_r of this and of any other protected tree -> no conflict
// Offsets are metres on the ground; the store's UTM 32N (scale 0.9996 near 9° E) changes them
// by less than 1 cm, far inside the margins above (>= 1.6 m).
import assert from 'node:assert/strict';
import { keys, mapReady, openPage, desktop, signIn } from './fixture.mjs';
import { call, metres, rootzone } from './field-support.mjs';

export const treeNumber = '3658';
export const radii = { trench: 3.36, root: 7.0 };

export async function theTree(base) {
  const q = new URLSearchParams({ filter: `source_id = '${treeNumber}'` });
  const res = await call(base, 'GET', `/collections/trees/items?${q}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.features.length, 1, `tree number ${treeNumber} is in the sample`);
  const tree = res.body.features[0];
  const p = tree.properties;
  assert.deepEqual([p.protected, p.status, p.stem_circumferences_cm, p.crown_diameter_m, p.columnar ?? false], [true, 'existing', [84], 11, false]);
  const [lon, lat] = tree.geometry.coordinates;
  const d = 60 / 111000;
  const around = await call(base, 'GET', `/collections/trees/items?bbox=${[lon - 2 * d, lat - d, lon + 2 * d, lat + d].join(',')}&limit=1000`);
  const near = around.body.features.filter(
    (f) => f.id !== tree.id && f.properties.protected && f.properties.status !== 'felled' && metres({ lon, lat }, { lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }) < 45,
  );
  assert.deepEqual(near.map((f) => f.properties.source_id), [], 'no other protected tree within 45 m');
  return tree;
}

// lon/lat `north` and `east` metres from `lonLat` (spherical Earth, enough for metres).
export function offset([lon, lat], north, east = 0) {
  const r = 6371008.8;
  const dLat = (north / r) * (180 / Math.PI);
  const dLon = (east / (r * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI);
  return [lon + dLon, lat + dLat];
}

export function pit(reference, title, lonLat, startsAt, endsAt) {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: lonLat },
    properties: { reference, title, kind: 'pit', radius_m: 0.5, depth_m: 1.8, starts_at: startsAt, ends_at: endsAt, contact: 'bauleitung@example.invalid' },
  };
}

export async function submit(base, key, feature) {
  const res = await call(base, 'POST', '/collections/works/items', { key, body: feature });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

export async function moveTo(base, key, id, to, extra = {}) {
  const current = await call(base, 'GET', `/collections/works/items/${id}`, { key });
  const res = await call(base, 'POST', `/collections/works/items/${id}/status`, { key, ifMatch: current.etag, body: { to, ...extra } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

export function severitiesOf(answer) {
  return answer.conflicts.trees.map((c) => [c.properties.tree_id, c.properties.severity]);
}

// A second contractor of another organisation, for a clash between two organisations' works.
export function addContractor(db, name, organisation) {
  const out = rootzone('users', 'add', name, '--role', 'contractor', '--organisation', organisation, '--db', db);
  return /^key for .*: (rz_\S+)$/m.exec(out)[1];
}

export async function plannerPage(browser, base, { viewport = desktop, allowed = [] } = {}) {
  const opened = await openPage(browser, base, { viewport, allowed });
  await mapReady(opened.page);
  await signIn(opened.page, keys().planner);
  await opened.page.locator('#tabbar [data-screen="review"]').click();
  await opened.page.locator('#screen-review').waitFor({ state: 'visible' });
  await reviewMapReady(opened.page);
  return opened;
}

export async function reviewMapReady(page) {
  await page.waitForFunction(() => {
    const m = window.__rootzoneReviewMap;
    return m && m.loaded() && m.areTilesLoaded();
  }, null, { timeout: 30000, polling: 100 });
}

// Waits until the queue's status says it is done and returns the references in order.
export async function queue(page) {
  await page.waitForFunction(() => document.querySelector('#review-queue-status')?.dataset.state === 'done', null, { timeout: 20000 });
  return page.locator('#review-queue-list .queue-row').evaluateAll((els) => els.map((e) => e.dataset.reference));
}

// Changes a filter and waits for the list made after the change.
export async function refilter(page, change) {
  await page.evaluate(() => (document.querySelector('#review-queue-status').dataset.state = 'stale'));
  await change();
  return queue(page);
}

// Berlin local time as RFC 3339 with its offset (summer time in all dates used: +02:00).
export const berlin = (date, time) => `${date}T${time}:00+02:00`;

// The side column (queue or review) never scrolls sideways: everything fits its width.
export async function assertFits(page) {
  const overflow = await page.evaluate(() => {
    const side = document.querySelector('#review-side');
    return { side: side.scrollWidth - side.clientWidth, page: document.documentElement.scrollWidth - document.documentElement.clientWidth };
  });
  assert.deepEqual(overflow, { side: 0, page: 0 }, 'no sideways scrolling');
}
