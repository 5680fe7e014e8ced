// Bad input never becomes a work: a self-intersecting polygon (a bow tie), a line of zero length
// (its end vertex dragged onto its start), a radius of 0 and an end before the start. Each time
// the preview's 422 is shown where the problem is (the drawing, or the field), "Einreichen"
// sends nothing (no POST to /collections/works/items) and the store holds as many works as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, screenshot, serverAndBrowser } from './fixture.mjs';
import { axe, contractorPage, dragVertex, fillWork, offset, openNewWork, shownCount, tapAt, trenchTree, worksOf } from './works-support.mjs';

const env = serverAndBrowser();

// The preview's refusals are the point of this test; nothing else may fail.
const allowed = ['422 /collections/works/preview'];

async function refused(page, since, timeout = 15000) {
  await page.waitForFunction((n) => {
    const s = document.querySelector('#work-preview-status');
    return s && s.dataset.state === 'refused' && Number(s.dataset.refused ?? 0) > n;
  }, since, { timeout });
}

// Drags the line's end vertex onto `to` until the preview refuses the line. On a busy machine
// terra-draw can end a drag short of the pointer (at a move it processed earlier): the vertex
// then lies a little before `to`, the line is still valid and previewed, and the drag is done
// again from where the vertex lies.
async function dragUntilRefused(page, from, to, since) {
  let at = from;
  for (let attempt = 1; ; attempt++) {
    await dragVertex(page, at, to);
    try {
      await refused(page, since, attempt < 3 ? 6000 : 15000);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
    at = await page.evaluate(() => window.__rootzoneLastPreview?.geometry?.coordinates?.at(-1));
  }
}
const refusedCount = (page) => page.evaluate(() => Number(document.querySelector('#work-preview-status')?.dataset.refused ?? 0));

test('four bad inputs: each said at its place, none submitted', async () => {
  const { at } = await trenchTree(env.base);
  const before = (await worksOf(env.base)).length;
  const { page, assertClean } = await contractorPage(env.browser, env.base, { viewport: desktop, centre: offset(at, 30, 30), allowed });
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/collections/works/items') posts.push(r.url());
  });
  await openNewWork(page);
  await fillWork(page, { title: 'Prüfung', reference: 'SWK-BAD-1', contact: 'x@swk.example' });
  const origin = offset(at, 30, 30); // 42 m from the tree: no conflict, only the shape matters
  const submitRefused = async (selector, text) => {
    await page.locator('#work-submit').click();
    await page.locator(selector).waitFor({ state: 'visible' });
    assert.equal(posts.length, 0, 'nothing was sent');
    assert.ok((await page.locator(selector).textContent()).includes(text), `${selector}: ${await page.locator(selector).textContent()}`);
  };

  // 1. A bow tie: the ring crosses itself.
  let n = await refusedCount(page);
  await page.locator('#draw-polygon').click();
  const corners = [offset(origin, 0, 0), offset(origin, 10, 10), offset(origin, 10, 0), offset(origin, 0, 10)];
  for (const c of corners) await tapAt(page, c);
  await tapAt(page, corners[0]); // closes the ring
  await refused(page, n);
  const geometryProblem = page.locator('#draw-problem');
  assert.ok((await geometryProblem.textContent()).startsWith('Die Fläche überschneidet sich selbst; bitte neu zeichnen. (geometry is not valid (OGC simple features): Self-intersection'),
    await geometryProblem.textContent());
  await submitRefused('#draw-problem', 'Self-intersection');
  await axe(page, '#panel', 'self-intersection');
  await screenshot(page, 'works-bad-polygon');

  // 2. A line whose end is dragged onto its start.
  n = await refusedCount(page);
  let shown = await shownCount(page);
  await page.locator('#draw-line').click();
  const a = offset(origin, 0, 0);
  const b = offset(origin, 8, 0);
  await tapAt(page, a);
  await tapAt(page, b);
  await tapAt(page, b);
  await page.waitForFunction((k) => Number(document.querySelector('#work-preview-status').dataset.shown ?? 0) > k, shown);
  assert.equal(await geometryProblem.isHidden(), true, 'a good line clears the problem');
  await dragUntilRefused(page, b, a, n);
  assert.ok((await geometryProblem.textContent()).startsWith('Die Linie hat keine Länge'), await geometryProblem.textContent());
  await submitRefused('#draw-problem', 'Die Linie hat keine Länge');
  await screenshot(page, 'works-bad-line');

  // 3. A radius of 0.
  n = await refusedCount(page);
  await page.locator('#draw-point').click();
  await tapAt(page, origin);
  await page.locator('#work-form [name="radius_m"]').fill('0');
  await refused(page, n);
  const radiusError = page.locator('#work-form [data-field="radius_m"] .field-error');
  assert.equal(await radiusError.textContent(), 'Muss größer als 0 m sein.');
  assert.equal(await page.locator('#work-form [name="radius_m"]').getAttribute('aria-invalid'), 'true');
  await submitRefused('#work-form [data-field="radius_m"] .field-error', 'Muss größer als 0 m sein.');
  await axe(page, '#panel', 'radius 0');
  await screenshot(page, 'works-bad-radius');

  // 4. The end before the start.
  n = await refusedCount(page);
  await page.locator('#work-form [name="radius_m"]').fill('2');
  await page.locator('#work-form [name="starts_at"]').fill('2027-05-10T08:00');
  await page.locator('#work-form [name="ends_at"]').fill('2027-05-03T17:00');
  await refused(page, n);
  const endError = page.locator('#work-form [data-field="ends_at"] .field-error');
  assert.equal(await endError.textContent(), 'Das Ende liegt vor dem Beginn.');
  assert.equal(await page.locator('#work-form [data-field="radius_m"] .field-error').isHidden(), true, 'the radius is fine now');
  await submitRefused('#work-form [data-field="ends_at"] .field-error', 'Das Ende liegt vor dem Beginn.');
  await screenshot(page, 'works-bad-window');

  assert.equal((await worksOf(env.base)).length, before, 'no work stored');
  assertClean();
});
