// What the works screens' browser tests share: a contractor's page, the tree the trench is drawn
// beside (chosen from the store by a rule, below), metres <-> lon/lat around it, clicks and drags
// at lon/lat positions through the map's own projection, and the API called directly to check
// what was stored.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keys, mapReady, nextFrames, openPage, outDir, signIn } from './fixture.mjs';
import { call } from './field-support.mjs';

export { call };

export const contractorOrg = 'Stadtwerke Konstanz';

// The domain's zones (docs/DOMAIN.md, the default rule set): U = summed circumference in m,
// R_t = max(2.5, 4U), R_r = crown/2 + 1.5 (columnar trees, recognised by cultivar names, are
// left out so that +1.5 holds).
export function zonesOf(p) {
  const u = p.stem_circumferences_cm.reduce((a, b) => a + b, 0) / 100;
  return { rt: Math.max(2.5, 4 * u), rr: p.crown_diameter_m / 2 + 1.5 };
}

const earth = 6371008.8;
const rad = Math.PI / 180;
export function metres(a, b) {
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * earth * Math.asin(Math.min(1, Math.sqrt(h)));
}

// The point `north` and `east` metres from [lon, lat].
export function offset([lon, lat], north, east = 0) {
  return [lon + east / (earth * Math.cos(lat * rad)) / rad, lat + north / earth / rad];
}

// The trench's tree: the protected, standing, single-stem tree of lowest id with a crown
// diameter, no cultivar name, a root zone at least 3 m wider than its trench distance (room
// for a "high" position between them) and no other protected tree within 45 m (the trench runs
// 22 m north of it: no second tree's zone, at most 15 m, can reach it). In the Konstanz sample
// this is tree 2450 (number 3658, Jungerhalde): U = 0.84 m, R_t = 3.36 m, crown 11 m, R_r = 7 m.
export async function trenchTree(base) {
  const q = new URLSearchParams({ filter: "protected = true AND status <> 'felled'", 'filter-lang': 'cql2-text', limit: '10000' });
  const res = await call(base, 'GET', `/collections/trees/items?${q}`);
  assert.equal(res.status, 200);
  const all = res.body.features;
  assert.equal(all.length, res.body.numberMatched, 'every protected tree in one page');
  const candidates = all
    .filter((f) => {
      const p = f.properties;
      return p.stem_circumferences_cm.length === 1 && p.crown_diameter_m > 0 && !p.columnar && !p.species_botanical.includes("'");
    })
    .filter((f) => {
      const z = zonesOf(f.properties);
      return z.rr - z.rt >= 3;
    })
    .sort((a, b) => a.id - b.id);
  const tree = candidates.find((c) => !all.some((o) => o.id !== c.id && metres(o.geometry.coordinates, c.geometry.coordinates) < 45));
  assert.ok(tree, 'a protected tree alone within 45 m');
  return { tree, ...zonesOf(tree.properties), at: tree.geometry.coordinates };
}

// A page at `viewport` signed in as `who`, the map on `centre` at `zoom`.
export async function contractorPage(browser, base, { viewport, who = 'contractor', centre, zoom = 19, allowed = [], timezoneId } = {}) {
  const path = centre ? `/map#map=${zoom}/${centre[1].toFixed(7)}/${centre[0].toFixed(7)}` : '/map';
  const opened = await openPage(browser, base, { viewport, path, allowed, timezoneId });
  await signIn(opened.page, keys()[who]);
  await mapReady(opened.page);
  return opened;
}

export async function openNewWork(page) {
  await page.locator('#tabbar [data-screen="works"]').click();
  await page.locator('#screen-works').waitFor({ state: 'visible' });
  await page.locator('#new-work').click();
  await page.locator('#work-editor').waitFor();
}

// The page pixel of [lon, lat] on the map.
// Waits for the map to stand still first: a pixel taken while it eases (the panel opening, a
// fit to the work) is another place by the time the pointer gets there.
export async function pixelOf(page, lngLat) {
  await page.waitForFunction(() => !window.__rootzoneMap.isMoving());
  const box = await page.locator('#map canvas').boundingBox();
  const p = await page.evaluate((ll) => window.__rootzoneMap.project(ll), lngLat);
  return { x: box.x + p.x, y: box.y + p.y };
}

// Moves the map so that [lon, lat] lies in the middle of the part the panel leaves free (the
// bottom sheet on a phone covers the lower part of the map).
export async function bringIntoView(page, lngLat) {
  await page.evaluate((ll) => {
    const m = window.__rootzoneMap;
    const map = m.getContainer().getBoundingClientRect();
    const panel = document.getElementById('panel');
    const wide = window.matchMedia('(min-width: 768px)').matches;
    const free = panel.hidden || wide ? map.bottom : Math.min(map.bottom, panel.getBoundingClientRect().top);
    const y = (map.top + free) / 2 - map.top;
    const x = wide && !panel.hidden ? (panel.getBoundingClientRect().left - map.left) / 2 : map.width / 2;
    m.easeTo({ center: ll, offset: [x - map.width / 2, y - map.height / 2], duration: 0 });
  }, lngLat);
  await page.waitForFunction(() => !window.__rootzoneMap.isMoving());
}

export async function tapAt(page, lngLat) {
  const { x, y } = await pixelOf(page, lngLat);
  if ((page.viewportSize()?.width ?? 1280) < 768) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
}

// Drags the vertex at `from` to `to` with the mouse (terra-draw's select mode).
export async function dragVertex(page, from, to) {
  const a = await pixelOf(page, from);
  const b = await pixelOf(page, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await nextFrames(page);
  await page.mouse.up();
}

// Waits until the preview answered after `since` (the count of answers shown) and returns the
// rows of the list: [{tree, severity, text}].
export async function previewShown(page, since) {
  await page.waitForFunction((n) => {
    const s = document.querySelector('#work-preview-status');
    return s && s.dataset.state === 'done' && Number(s.dataset.shown ?? 0) > n;
  }, since, { timeout: 15000 });
  return previewRows(page);
}

export async function shownCount(page) {
  return page.evaluate(() => Number(document.querySelector('#work-preview-status')?.dataset.shown ?? 0));
}

export async function previewRows(page, scope = '#preview-conflicts') {
  return page.locator(`${scope} .conflict`).evaluateAll((els) =>
    els.map((e) => ({ tree: Number(e.dataset.treeId), severity: e.dataset.severity, text: e.textContent })));
}

export { axe } from './fixture.mjs';

export async function worksOf(base, who = 'contractor') {
  const q = new URLSearchParams({ limit: '1000' });
  const res = await call(base, 'GET', `/collections/works/items?${q}`, { key: keys()[who] });
  assert.equal(res.status, 200);
  return res.body.features;
}

export function writeResult(name, data) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, name), JSON.stringify(data, null, 2));
}

// Fills the form's text fields.
export async function fillWork(page, values) {
  for (const [name, v] of Object.entries(values)) await page.locator(`#work-form [name="${name}"]`).fill(v);
}
