// What the field screens' browser tests share: a page at 375 x 667 signed in as field staff
// with a mocked position, the API called directly (with a key) to prepare and to check the
// store, and the expected lists computed here with our own distance function.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { binary, keys, openPage, phone, signIn } from './fixture.mjs';

// Konstanz, Marktstätte: a busy square of street trees.
export const here = { latitude: 47.6599, longitude: 9.1771 };

const earthRadius = 6371008.8;
export function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadius * Math.asin(Math.min(1, Math.sqrt(h)));
}

export async function call(base, method, path, { key, body, ifMatch } = {}) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (ifMatch) headers['If-Match'] = ifMatch;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('ETag'), body: text ? JSON.parse(text) : null };
}

export const tree = (base, id) => call(base, 'GET', `/collections/trees/items/${id}`);
export const historyOf = async (base, id) => (await call(base, 'GET', `/collections/trees/items/${id}/history`, { key: keys().field_staff })).body.changes;
export const inspectionsOf = async (base, id) => (await call(base, 'GET', `/collections/trees/items/${id}/inspections`, { key: keys().field_staff })).body.inspections;

// Every tree within `radius` metres of `p` (by our haversine), nearest first; `boundary` the ids
// within 1 m of the radius, where the store's metric CRS (UTM, scale 0.9996) may judge otherwise.
export async function treesAround(base, p, radius, keep = () => true) {
  const dLat = (radius + 50) / 111000;
  const dLon = dLat / Math.cos((p.latitude * Math.PI) / 180);
  const bbox = [p.longitude - dLon, p.latitude - dLat, p.longitude + dLon, p.latitude + dLat].join(',');
  const res = await call(base, 'GET', `/collections/trees/items?bbox=${bbox}&limit=10000`);
  assert.equal(res.status, 200);
  const all = res.body.features
    .map((f) => ({ id: f.id, props: f.properties, d: metres({ lat: p.latitude, lon: p.longitude }, { lat: f.geometry.coordinates[1], lon: f.geometry.coordinates[0] }) }))
    .filter((t) => keep(t.props));
  const inside = all.filter((t) => t.d <= radius).sort((a, b) => a.d - b.d || a.id - b.id);
  const boundary = new Set(all.filter((t) => Math.abs(t.d - radius) < 1).map((t) => t.id));
  return { inside, boundary, all };
}

// The list shows exactly the expected trees in the expected order (trees on the boundary may be
// in or out).
export function assertSameList(listed, expected, note) {
  const sure = (ids) => ids.filter((id) => !expected.boundary.has(id));
  assert.deepEqual(sure(listed), sure(expected.inside.map((t) => t.id)), note);
}

export async function listedIds(page, screen) {
  return page.locator(`#screen-${screen} [data-tree-id]`).evaluateAll((els) => els.map((e) => Number(e.dataset.treeId)));
}

// A phone signed in as field staff (or `as`), with the position mocked and allowed.
export async function fieldPage(browser, base, { allowed = [], as = 'field_staff', viewport = phone, position = here, geolocation = true } = {}) {
  const opened = await openPage(browser, base, { viewport, allowed });
  if (geolocation) {
    await opened.context.grantPermissions(['geolocation']);
    await opened.context.setGeolocation({ ...position, accuracy: 5 });
  }
  await signIn(opened.page, keys()[as]);
  return opened;
}

export async function openScreen(page, name) {
  await page.locator(`#tabbar [data-screen="${name}"]`).click();
  await page.locator(`#screen-${name}`).waitFor({ state: 'visible' });
}

// Waits for the list to be drawn (its status says how many) and returns the ids in order.
export async function waitForList(page, screen) {
  await page.waitForFunction((s) => document.querySelector(`#screen-${s} .list-status`)?.dataset.state === 'done', screen, { timeout: 20000 });
  return listedIds(page, screen);
}

export function rootzone(...args) {
  return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function berlinToday(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

// No horizontal scrolling, and every visible button, input and select at least 44 px high.
export async function assertPhoneLayout(page, scope) {
  const report = await page.evaluate((sel) => {
    const root = document.querySelector(sel) ?? document.body;
    const small = [];
    for (const e of root.querySelectorAll('button, input:not([type=radio]):not([type=checkbox]), select, textarea')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 43.5) small.push(`${e.tagName}${e.id ? '#' + e.id : ''} ${e.textContent.trim().slice(0, 20)} ${r.height}px`);
    }
    return { scroll: document.documentElement.scrollWidth - document.documentElement.clientWidth, wide: [...root.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.className).slice(0, 5), small };
  }, scope);
  assert.equal(report.scroll, 0, 'no horizontal scroll');
  assert.deepEqual(report.wide, [], 'nothing reaches past the right edge');
  assert.deepEqual(report.small, [], 'touch targets at least 44 px');
}

export { watch } from './fixture.mjs';

export async function addFieldUser(db, name) {
  const out = rootzone('users', 'add', name, '--role', 'field_staff', '--db', db);
  return /^key for .*: (rz_\S+)$/m.exec(out)[1];
}

export async function waitingCount(page) {
  const c = page.locator('#outbox-bar .outbox-count');
  if (!(await c.isVisible())) return 0;
  return Number(await c.getAttribute('data-count'));
}
