// The view is kept in the URL: moving the map writes #map=zoom/lat/lon, and that link opened in
// another browser shows the same place. Without a view in the URL the map opens on the trees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, mapReady, openPage, phone, serverAndBrowser } from './fixture.mjs';

const env = serverAndBrowser();

test('a shared link shows the same place', async () => {
  const first = await openPage(env.browser, env.base, { viewport: desktop, path: '/map#map=16/47.6630/9.1750' });
  await mapReady(first.page);
  await first.page.evaluate(() => window.__rootzoneMap.jumpTo({ center: [9.1802, 47.6605], zoom: 17.5 }));
  await first.page.waitForFunction(() => location.hash.startsWith('#map=17.5/47.66'));
  const link = first.page.url();
  assert.match(link, /#map=17\.5\/47\.660\d*\/9\.180\d*$/);

  const other = await openPage(env.browser, env.base, { viewport: desktop, path: new URL(link).pathname + new URL(link).hash });
  await mapReady(other.page);
  const view = await other.page.evaluate(() => {
    const m = window.__rootzoneMap;
    return { zoom: m.getZoom(), lon: m.getCenter().lng, lat: m.getCenter().lat };
  });
  assert.ok(Math.abs(view.zoom - 17.5) < 1e-6, `zoom ${view.zoom}`);
  assert.ok(Math.abs(view.lon - 9.1802) < 1e-4, `lon ${view.lon}`);
  assert.ok(Math.abs(view.lat - 47.6605) < 1e-4, `lat ${view.lat}`);
  first.assertClean();
  other.assertClean();
});

test('without a view in the URL the map opens on the trees of the store', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: phone, path: '/map' });
  const trees = await (await fetch(`${env.base}/collections/trees`)).json();
  const [w, s, e, n] = trees.extent.spatial.bbox[0];
  await page.waitForFunction(() => window.__rootzoneMap && window.__rootzoneMap.getZoom() > 8);
  await mapReady(page);
  const c = await page.evaluate(() => window.__rootzoneMap.getCenter());
  assert.ok(c.lng > w && c.lng < e && c.lat > s && c.lat < n, `centre ${JSON.stringify(c)} inside the trees' extent`);
  assertClean();
});
