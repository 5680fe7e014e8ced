// Editing a tree at 375 x 667: a height of 500 m is refused by the server (422) and the reason
// is shown at the height field in words (announced, the field marked invalid and focused); a
// valid edit made with the keyboard alone (two stems, a height with a German decimal comma)
// lands: the store and the tree's history have it, the panel shows it and the map fetches its
// tiles again, without a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mapReady, screenshot, startServer, launchBrowser, serverAndBrowser } from './fixture.mjs';
import { assertPhoneLayout, fieldPage, here, historyOf, openScreen, tree, waitForList } from './field-support.mjs';

const env = serverAndBrowser();

// Tabs forward until the element named `name` has the focus.
async function tabTo(page, name, key = 'Tab') {
  for (let i = 0; i < 40; ++i) {
    if (await page.evaluate((n) => document.activeElement?.getAttribute('name') === n, name)) return;
    await page.keyboard.press(key);
  }
  assert.fail(`${name} not reached by Tab`);
}

test('a refusal at its field, then a valid edit by keyboard that lands and shows', async () => {
  const { page, assertClean } = await fieldPage(env.browser, env.base, { allowed: ['422 /collections/trees/items/'] });
  await mapReady(page);
  await openScreen(page, 'near');
  const [id] = await waitForList(page, 'near');
  const before = await tree(env.base, id);
  await page.locator(`#screen-near [data-tree-id="${id}"]`).click();
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
  await page.evaluate(() => (window.__notReloaded = true));

  await page.locator('#panel [data-action="edit"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('#edit-form').waitFor();
  await assertPhoneLayout(page, '#panel');
  await screenshot(page, 'field-edit');
  const height = page.locator('#edit-form [name="height_m"]');
  await height.fill('500');
  await page.locator('#edit-form button[type=submit]').click();
  const error = page.locator('#edit-form [data-field="height_m"] .field-error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await error.textContent(), 'Das ist mehr als bei jedem bekannten Baum (höchstens 120 m).');
  assert.equal(await height.getAttribute('aria-invalid'), 'true');
  assert.ok((await height.getAttribute('aria-describedby')).includes(await error.getAttribute('id')), 'the error describes the field');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'height_m', 'focus on the refused field');
  assert.equal(await page.locator('#edit-form-summary').getAttribute('role'), 'alert');
  await screenshot(page, 'field-edit-refused');
  assert.equal((await tree(env.base, id)).body.properties.version, before.body.properties.version, 'nothing stored');

  // Keyboard only from here: the height, a second stem, vitality, then Enter.
  await height.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('18,5');
  await tabTo(page, 'species_german', 'Shift+Tab');
  await page.keyboard.press('Tab'); // species_botanical
  const stems = await page.locator('#edit-form .repeated-row').count();
  let addStem = false;
  for (let i = 0; i < 20 && !addStem; ++i) {
    await page.keyboard.press('Tab');
    addStem = await page.evaluate(() => document.activeElement?.classList.contains('add-button'));
  }
  assert.ok(addStem, 'the add-stem button is reached by Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), `stem_circumferences_cm[${stems}]`);
  await page.keyboard.type('95');
  await tabTo(page, 'vitality');
  await page.keyboard.press('ArrowDown');
  const vitality = await page.locator('#edit-form [name="vitality"]').inputValue();
  await tabTo(page, 'site');
  const tilesAfter = page.waitForRequest((r) => r.url().includes('/tiles/city/'), { timeout: 15000 });
  await page.keyboard.press('Enter');

  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
  await tilesAfter;
  const after = await tree(env.base, id);
  const stemsBefore = before.body.properties.stem_circumferences_cm;
  assert.equal(after.body.properties.height_m, 18.5);
  assert.deepEqual(after.body.properties.stem_circumferences_cm, [...stemsBefore, 95]);
  assert.equal(String(after.body.properties.vitality ?? ''), vitality);
  assert.equal(after.body.properties.version, before.body.properties.version + 1);
  const changes = (await historyOf(env.base, id)).filter((c) => c.user === 'Erika Kontrolleurin');
  const height_m = changes.find((c) => c.field === 'height_m');
  assert.ok(height_m, JSON.stringify(changes));
  assert.equal(height_m.new_value, '18.5');
  assert.equal(await page.locator('#panel [data-field="height_m"] dd').textContent(), '18,5');
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'no reload');
  await screenshot(page, 'field-edit-saved');
  void here;
  assertClean();
});
