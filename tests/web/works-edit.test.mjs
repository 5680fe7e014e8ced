// Editing a draft, with the browser in New York: the window typed in Berlin time is stored as
// the right UTC instants on both sides of the change to summer time (27 March 2027 08:00 CET =
// 07:00Z, 29 March 17:00 CEST = 15:00Z). While the contractor edits, the work changes through the
// API (title and contact): saving meets a 412, the page shows what changed between the version
// edited and the current one, and "apply my changes to the new version" then saving succeeds
// with the contractor's title and the other change's contact. Then cancelling: "Abbrechen" in
// the confirmation keeps the work, "Ja, stornieren" cancels it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, keys, screenshot, serverAndBrowser } from './fixture.mjs';
import { axe, call, contractorPage, dragVertex, offset, trenchTree } from './works-support.mjs';

const env = serverAndBrowser();

test('edit a draft across a concurrent change (412), redo on the new version, then cancel', async () => {
  const { at } = await trenchTree(env.base);
  const start = offset(at, 30, -20);
  const end = offset(at, 30, 0);
  const created = await call(env.base, 'POST', '/collections/works/items', {
    key: keys().contractor,
    body: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [start, end] },
      properties: { reference: 'SWK-EDIT-1', title: 'Leerrohr', kind: 'trench', width_m: 0.4, contact: 'alt@swk.example', starts_at: '2027-03-01T06:00:00Z', ends_at: '2027-03-05T16:00:00Z', status: 'draft' },
    },
  });
  assert.equal(created.status, 201);
  const id = created.body.id;
  const { page, assertClean } = await contractorPage(env.browser, env.base, {
    viewport: desktop,
    centre: offset(at, 30, -10),
    timezoneId: 'America/New_York',
    allowed: [`412 /collections/works/items/${id}`],
  });
  assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'America/New_York');
  await page.locator('#tabbar [data-screen="works"]').click();
  await page.locator(`#my-works-list [data-work-id="${id}"]`).click();
  await page.locator(`#work-page[data-work-id="${id}"][data-status="draft"]`).waitFor();
  // Shown in Berlin time whatever the browser's zone: 06:00Z on 1 March is 07:00 in Berlin.
  assert.ok((await page.locator('#work-page [data-field="starts_at"] dd').textContent()).includes('07:00'));
  await page.locator('#work-edit').click();
  await page.locator('#work-editor').waitFor();
  assert.equal(await page.locator('#work-form [name="starts_at"]').inputValue(), '2027-03-01T07:00');
  await page.locator('#work-preview-status[data-state="done"]').waitFor({ state: 'attached' });
  await axe(page, '#panel', 'edit form');
  await screenshot(page, 'works-edit-form');

  await page.locator('#work-form [name="title"]').fill('Leerrohr mit Glasfaser');
  await page.locator('#work-form [name="starts_at"]').fill('2027-03-27T08:00');
  await page.locator('#work-form [name="ends_at"]').fill('2027-03-29T17:00');
  await dragVertex(page, end, offset(at, 30, 5)); // the east end 5 m further east

  // Meanwhile, through the API: another title and contact (version 1 -> 2).
  const meanwhile = await call(env.base, 'PATCH', `/collections/works/items/${id}`, {
    key: keys().contractor,
    ifMatch: created.etag,
    body: { properties: { title: 'Leerrohr (Planänderung)', contact: 'neu@swk.example' } },
  });
  assert.equal(meanwhile.status, 200);

  await page.locator('#work-submit').click();
  await page.locator('#work-edit-conflict').waitFor();
  const diff = await page.locator('#work-diff tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.field, r.dataset.changedBy]));
  assert.deepEqual(new Map(diff), new Map([['title', 'both'], ['contact', 'server'], ['starts_at', 'you'], ['ends_at', 'you'], ['geometry', 'you']]));
  const titleRow = await page.locator('#work-diff tr[data-field="title"] td').allTextContents();
  assert.deepEqual(titleRow, ['Leerrohr', 'Leerrohr (Planänderung)', 'Leerrohr mit Glasfaser']);
  await axe(page, '#panel', 'edit conflict');
  await screenshot(page, 'works-edit-412');
  assert.equal((await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().contractor })).body.properties.version, 2, 'the 412 stored nothing');

  await page.locator('#work-redo').click();
  await page.locator('#work-editor').waitFor();
  assert.equal(await page.locator('#work-form [name="title"]').inputValue(), 'Leerrohr mit Glasfaser');
  assert.equal(await page.locator('#work-form [name="contact"]').inputValue(), 'neu@swk.example');
  assert.equal(await page.locator('#work-form [name="starts_at"]').inputValue(), '2027-03-27T08:00');
  await page.locator('#work-submit').click();
  await page.locator(`#work-page[data-work-id="${id}"]`).waitFor();
  assert.equal(await page.locator('#work-saved').textContent(), 'Änderungen gespeichert.');
  const stored = (await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().contractor })).body;
  assert.equal(stored.properties.version, 3);
  assert.equal(stored.properties.title, 'Leerrohr mit Glasfaser');
  assert.equal(stored.properties.contact, 'neu@swk.example');
  assert.equal(stored.properties.starts_at, '2027-03-27T07:00:00Z', '08:00 CET');
  assert.equal(stored.properties.ends_at, '2027-03-29T15:00:00Z', '17:00 CEST');
  assert.equal(stored.properties.status, 'draft');
  const movedEast = stored.geometry.coordinates[1][0] - end[0];
  assert.ok(Math.abs(movedEast * 6371008.8 * Math.cos((at[1] * Math.PI) / 180) * (Math.PI / 180) - 5) < 0.3, `moved ${movedEast}`);
  await screenshot(page, 'works-edit-saved');

  // Cancel: asked first; "Abbrechen" keeps the work.
  await page.locator('#work-cancel').click();
  const dialog = page.getByRole('dialog', { name: 'Maßnahme SWK-EDIT-1 stornieren?' });
  await dialog.waitFor();
  await axe(page, 'dialog', 'cancel dialog');
  await screenshot(page, 'works-cancel-dialog');
  await dialog.getByRole('button', { name: 'Abbrechen' }).click();
  assert.equal((await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().contractor })).body.properties.status, 'draft');
  await page.locator('#work-cancel').click();
  await page.getByRole('button', { name: 'Ja, stornieren' }).click();
  await page.locator(`#work-page[data-status="cancelled"]`).waitFor();
  assert.equal(await page.locator('#work-saved').textContent(), 'Die Maßnahme wurde storniert.');
  assert.equal(await page.locator('#work-edit').count(), 0, 'a cancelled work is not edited');
  assert.deepEqual(await page.locator('#work-history li').evaluateAll((els) => els.map((e) => e.dataset.to)), ['draft', 'cancelled']);
  assert.equal((await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().contractor })).body.properties.status, 'cancelled');
  await screenshot(page, 'works-cancelled');
  assertClean();
});

test('changes requested: the planner\'s comment in the history, then submitted again', async () => {
  const { at } = await trenchTree(env.base);
  const created = await call(env.base, 'POST', '/collections/works/items', {
    key: keys().contractor,
    body: {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: offset(at, 40, 40) },
      properties: { reference: 'SWK-RESUBMIT-1', title: 'Kranstellung', kind: 'crane', radius_m: 3, contact: 'kran@swk.example', starts_at: '2027-06-01T05:00:00Z', ends_at: '2027-06-03T16:00:00Z', status: 'submitted' },
    },
  });
  assert.equal(created.status, 201);
  const id = created.body.id;
  const asked = await call(env.base, 'POST', `/collections/works/items/${id}/status`, {
    key: keys().planner,
    ifMatch: created.etag,
    body: { to: 'changes_requested', comment: 'Bitte die Abstützung außerhalb der Kronentraufe planen.' },
  });
  assert.equal(asked.status, 200);
  const { page, assertClean } = await contractorPage(env.browser, env.base, { viewport: desktop, centre: offset(at, 40, 40) });
  await page.locator('#tabbar [data-screen="works"]').click();
  const row = page.locator(`#my-works-list [data-work-id="${id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'changes_requested');
  await row.click();
  await page.locator(`#work-page[data-status="changes_requested"]`).waitFor();
  const history = await page.locator('#work-history li').evaluateAll((els) => els.map((e) => [e.dataset.to, e.textContent]));
  assert.deepEqual(history.map((h) => h[0]), ['submitted', 'changes_requested']);
  assert.ok(history[1][1].includes('Paul Planer'), history[1][1]);
  assert.ok(history[1][1].includes('Kommentar: Bitte die Abstützung außerhalb der Kronentraufe planen.'), history[1][1]);
  assert.equal(await page.locator('#work-edit').count(), 1, 'editable while changes are requested');
  await axe(page, '#panel', 'changes requested');
  await screenshot(page, 'works-changes-requested');
  await page.locator('#work-resubmit').click();
  await page.locator('#work-page[data-status="submitted"]').waitFor();
  assert.equal(await page.locator('#work-saved').textContent(), 'Erneut eingereicht.');
  assert.deepEqual(await page.locator('#work-history li').evaluateAll((els) => els.map((e) => e.dataset.to)), ['submitted', 'changes_requested', 'submitted']);
  assert.equal((await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().contractor })).body.properties.status, 'submitted');
  assertClean();
});
