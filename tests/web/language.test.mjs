// German first, English switchable: every word follows the switch, numbers and dates follow the
// locale (Intl), and the choice survives a reload (localStorage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapReady, openPage, phone, screenshot, serverAndBrowser, touchMapCentre, treeWhere, viewOf } from './fixture.mjs';

const env = serverAndBrowser();

test('the page is German first; English is one switch away and remembered', async () => {
  const tree = await treeWhere(env.base, { source_id: '4' });
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: phone, path: viewOf(tree) });
  await mapReady(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  assert.equal(await page.locator('#sign-in').textContent(), 'Anmelden');
  assert.equal(await page.locator('#search-input').getAttribute('placeholder'), 'Baumnr., Straße, Maßnahme');
  assert.equal(await page.locator('#legend summary').textContent(), 'Legende und Ebenen');

  await page.getByRole('button', { name: 'EN – English' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.locator('#sign-in').textContent(), 'Sign in');
  assert.equal(await page.locator('#search-input').getAttribute('placeholder'), 'Tree no., street, work');
  assert.equal(await page.locator('#legend summary').textContent(), 'Legend and layers');
  assert.equal(await page.title(), 'rootzone – tree cadastre');

  // The panel's words and numbers in English: "12" m crown, "Yes"/"no", a label.
  await touchMapCentre(page);
  await page.locator('#panel .feature').waitFor();
  assert.equal(await page.locator('#panel-title').textContent(), `Tree ${tree.properties.source_id}`);
  assert.equal(await page.locator('[data-field="crown_diameter_m"] dt').textContent(), 'Crown diameter (m)');
  assert.equal(await page.locator('[data-field="protected"] dd').textContent(), 'yes');
  await screenshot(page, 'english-panel');

  await page.reload();
  await mapReady(page);
  assert.equal(await page.locator('#sign-in').textContent(), 'Sign in', 'English after a reload');
  await page.getByRole('button', { name: 'DE – Deutsch' }).click();
  assert.equal(await page.locator('#sign-in').textContent(), 'Anmelden');
  assertClean();
});

test('numbers and dates are written in the chosen language (Intl)', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: phone });
  await mapReady(page);
  const de = await page.evaluate(() => [window.__rootzoneI18n.formatNumber(1234.5), window.__rootzoneI18n.formatDate('2027-04-01')]);
  assert.deepEqual(de, ['1.234,5', '01.04.2027']);
  await page.getByRole('button', { name: 'EN – English' }).click();
  const en = await page.evaluate(() => [window.__rootzoneI18n.formatNumber(1234.5), window.__rootzoneI18n.formatDate('2027-04-01')]);
  assert.deepEqual(en, ['1,234.5', 'Apr 1, 2027']);
  assertClean();
});
