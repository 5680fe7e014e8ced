// The page survives a reload without network (the service worker, web/src/sw.ts): signed in as
// field staff on a phone, the page is loaded online and controlled by the service worker; the
// network goes; two trees are edited and an inspection recorded; the page is reloaded while
// still offline and comes up from the service worker's copy with "Warten auf Versand (3)"; the
// network returns and the three writes arrive in the order they were made. The service worker
// never kept an answer of the API: its cache holds the page's own URLs only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, serverAndBrowser } from './fixture.mjs';
import { fieldPage, historyOf, inspectionsOf, openScreen, tree, waitForList, waitingCount } from './field-support.mjs';

const env = serverAndBrowser();

async function openFromList(page, id) {
  await openScreen(page, 'near');
  await page.locator(`#screen-near [data-tree-id="${id}"]`).click();
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
}

async function saveEdit(page, values) {
  await page.locator('#panel [data-action="edit"]').click();
  await page.locator('#edit-form').waitFor();
  for (const [name, v] of Object.entries(values)) await page.locator(`#edit-form [name="${name}"]`).fill(v);
  await page.locator('#edit-form button[type=submit]').click();
  await page.locator('#panel-body .feature').waitFor();
}

// Every URL the service worker's caches hold, as paths.
const cachedPaths = (page) =>
  page.evaluate(async () => {
    const paths = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const r of await cache.keys()) paths.push(new URL(r.url).pathname + new URL(r.url).search);
    }
    return paths;
  });

test('offline edits and an inspection survive a reload without network and arrive in order', async () => {
  const { base } = env;
  const { page, context, problems } = await fieldPage(env.browser, base, { allowed: ['404 /map/assets/probe-'] });
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20000 });
  await openScreen(page, 'near');
  const [a, b] = await waitForList(page, 'near');
  const aBefore = (await tree(base, a)).body.properties;
  const bBefore = (await tree(base, b)).body.properties;
  // The map idle first: a tile still loading when the network goes would log its failure.
  await page.waitForFunction(() => window.__rootzoneMap?.loaded() && window.__rootzoneMap.areTilesLoaded(), null, { timeout: 30000, polling: 100 });

  await context.setOffline(true);
  // Does the offline switch reach the service worker too? A file it does not hold makes it ask
  // the network: offline that fails, online the server would answer 404.
  const probe = await page.evaluate(() => fetch('/map/assets/probe-0.js').then((r) => r.status, () => 'failed'));
  assert.equal(probe, 'failed', "context.setOffline applies to the service worker's own requests");
  await openFromList(page, a);
  await saveEdit(page, { height_m: '21' });
  await openFromList(page, b);
  await saveEdit(page, { crown_diameter_m: '9' });
  await openFromList(page, a);
  await page.locator('#panel [data-action="inspect"]').click();
  await page.getByLabel('Befund').fill('Offline erfasst, neu geladen');
  await page.locator('#inspection-form button[type=submit]').click();
  await page.locator('#panel-body .feature').waitFor();
  assert.equal(await waitingCount(page), 3);

  // The reload without network: the page comes from the service worker's copy.
  const reloaded = await page.reload();
  assert.ok(reloaded?.fromServiceWorker(), 'the page came from the service worker');
  await page.locator('#outbox-bar .outbox-count').waitFor({ timeout: 20000 });
  assert.equal(await waitingCount(page), 3, 'the queue survived the reload');
  assert.match(await page.locator('#outbox-bar').textContent(), /Warten auf Versand \(3\).*offline/);
  await screenshot(page, 'field-offline-reload');
  assert.equal((await tree(base, a)).body.properties.version, aBefore.version, 'nothing sent yet');

  // Only the page's own files were ever kept: never an answer of the API, never a tile.
  const kept = await cachedPaths(page);
  assert.ok(kept.includes('/map'), JSON.stringify(kept));
  assert.ok(kept.some((p) => /^\/map\/assets\/app-[0-9a-f]{16}\.js$/.test(p)), JSON.stringify(kept));
  assert.deepEqual(kept.filter((p) => p !== '/map' && p !== '/map/config.json' && !p.startsWith('/map/assets/')), [], 'no API answer cached');
  assert.ok(!kept.some((p) => p.startsWith('/map/assets/probe-')), 'a failed file is not kept');

  // The network returns: the key (still in this tab's sessionStorage) is asked about again and
  // the queue goes out, in order.
  await context.setOffline(false);
  await page.locator('#who').waitFor({ state: 'visible', timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('#outbox-bar').hidden, null, { timeout: 30000 });

  const aAfter = (await tree(base, a)).body.properties;
  const bAfter = (await tree(base, b)).body.properties;
  assert.equal(aAfter.height_m, 21);
  assert.equal(bAfter.crown_diameter_m, 9);
  assert.equal(bAfter.version, bBefore.version + 1);
  const inspections = await inspectionsOf(base, a);
  assert.deepEqual(inspections.map((i) => i.findings), ['Offline erfasst, neu geladen']);
  const aHistory = await historyOf(base, a);
  const bHistory = await historyOf(base, b);
  const aEdit = aHistory.find((c) => c.field === 'height_m' && c.new_value === '21');
  const bEdit = bHistory.find((c) => c.field === 'crown_diameter_m' && c.new_value === '9');
  const aInspection = aHistory.find((c) => c.field === 'last_inspection' && c.user === 'Erika Kontrolleurin');
  assert.ok(aEdit && bEdit && aInspection, JSON.stringify({ aHistory, bHistory }));
  assert.ok(aEdit.id < bEdit.id && bEdit.id < aInspection.id, `in order: ${aEdit.id} < ${bEdit.id} < ${aInspection.id}`);

  // Offline, exactly these failed: the probe and the map's tiles (the API was not even asked:
  // the page knows it is offline). Nothing else, and no console error beyond their reports.
  const unexpected = problems.filter(
    (p) =>
      !/^request failed: \S+\/tiles\/\S+ net::ERR_INTERNET_DISCONNECTED$/.test(p) &&
      !/^request failed: \S+\/map\/assets\/probe-0\.js net::ERR_FAILED$/.test(p) &&
      !/^console: The FetchEvent for "\S+\/map\/assets\/probe-0\.js" resulted in a network error/.test(p),
  );
  assert.deepEqual(unexpected, [], JSON.stringify(problems));
});
