// Two contractors of different organisations: the second sees nothing of the first's work in
// detail, in the page or through the preview. The first's work (with its contact) is made
// through the API beside the trench test's tree; the second's "My works" is empty of it, the
// work's panel on the map offers no page and shows no contact, and the second's own drawing in
// the same place and time lists the clash with what the works' public layer shows (reference,
// title, organisation) but without the contact, in the preview's answer and in the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, keys, screenshot, serverAndBrowser } from './fixture.mjs';
import { axe, bringIntoView, call, contractorPage, offset, openNewWork, previewShown, tapAt, trenchTree } from './works-support.mjs';

const env = serverAndBrowser();
const secret = { contact: 'geheim.bauleiter@swk.example', title: 'Vertraulicher Netzausbau', reference: 'SWK-GEHEIM-1' };

test('a second contractor sees neither the first one\'s works nor their conflicts', async () => {
  const { at } = await trenchTree(env.base);
  const first = await call(env.base, 'POST', '/collections/works/items', {
    key: keys().contractor,
    body: {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: offset(at, 5) },
      properties: { ...secret, kind: 'pit', radius_m: 2, starts_at: '2027-04-01T06:00:00Z', ends_at: '2027-04-20T15:00:00Z', status: 'submitted' },
    },
  });
  assert.equal(first.status, 201);
  assert.equal(first.body.conflicts.trees.length, 1, 'the first work has its tree conflict');
  const id = first.body.id;
  // The API itself: the second contractor may not read the first's conflicts or history.
  for (const path of [`/collections/works/items/${id}/conflicts`, `/collections/works/items/${id}/history`]) {
    const r = await call(env.base, 'GET', path, { key: keys().contractor2 });
    assert.equal(r.status, 403, path);
  }

  const { page, assertClean } = await contractorPage(env.browser, env.base, { viewport: desktop, who: 'contractor2', centre: offset(at, 5) });
  await page.locator('#tabbar [data-screen="works"]').click();
  await page.locator('#my-works-status[data-state="done"]').waitFor();
  assert.equal(await page.locator('#my-works-list [data-work-id]').count(), 0, 'none of the first organisation\'s works');
  assert.equal(await page.locator('#my-works-status').textContent(), 'Noch keine Maßnahmen.');
  await axe(page, '#screen-works', 'my works (empty) 1280');
  await screenshot(page, 'works-isolation-my-works');

  // The work on the map: the public panel, without the page's action or the contact.
  await page.locator('#tabbar [data-screen="map"]').click();
  const panelOpened = page.waitForResponse((r) => r.url().endsWith(`/collections/works/items/${id}`));
  await page.evaluate(([lon, lat]) => {
    const m = window.__rootzoneMap;
    m.jumpTo({ center: [lon, lat], zoom: 20 });
  }, offset(at, 6.5));
  await page.waitForFunction(() => window.__rootzoneMap.loaded() && window.__rootzoneMap.areTilesLoaded());
  // The pit's rim, 1.5 m north of its centre: the work's polygon, clear of the tree's dot.
  const { x, y } = await (async () => {
    const box = await page.locator('#map canvas').boundingBox();
    const p = await page.evaluate((ll) => window.__rootzoneMap.project(ll), offset(at, 6.5));
    return { x: box.x + p.x, y: box.y + p.y };
  })();
  await page.mouse.click(x, y);
  await panelOpened;
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
  const panelText = await page.locator('#panel').textContent();
  assert.ok(!panelText.includes(secret.contact), 'no contact in the public panel');
  assert.equal(await page.locator('#panel [data-action="open-work"]').count(), 0, 'no work page offered for another organisation\'s work');

  // The second contractor's own drawing at the same place and time.
  await page.locator('#panel-close').click();
  await openNewWork(page);
  await page.locator('#draw-point').click();
  await page.locator('#work-form [name="starts_at"]').fill('2027-04-05T08:00');
  await page.locator('#work-form [name="ends_at"]').fill('2027-04-09T17:00');
  const spot = offset(at, 12);
  await bringIntoView(page, spot);
  const previewed = page.waitForResponse((r) => r.url().endsWith('/collections/works/preview') && r.status() === 200);
  await tapAt(page, spot);
  await previewShown(page, 0);
  const answer = await (await previewed).json();
  const clashes = answer.conflicts.works;
  assert.equal(clashes.length, 1, 'the clash with the first work is listed');
  assert.equal(clashes[0].other_work_id, id);
  const raw = JSON.stringify(answer);
  assert.ok(!raw.includes(secret.contact), 'the preview does not tell the contact');
  assert.equal(clashes[0].other_work.contact, undefined);
  const listed = await page.locator('#work-preview').textContent();
  assert.ok(!listed.includes(secret.contact), 'the page does not show the contact');
  assert.equal(await page.locator(`#work-preview .clash[data-work-id="${id}"] .conflict-detail`).textContent(),
    `${secret.reference} „${secret.title}“ (Stadtwerke Konstanz): ${new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }).format(clashes[0].distance_m)} m entfernt`);
  assert.equal(await page.locator(`#work-preview .clash[data-work-id="${id}"]`).count(), 1);
  await axe(page, '#panel', 'editor with a clash 1280');
  await screenshot(page, 'works-isolation-preview');
  assertClean();
});
