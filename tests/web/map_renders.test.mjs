// The map draws the trees of rootzone's vector tiles: in a known view of Konstanz the trees
// rendered are exactly the trees the API lists in that box (bbox query), protected ones in
// the protected colour.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, launchBrowser, mapReady, openPage, screenshot, startServer } from './fixture.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the map renders the trees of the vector tiles in a known view', async () => {
  // Konstanz, Marktstätte and the harbour at zoom 17.
  const { page, assertClean } = await openPage(browser, server.base, { viewport: desktop, path: '/map#map=17/47.6599/9.1771' });
  await mapReady(page);
  const view = await page.evaluate(() => {
    const m = window.__rootzoneMap;
    const b = m.getBounds();
    const ids = new Map();
    for (const f of m.queryRenderedFeatures({ layers: ['trees'] })) {
      ids.set(f.id, { lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], protected: f.properties.protected, colour: f.layer.paint['circle-color'] });
    }
    return { bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], trees: [...ids.entries()] };
  });
  const [w, s, e, n] = view.bbox;
  const res = await fetch(`${server.base}/collections/trees/items?bbox=${view.bbox.join(',')}&limit=10000`);
  const api = await res.json();
  assert.ok(api.features.length > 20, `a busy view: ${api.features.length} trees in ${view.bbox}`);
  // Away from the edges (a dot half outside the view is drawn, its centre is not in the box).
  const margin = 0.00005;
  const inner = ([lon, lat]) => lon > w + margin && lon < e - margin && lat > s + margin && lat < n - margin;
  const apiIds = new Set(api.features.filter((f) => inner(f.geometry.coordinates)).map((f) => f.id));
  const rendered = new Map(view.trees);
  const renderedInner = new Set([...rendered].filter(([, t]) => inner([t.lon, t.lat])).map(([id]) => id));
  assert.deepEqual([...renderedInner].sort((a, b) => a - b), [...apiIds].sort((a, b) => a - b));
  const protectedOnes = api.features.filter((f) => f.properties.protected && rendered.has(f.id));
  assert.ok(protectedOnes.length > 0, 'protected trees in view');
  for (const f of protectedOnes) assert.equal(rendered.get(f.id).protected, true, `tree ${f.id} drawn as protected`);
  await screenshot(page, 'map');
  assertClean();
});
