// "Kontrollen fällig" at 375 x 667: the fixture sets next_inspection on a few trees through the
// API (an overdue one, one due in 20 days, one in 45, one due but 1.5 km away); the list shows
// exactly the trees due within N days inside the radius, nearest first, overdue ones marked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, screenshot, startServer, launchBrowser, serverAndBrowser } from './fixture.mjs';
import { assertPhoneLayout, assertSameList, berlinToday, call, fieldPage, here, openScreen, treesAround, waitForList } from './field-support.mjs';

const env = serverAndBrowser();

async function inspect(id, inspected, next) {
  const res = await call(env.base, 'POST', `/collections/trees/items/${id}/inspections`, {
    key: keys().field_staff,
    body: { inspected_on: inspected, kind: 'regular', findings: 'Fixture', next_inspection: next },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

test('inspections due within N days, nearest first, overdue marked', async () => {
  const near = await treesAround(env.base, here, 1000);
  const pick = (i) => near.inside[i];
  const overdue = pick(3);
  const soon = pick(7);
  const later = pick(12);
  const far = near.all.filter((t) => t.d > 1300 && t.d < 1800)[0] ?? (await treesAround(env.base, here, 2500)).inside.find((t) => t.d > 1300);
  assert.ok(far, 'a tree 1.3 to 2.5 km away');
  await inspect(overdue.id, berlinToday(-400), berlinToday(-10));
  await inspect(soon.id, berlinToday(-100), berlinToday(20));
  await inspect(later.id, berlinToday(-100), berlinToday(45));
  await inspect(far.id, berlinToday(-100), berlinToday(5));

  const due = (days) => (p) => p.next_inspection !== null && p.next_inspection <= berlinToday(days) && p.status !== 'felled';
  const { page, assertClean } = await fieldPage(env.browser, env.base);
  await openScreen(page, 'due');
  let listed = await waitForList(page, 'due');
  const expected30 = await treesAround(env.base, here, 1000, due(30));
  assert.ok(listed.includes(overdue.id) && listed.includes(soon.id), `the fixture's trees listed: ${listed}`);
  assert.ok(!listed.includes(later.id) && !listed.includes(far.id), 'not the later nor the far one');
  assertSameList(listed, expected30, 'N = 30, 1 km');
  assert.equal(await page.locator(`#screen-due [data-tree-id="${overdue.id}"] .mark-overdue`).count(), 1, 'overdue marked');
  assert.equal(await page.locator(`#screen-due [data-tree-id="${soon.id}"] .mark-overdue`).count(), 0);
  assert.match(await page.locator(`#screen-due [data-tree-id="${soon.id}"] .mark-due`).textContent(), /^fällig am /);
  await assertPhoneLayout(page, '#screen-due');
  await screenshot(page, 'field-due');

  await page.locator('#due-days').fill('60');
  await page.locator('#due-days').press('Enter');
  await page.waitForFunction((id) => document.querySelector(`#screen-due [data-tree-id="${id}"]`), later.id);
  listed = await waitForList(page, 'due');
  assertSameList(listed, await treesAround(env.base, here, 1000, due(60)), 'N = 60');

  await page.locator('#due-radius').selectOption('3000');
  await page.waitForFunction((id) => document.querySelector(`#screen-due [data-tree-id="${id}"]`), far.id);
  listed = await waitForList(page, 'due');
  assertSameList(listed, await treesAround(env.base, here, 3000, due(60)), 'N = 60, 3 km');
  assertClean();
});
