// The review queue at 1280 x 800 with works made through the API beside tree 3658 (see
// review-support.mjs for why each has the severity it has): a critical one, a high one, one
// without conflicts (all submitted) and one whose changes were requested. The queue lists
// submitted works worst conflict first, then by start; each filter (status, Berlin time window,
// an area drawn on the map with terra-draw) changes the list to exactly the works it should.
// axe-core on the screen, screenshots at 1280 and 375 px, no console error, no failed request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, desktop, keys, nextFrames, openPage, phone, requireWeb, screenshot, serverAndBrowser, signIn } from './fixture.mjs';
import { call } from './field-support.mjs';
import { assertFits, berlin, moveTo, offset, pit, plannerPage, queue, refilter, reviewMapReady, severitiesOf, submit, theTree } from './review-support.mjs';

const env = serverAndBrowser();

// terra-draw's polygon: a click on each corner, then on the first again to close it.
async function drawPolygon(page, corners) {
  const box = await page.locator('#review-map canvas').boundingBox();
  const px = await page.evaluate((cs) => cs.map((c) => window.__rootzoneReviewMap.project(c)), corners);
  await page.locator('#review-draw-polygon').click();
  for (const p of [...px, px[0]]) {
    await page.mouse.move(box.x + p.x, box.y + p.y, { steps: 4 });
    await nextFrames(page);
    await page.mouse.click(box.x + p.x, box.y + p.y);
  }
}

// Drags nothing: terra-draw's rectangle is drawn by a click on one corner and a click on the
// opposite one (its default click-move interaction).
async function drawRectangle(page, sw, ne) {
  const box = await page.locator('#review-map canvas').boundingBox();
  const [a, b] = await page.evaluate(([p, q]) => [window.__rootzoneReviewMap.project(p), window.__rootzoneReviewMap.project(q)], [sw, ne]);
  await page.locator('#review-draw-rectangle').click();
  await page.mouse.move(box.x + a.x, box.y + a.y);
  await page.mouse.click(box.x + a.x, box.y + a.y);
  await page.mouse.move(box.x + (a.x + b.x) / 2, box.y + (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(box.x + b.x, box.y + b.y, { steps: 5 });
  await nextFrames(page);
  await page.mouse.click(box.x + b.x, box.y + b.y);
}

test('the queue orders by worst conflict then start, and each filter changes it exactly', async () => {
  const k = keys();
  const tree = await theTree(env.base);
  const at = tree.geometry.coordinates;
  const critical = await submit(env.base, k.contractor, pit('RQ-CRIT', 'Hausanschluss Baugrube nah am Stamm', offset(at, 1.5), berlin('2028-04-03', '08:00'), berlin('2028-04-07', '17:00')));
  const high = await submit(env.base, k.contractor, pit('RQ-HIGH', 'Baugrube im Wurzelbereich', offset(at, 5.5), berlin('2028-06-05', '08:00'), berlin('2028-06-09', '17:00')));
  const none = await submit(env.base, k.contractor, pit('RQ-NONE', 'Baugrube abseits', offset(at, 0, 30), berlin('2028-08-07', '08:00'), berlin('2028-08-11', '17:00')));
  const changes = await submit(env.base, k.contractor, pit('RQ-CHANGES', 'Baugrube zur Überarbeitung', offset(at, 0, -30), berlin('2028-10-02', '08:00'), berlin('2028-10-06', '17:00')));
  // The API agrees with the hand-computed severities (and the time windows, > 30 days apart,
  // keep the works from clashing).
  assert.deepEqual(severitiesOf(critical), [[tree.id, 'critical']]);
  assert.deepEqual(severitiesOf(high), [[tree.id, 'high']]);
  assert.deepEqual(severitiesOf(none), []);
  assert.deepEqual(severitiesOf(changes), []);
  for (const w of [critical, high, none, changes]) assert.deepEqual(w.conflicts.works, []);
  await moveTo(env.base, k.planner, changes.id, 'changes_requested', { comment: 'Bitte Lage prüfen' });
  // Drafts, 200 m from the tree, for a second page when every status is asked for (they are not
  // submitted: the queue's default leaves them out).
  for (let i = 0; i < 8; ++i) {
    const draft = pit(`RQ-DRAFT-${i}`, 'Entwurf', offset(at, 200, 25 * i), berlin('2029-03-05', '08:00'), berlin('2029-03-09', '17:00'));
    draft.properties.status = 'draft';
    await submit(env.base, k.contractor, draft);
  }

  // The sample's own submitted works have no stored conflicts: they follow by start date.
  const sample = (await call(env.base, 'GET', '/collections/works/items?limit=1000', { key: k.planner })).body.features.filter(
    (f) => f.properties.status === 'submitted' && !f.properties.reference.startsWith('RQ-'),
  );
  for (const f of sample) {
    const c = await call(env.base, 'GET', `/collections/works/items/${f.id}/conflicts`, { key: k.planner });
    assert.deepEqual([c.body.conflicts.trees.length, c.body.conflicts.works.length], [0, 0], f.properties.reference);
  }
  const byStart = sample.sort((a, b) => a.properties.starts_at.localeCompare(b.properties.starts_at)).map((f) => f.properties.reference);
  assert.ok(byStart.length > 0, 'the sample has submitted works of its own');

  const { page, assertClean } = await plannerPage(env.browser, env.base);
  const expected = ['RQ-CRIT', 'RQ-HIGH', ...byStart, 'RQ-NONE'];
  assert.deepEqual(await queue(page), expected, 'submitted works, worst first, then by start');
  // The rows say what they hold: badges with words, the time window in Berlin time.
  const row = page.locator('#review-queue-list .queue-row[data-reference="RQ-CRIT"]');
  assert.equal(await row.locator('.badge-critical').textContent(), '1 kritisch');
  assert.equal(await row.locator('.badge-open').textContent(), '1 unbestätigt');
  assert.equal(await row.locator('.queue-org').textContent(), 'Stadtwerke Konstanz');
  assert.equal(await row.locator('.queue-when').textContent(), '03.04.2028, 08:00 – 07.04.2028, 17:00');
  assert.equal(await page.locator('#review-queue-list .queue-row[data-reference="RQ-HIGH"] .badge-high').textContent(), '1 hoch');
  assert.equal(await page.locator('#review-queue-list .queue-row[data-reference="RQ-NONE"] .badge-none').textContent(), 'keine Baumkonflikte');
  assert.equal(await page.locator('#review-queue-status').textContent(), `${expected.length} von ${expected.length} Maßnahmen, die schwersten Konflikte zuerst`);
  await assertFits(page);
  await axe(page, '#screen-review', 'queue 1280');
  await screenshot(page, 'review-queue');

  // Status.
  assert.deepEqual(await refilter(page, () => page.locator('#review-status').selectOption('changes_requested')), ['RQ-CHANGES']);
  assert.deepEqual(await refilter(page, () => page.locator('#review-status').selectOption('submitted')), expected);
  // Time window (Berlin days): June to August 2028 holds the high and the conflict-free work.
  assert.deepEqual(await refilter(page, () => page.locator('#review-from').fill('2028-06-01')), ['RQ-HIGH', 'RQ-NONE']);
  assert.deepEqual(await refilter(page, () => page.locator('#review-to').fill('2028-06-30')), ['RQ-HIGH']);
  // The last day counts whole: a window ending on the high work's first day still holds it.
  assert.deepEqual(await refilter(page, () => page.locator('#review-to').fill('2028-06-05')), ['RQ-HIGH']);
  assert.deepEqual(await refilter(page, () => page.locator('#review-to').fill('2028-06-04')), []);
  assert.equal(await page.locator('#review-queue-status').textContent(), 'Keine Maßnahme passt zu diesen Filtern.');
  await refilter(page, () => page.locator('#review-from').fill(''));
  assert.deepEqual(await refilter(page, () => page.locator('#review-to').fill('')), expected);

  // An area drawn around the tree (50 m each way): the sample's works are elsewhere.
  await page.evaluate((c) => window.__rootzoneReviewMap.jumpTo({ center: c, zoom: 17 }), at);
  await reviewMapReady(page);
  const sw = offset(at, -50, -50);
  const ne = offset(at, 50, 50);
  assert.deepEqual(await refilter(page, () => drawRectangle(page, sw, ne)), ['RQ-CRIT', 'RQ-HIGH', 'RQ-NONE']);
  assert.equal(await page.locator('#review-area-status').getAttribute('data-area'), 'set');
  await screenshot(page, 'review-queue-area');
  // With every status the area also holds the work sent back for changes (no conflicts: by start).
  assert.deepEqual(await refilter(page, () => page.locator('#review-status').selectOption('')), ['RQ-CRIT', 'RQ-HIGH', 'RQ-NONE', 'RQ-CHANGES']);
  // A smaller area, 10 m around the tree: only the two pits beside it.
  const small = [offset(at, -10, -10), offset(at, 10, 10)];
  assert.deepEqual(await refilter(page, () => drawRectangle(page, small[0], small[1])), ['RQ-CRIT', 'RQ-HIGH']);
  // A triangle east of the tree (10 to 45 m east, 20 m either side) holds only the work 30 m east.
  assert.deepEqual(await refilter(page, () => drawPolygon(page, [offset(at, -20, 10), offset(at, 0, 45), offset(at, 20, 10)])), ['RQ-NONE']);
  await screenshot(page, 'review-queue-polygon');
  await refilter(page, () => page.locator('#review-status').selectOption('submitted'));
  assert.deepEqual(await refilter(page, () => page.locator('#review-clear-area').click()), expected);
  assert.equal(await page.locator('#review-area-status').getAttribute('data-area'), 'none');

  // Paging: every status holds more works than a page (20); "more" appends the rest in the
  // server's order.
  const all = (await call(env.base, 'GET', '/collections/works/overview?limit=100', { key: k.planner })).body;
  assert.ok(all.numberMatched > 20 && all.numberMatched <= 40, `${all.numberMatched} works in all`);
  const first = await refilter(page, () => page.locator('#review-status').selectOption(''));
  assert.deepEqual(first, all.works.slice(0, 20).map((w) => w.reference));
  assert.equal(await page.locator('#review-queue-status').textContent(), `20 von ${all.numberMatched} Maßnahmen, die schwersten Konflikte zuerst`);
  assert.equal(await page.locator('#review-more').isVisible(), true);
  const both = await refilter(page, () => page.locator('#review-more').click());
  assert.deepEqual(both, all.works.map((w) => w.reference));
  assert.equal(await page.locator('#review-more').isVisible(), false);
  assertClean();
});

test('the queue at 375 x 667: usable, axe, screenshot', async () => {
  const { page, assertClean } = await plannerPage(env.browser, env.base, { viewport: phone });
  const refs = await queue(page);
  assert.ok(refs.length > 0);
  await assertFits(page);
  await axe(page, '#screen-review', 'queue 375');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(wide, 0, 'no horizontal scroll');
  await screenshot(page, 'review-queue');
  assertClean();
});

test('without WebGL the queue and a review still work, without the map and its area filter', async () => {
  const { chromium } = requireWeb('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.ROOTZONE_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-3d-apis'] });
  try {
    const { page, assertClean } = await openPage(browser, env.base, { viewport: desktop });
    await page.locator('#map .coming-soon').waitFor();
    await signIn(page, keys().planner);
    await page.locator('#tabbar [data-screen="review"]').click();
    await page.locator('#review-map .coming-soon').waitFor();
    const refs = await queue(page);
    assert.equal(refs[0], 'RQ-CRIT');
    assert.equal(await page.locator('.area-controls').isHidden(), true);
    await page.locator('#review-queue-list .queue-row[data-reference="RQ-CRIT"]').click();
    await page.waitForFunction(() => document.querySelector('#review-work')?.getAttribute('aria-busy') === 'false', null, { timeout: 20000 });
    assert.equal(await page.locator('#review-conflicts tbody tr[data-severity="critical"]').count(), 1);
    await screenshot(page, 'review-no-webgl');
    assertClean();
  } finally {
    await browser.close();
  }
});
