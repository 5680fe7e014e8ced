// A click (desktop) or tap (phone) on a tree opens that tree's panel with the attributes the
// API gives the caller; the public sees no edit control in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, keys, mapReady, openPage, phone, screenshot, serverAndBrowser, signIn, touchMapCentre, treeWhere, viewOf } from './fixture.mjs';

const env = serverAndBrowser();

for (const viewport of [phone, desktop]) {
  test(`a ${viewport === phone ? 'tap' : 'click'} on a tree opens its panel (${viewport.width} px), without edit controls for the public`, async () => {
    // A protected plane tree in the old town; its number is the city's.
    const tree = await treeWhere(env.base, { source_id: '4' });
    const { page, assertClean } = await openPage(env.browser, env.base, { viewport, path: viewOf(tree) });
    await mapReady(page);
    await touchMapCentre(page);
    const panel = page.locator('#panel');
    await panel.locator('.feature').waitFor();
    assert.equal(await page.locator('#panel-title').textContent(), `Baum ${tree.properties.source_id}`);
    assert.equal(await panel.locator('[data-field="source_id"] dd').textContent(), tree.properties.source_id);
    assert.equal(await panel.locator('[data-field="species_german"] dd').textContent(), tree.properties.species_german);
    assert.equal(await panel.locator('[data-field="protected"] dd').textContent(), tree.properties.protected ? 'ja' : 'nein');
    assert.equal(await panel.locator('.feature').getAttribute('data-id'), String(tree.id));
    // The public: no action of any kind, no form, no field to type into.
    assert.equal(await panel.locator('button[data-action], form, input, select, textarea').count(), 0);
    assert.equal(await page.locator('[data-action]').count(), 0);
    // The panel takes the focus (screen readers hear the title); Escape closes it.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'panel-title');
    await screenshot(page, 'tree-panel');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    assertClean();
  });
}

test('the panel shows a work as the API gives it to the caller: the contractor sees its contact, the public not', async () => {
  const reference = 'KN-2027-001'; // a demo work of Stadtwerke Konstanz
  const fieldsFor = async (key) => {
    const headers = key ? { Authorization: `Bearer ${key}` } : {};
    const list = await (await fetch(`${env.base}/collections/works/items?reference=${reference}`, { headers })).json();
    return list.features[0];
  };
  const contractorKey = keys().contractor;
  const asPublic = await fieldsFor(null);
  const asContractor = await fieldsFor(contractorKey);
  assert.ok(!('contact' in asPublic.properties) && 'contact' in asContractor.properties, 'the API itself differs');

  for (const [key, work] of [[null, asPublic], [contractorKey, asContractor]]) {
    const { page, assertClean } = await openPage(env.browser, env.base, { viewport: desktop });
    await mapReady(page);
    if (key) await signIn(page, key);
    await page.locator('#search-input').fill(reference);
    await page.locator('#search-input').press('Enter');
    await page.locator('#panel .feature[data-collection="works"]').waitFor();
    const shown = await page.locator('#panel .attribute').evaluateAll((rows) => rows.map((r) => r.dataset.field).sort());
    const scalar = Object.entries(work.properties).filter(([, v]) => v === null || typeof v !== 'object' || Array.isArray(v));
    assert.deepEqual(shown, scalar.map(([k]) => k).sort());
    if (key) assert.equal(await page.locator('[data-field="contact"] dd').textContent(), work.properties.contact || '–');
    assertClean();
  }
});
