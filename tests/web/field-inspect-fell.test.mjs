// Recording an inspection and a felling at 375 x 667 from the tree's panel; the store has
// exactly what was entered afterwards (the inspection with its inspector, the tree's next
// inspection; the felling's date and reason in the history, status felled), and the felling
// asked for a confirmation first (cancelling it sends nothing).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, startServer, launchBrowser, serverAndBrowser } from './fixture.mjs';
import { assertPhoneLayout, berlinToday, fieldPage, historyOf, inspectionsOf, openScreen, tree, waitForList } from './field-support.mjs';

const env = serverAndBrowser();

async function openTree(page, index) {
  await openScreen(page, 'near');
  const ids = await waitForList(page, 'near');
  const id = ids[index];
  await page.locator(`#screen-near [data-tree-id="${id}"]`).click();
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
  return id;
}

test('an inspection recorded from the panel', async () => {
  const { page, assertClean } = await fieldPage(env.browser, env.base);
  const id = await openTree(page, 1);
  await page.locator('#panel [data-action="inspect"]').click();
  const form = page.locator('#inspection-form');
  await form.waitFor();
  assert.equal(await form.locator('[name="inspected_on"]').inputValue(), berlinToday());
  await form.locator('[name="kind"]').selectOption('additional');
  await page.getByLabel('Befund').fill('Totholz in der Krone, Rindenschaden am Stammfuß');
  await page.getByLabel('Maßnahmen', { exact: true }).fill('Kronenpflege');
  await page.getByLabel('Maßnahmen erledigen bis').fill(berlinToday(14));
  await page.getByLabel('Nächste Kontrolle').fill(berlinToday(365));
  await assertPhoneLayout(page, '#panel');
  await screenshot(page, 'field-inspection');
  await form.locator('button[type=submit]').click();
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
  const list = await inspectionsOf(env.base, id);
  assert.equal(list.length, 1);
  const [i] = list;
  assert.deepEqual(
    { on: i.inspected_on, kind: i.kind, inspector: i.inspector, findings: i.findings, measures: i.measures, deadline: i.measures_deadline, next: i.next_inspection },
    { on: berlinToday(), kind: 'additional', inspector: 'Erika Kontrolleurin', findings: 'Totholz in der Krone, Rindenschaden am Stammfuß', measures: 'Kronenpflege', deadline: berlinToday(14), next: berlinToday(365) },
  );
  const t = await tree(env.base, id);
  assert.equal(t.body.properties.next_inspection, berlinToday(365));
  assert.equal(t.body.properties.last_inspection, berlinToday());
  assertClean();
});

test('a felling, confirmed first', async () => {
  const { page, assertClean } = await fieldPage(env.browser, env.base);
  const id = await openTree(page, 2);
  const versionBefore = (await tree(env.base, id)).body.properties.version;
  await page.locator('#panel [data-action="fell"]').click();
  const form = page.locator('#felling-form');
  await form.waitFor();
  await page.getByLabel('Grund der Fällung').fill('Stammfußfäule, nicht verkehrssicher');
  await form.locator('button[type=submit]').click();
  const dialog = page.locator('dialog.confirm-dialog');
  await dialog.waitFor();
  await screenshot(page, 'field-felling-confirm');
  await dialog.getByRole('button', { name: 'Abbrechen' }).click();
  assert.equal((await tree(env.base, id)).body.properties.version, versionBefore, 'cancelled: nothing sent');
  await form.locator('button[type=submit]').click();
  await dialog.getByRole('button', { name: 'Ja, als gefällt markieren' }).click();
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
  const after = (await tree(env.base, id)).body.properties;
  assert.equal(after.status, 'felled');
  assert.equal(after.felled_on, berlinToday());
  const changes = await historyOf(env.base, id);
  assert.ok(changes.some((c) => c.field === 'status' && c.new_value === 'felled'), JSON.stringify(changes));
  assert.match(await page.locator('#panel [data-field="status"] dd').textContent(), /Gefällt/);
  assertClean();
});
