// A click (desktop) or tap (phone) on a tree opens that tree's panel with the attributes the
// API gives the caller; the public sees no edit control in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, mapReady, openPage, phone, screenshot, serverAndBrowser, touchMapCentre, treeWhere, viewOf } from './fixture.mjs';

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
