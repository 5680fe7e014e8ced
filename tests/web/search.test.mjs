// Search finds a tree by its number, the trees of a street (site, as the cadastre writes it) and
// a work by its reference; a hit opens its panel and moves the map there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapReady, openPage, phone, desktop, screenshot, serverAndBrowser } from './fixture.mjs';

const env = serverAndBrowser();

async function search(page, text) {
  await page.locator('#search-input').fill(text);
  await page.getByRole('button', { name: 'Suchen' }).click();
}

test('search by tree number opens that tree and centres the map on it', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: phone });
  await mapReady(page);
  // Some tree further down the cadastre, by the number the city gave it.
  const tree = (await (await fetch(`${env.base}/collections/trees/items?limit=1&cursor=5000`)).json()).features[0];
  const number = tree.properties.source_id;
  await search(page, number);
  await page.locator('#panel .feature').waitFor();
  assert.equal(await page.locator('#panel-title').textContent(), `Baum ${number}`);
  assert.equal(await page.locator('#panel .feature').getAttribute('data-id'), String(tree.id));
  const c = await page.evaluate(() => window.__rootzoneMap.getCenter());
  assert.ok(Math.abs(c.lng - tree.geometry.coordinates[0]) < 1e-5 && Math.abs(c.lat - tree.geometry.coordinates[1]) < 1e-5);
  await screenshot(page, 'search-tree');
  assertClean();
});

test('search by street lists its trees; choosing one opens it', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: desktop });
  await mapReady(page);
  const site = 'Bubenbad Dingelsdorf (754)';
  const expected = (await (await fetch(`${env.base}/collections/trees/items?site=${encodeURIComponent(site)}&limit=100`)).json()).features;
  assert.ok(expected.length > 1, 'a street with several trees');
  await search(page, site);
  const results = page.locator('#panel .results .result');
  await results.first().waitFor();
  assert.equal(await results.count(), Math.min(expected.length, 20));
  assert.match(await page.locator('#panel-title').textContent(), /Suchergebnisse für „Bubenbad Dingelsdorf \(754\)“/);
  await screenshot(page, 'search-street');
  await results.nth(1).click();
  await page.locator('#panel .feature').waitFor();
  assert.equal(await page.locator('[data-field="site"] dd').textContent(), site);
  assertClean();
});

test('search by work reference opens the work', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: phone });
  await mapReady(page);
  const work = (await (await fetch(`${env.base}/collections/works/items?limit=1`)).json()).features[0];
  const reference = work.properties.reference;
  await search(page, reference);
  await page.locator('#panel .feature[data-collection="works"]').waitFor();
  assert.equal(await page.locator('#panel-title').textContent(), `Maßnahme ${reference}`);
  // Codes in words: the kind and the status of the work in German.
  const kinds = { trench: 'Graben', pit: 'Baugrube', site_facility: 'Baustelleneinrichtung' };
  const statuses = { submitted: 'Eingereicht', approved: 'Genehmigt', in_progress: 'In Ausführung' };
  if (kinds[work.properties.kind]) assert.equal(await page.locator('[data-field="kind"] dd').textContent(), kinds[work.properties.kind]);
  if (statuses[work.properties.status]) assert.equal(await page.locator('[data-field="status"] dd').textContent(), statuses[work.properties.status]);
  assert.equal(await page.locator('[data-field="title"] dd').textContent(), work.properties.title);
  assertClean();
});

test('a search that finds nothing says so', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: phone });
  await mapReady(page);
  await search(page, 'gibt es nicht 123');
  await page.locator('#notice').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#notice').textContent(), 'Nichts gefunden für „gibt es nicht 123“.');
  assertClean();
});

// A part of a street's name finds the trees of every site that contains it (CQL2 LIKE on the
// server): expected from the sample CSV itself, rows whose `location` holds the word.
test('search by part of a street name lists the trees of every site holding it', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { sourceDir } = await import('./fixture.mjs');
  const lines = readFileSync(join(sourceDir, 'data/trees/konstanz_baumkataster_2020.csv'), 'utf8').split('\n').slice(1);
  // baumId is the 4th column and the location the 10th; neither holds commas before it.
  const expected = lines.filter((l) => l.split(',')[9]?.includes('Wollmatinger')).map((l) => `Baum ${l.split(',')[3]}`).sort();
  assert.ok(expected.length > 1 && expected.length <= 20, `a word of a few streets: ${expected.length} trees`);
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: desktop });
  await mapReady(page);
  await search(page, 'Wollmatinger');
  await page.locator('#panel .results .result').first().waitFor();
  const titles = (await page.locator('#panel .results .result strong').allTextContents()).sort();
  assert.deepEqual(titles, expected);
  // LIKE's wildcards in what a person types are letters, not patterns.
  await search(page, 'Wollmatinger%Halle');
  await page.locator('#notice').waitFor({ state: 'visible' });
  assert.match(await page.locator('#notice').textContent(), /Nichts gefunden/);
  assertClean();
});
