// The contractor's part on a phone (375 x 667, touch): a pit drawn as a point with a 2 m radius
// 6 m north of the trench test's protected tree (works-support.mjs: R_t 3.36 m, R_r 7 m): its
// edge 4 m from the stem is inside the root zone, outside the trench distance: high. Saved as a
// draft, then the draft submitted from the work's page; the history lists both steps. Layout:
// no horizontal scrolling, 44 px targets, axe on each screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, phone, screenshot, serverAndBrowser } from './fixture.mjs';
import { assertPhoneLayout } from './field-support.mjs';
import { axe, bringIntoView, call, contractorPage, fillWork, offset, openNewWork, previewShown, tapAt, trenchTree, worksOf } from './works-support.mjs';

const env = serverAndBrowser();

test('a point work drawn on a phone, saved as a draft, then submitted', async () => {
  const { tree, at } = await trenchTree(env.base);
  const before = (await worksOf(env.base)).length;
  const { page, assertClean } = await contractorPage(env.browser, env.base, { viewport: phone, centre: at });
  await page.locator('#tabbar [data-screen="works"]').click();
  await page.locator('#my-works-status[data-state="done"]').waitFor();
  const listed = await page.locator('#my-works-list > li').count();
  assert.ok(listed > 0, 'the demo store holds works of Stadtwerke Konstanz');
  assert.equal(
    await page.locator('#my-works-status').textContent(),
    listed === 1 ? '1 Maßnahme' : `${listed} Maßnahmen, die neuesten zuerst`,
    'the count names as many works as the list shows, in the singular for one',
  );
  await axe(page, '#screen-works', 'my works 375');
  await assertPhoneLayout(page, '#screen-works');
  await screenshot(page, 'works-my-works');
  await openNewWork(page);
  await assertPhoneLayout(page, '#panel');
  await axe(page, '#panel', 'editor 375');

  await page.locator('#draw-point').click();
  const pit = offset(at, 6);
  await bringIntoView(page, pit);
  await tapAt(page, pit);
  const rows = await previewShown(page, 0);
  assert.deepEqual(rows.map((r) => [r.tree, r.severity]), [[tree.id, 'high']], 'a 2 m pit 6 m from the stem: its edge at 4 m');
  await screenshot(page, 'works-phone-preview');
  assert.equal(await page.locator('#work-form [data-field="width_m"]').isHidden(), true, 'a point has no width');
  await fillWork(page, { radius_m: '2', title: 'Baugrube Schieberkreuz', reference: 'SWK-2027-0042', contact: '+49 7531 0000' });
  await page.locator('#work-form [name="kind"]').selectOption('pit');
  await assertPhoneLayout(page, '#panel');
  await page.locator('#work-save-draft').click();
  await page.locator('#work-page[data-status="draft"]').waitFor();
  assert.equal(await page.locator('#work-saved').textContent(), 'Als Entwurf gespeichert.');
  await assertPhoneLayout(page, '#panel');
  await axe(page, '#panel', 'draft page 375');
  await screenshot(page, 'works-phone-draft');
  const id = Number(await page.locator('#work-page').getAttribute('data-work-id'));
  let stored = await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().contractor });
  assert.equal(stored.body.properties.status, 'draft');
  assert.equal(stored.body.properties.radius_m, 2);
  assert.equal(stored.body.geometry.type, 'Point');

  await page.locator('#work-submit-draft').click();
  await page.locator('#work-page[data-status="submitted"]').waitFor();
  assert.equal(await page.locator('#work-saved').textContent(), 'Eingereicht.');
  assert.deepEqual(await page.locator('#work-history li').evaluateAll((els) => els.map((e) => e.dataset.to)), ['draft', 'submitted']);
  assert.deepEqual(await page.locator('#work-conflicts .conflict').evaluateAll((els) => els.map((e) => [Number(e.dataset.treeId), e.dataset.severity])), [[tree.id, 'high']]);
  await screenshot(page, 'works-phone-submitted');
  stored = await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().contractor });
  assert.equal(stored.body.properties.status, 'submitted');
  assert.equal((await worksOf(env.base)).length, before + 1);

  // My works lists it with its status and its conflict.
  await page.locator('#panel-close').click();
  await page.locator('#tabbar [data-screen="works"]').click();
  await page.locator('#my-works-status[data-state="done"]').waitFor();
  const row = page.locator(`#my-works-list [data-work-id="${id}"]`);
  assert.equal(await row.getAttribute('data-status'), 'submitted');
  assert.equal(await row.getAttribute('data-worst'), 'high');
  assert.ok((await row.textContent()).includes('1 hoch'));
  await screenshot(page, 'works-my-works-after');
  assertClean();
});
