// After a write, the page's `data-changed` event makes the map fetch its tiles again: a tree's
// new height reaches the drawn feature without a reload (the hook the field-staff screens use
// after an edit), and the unchanged tiles come back as 304s (ETag).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, keys, mapReady, openPage, serverAndBrowser, signIn, treeWhere, viewOf } from './fixture.mjs';

const env = serverAndBrowser();

test('data-changed refetches the tiles: an edited tree shows its new value without a reload', async () => {
  const tree = await treeWhere(env.base, { source_id: '4' });
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: desktop, path: viewOf(tree, 18) });
  await mapReady(page);
  await signIn(page, keys().field_staff);
  await mapReady(page);
  const heightDrawn = () =>
    page.evaluate((id) => {
      const f = window.__rootzoneMap.queryRenderedFeatures({ layers: ['trees'] }).find((x) => x.id === id);
      return f?.properties.height_m;
    }, tree.id);
  assert.equal(await heightDrawn(), tree.properties.height_m);

  // The edit, as the field-staff screens will make it: PATCH with If-Match.
  const item = await fetch(`${env.base}/collections/trees/items/${tree.id}`);
  const res = await fetch(`${env.base}/collections/trees/items/${tree.id}`, {
    method: 'PATCH',
    headers: {
      Authorization: `Bearer ${keys().field_staff}`,
      'Content-Type': 'application/merge-patch+json',
      'If-Match': item.headers.get('etag'),
    },
    body: JSON.stringify({ properties: { height_m: 23.5 } }),
  });
  assert.equal(res.status, 200, await res.text());

  const statuses = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/tiles/city/')) statuses.push(r.status());
  });
  await page.evaluate(() => window.__rootzoneBus.emit('data-changed', { collection: 'trees' }));
  await page.waitForFunction((id) => {
    const f = window.__rootzoneMap.queryRenderedFeatures({ layers: ['trees'] }).find((x) => x.id === id);
    return f?.properties.height_m === 23.5;
  }, tree.id);
  assert.ok(statuses.length > 0, 'tiles fetched again');
  assert.ok(statuses.includes(200), `the changed tile is new: ${statuses}`);
  assertClean();
});
