// A contractor at 1280 x 800 draws a trench beside a protected tree (works-support.mjs says how
// the tree is chosen: R_t and R_r from the domain's formulas), and the preview shows the
// conflict before anything is stored; moving the trench's end vertex changes it as the rules
// say: 0.75 m from the stem (inside R_t) critical, 9 m (outside R_r) none, 5 m (between R_t and
// R_r) high for a trench and medium for surface works (not an excavation); then the contractor
// submits and the answer is the work's page: submitted, with its conflict. The time from the end
// of each drag to the highlight on the map is written to works-draw-perf.json (not asserted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, screenshot, serverAndBrowser } from './fixture.mjs';
import {
  axe, call, contractorOrg, contractorPage, dragVertex, fillWork, offset, openNewWork, previewRows, previewShown, shownCount,
  tapAt, trenchTree, worksOf, writeResult,
} from './works-support.mjs';

const env = serverAndBrowser();

test('drawing a trench beside a protected tree: critical, none, high, medium, then submitted', async () => {
  const { tree, rt, rr, at } = await trenchTree(env.base);
  const before = (await worksOf(env.base)).length;
  // The trench: 0.5 m wide, from 22 m north of the stem (outside every zone) down to its end
  // vertex `s` metres north of the stem; the work's nearest edge is then s - 0.25 m away.
  const far = offset(at, 22);
  const endAt = (s) => offset(at, s);
  const { page, assertClean } = await contractorPage(env.browser, env.base, { viewport: desktop, centre: offset(at, 9) });
  await openNewWork(page);
  await axe(page, '#panel', 'editor 1280');
  await screenshot(page, 'works-editor');

  await page.locator('#draw-line').click();
  await page.locator('#work-form [name="width_m"]').fill('0,5');
  await tapAt(page, far);
  await tapAt(page, endAt(1));
  await tapAt(page, endAt(1)); // the last point again ends the line
  let rows = await previewShown(page, 0);
  assert.deepEqual(rows.map((r) => [r.tree, r.severity]), [[tree.id, 'critical']], `0.75 m from the stem, R_t ${rt} m`);
  // Named by the number on its tag, as on the map's panel, not by the store's id.
  assert.ok(rows[0].text.includes(`Baum ${tree.properties.source_id}:`), rows[0].text);
  // How far to move, as the server computed it (clear_by_m), in the page's words.
  const answer = await page.evaluate(() => window.__rootzoneLastPreview);
  const c = answer.conflicts.trees[0].properties;
  assert.ok(Math.abs(c.zone.trench_distance_m - rt) < 0.01 && Math.abs(c.zone.root_zone_m - rr) < 0.01, JSON.stringify(c.zone));
  const de = (n) => new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }).format(n);
  assert.ok(rows[0].text.includes(`${de(c.clear_by_m.trench_distance)} m mehr Abstand, um den Grabenabstand zu verlassen`), rows[0].text);
  assert.ok(rows[0].text.includes(`${de(c.clear_by_m.root_zone)} m mehr Abstand, um den Wurzelbereich zu verlassen`), rows[0].text);
  assert.ok(Math.abs(c.clear_by_m.root_zone - (rr - c.min_distance_m)) < 0.01);
  // The tree lights up on the map in the critical colour, with its two rings.
  const drawn = await page.evaluate((id) => {
    const m = window.__rootzoneMap;
    return {
      trees: m.queryRenderedFeatures({ layers: ['rz-conflict-trees'] }).map((f) => [f.properties.tree_id, f.properties.severity]),
      // A source's features come once per tile they cross: the distinct rings.
      rings: [...new Set(m.querySourceFeatures('rz-conflict-rings').map((f) => f.properties.ring))].sort(),
    };
  }, tree.id);
  assert.deepEqual(drawn.trees, [[tree.id, 'critical']]);
  assert.deepEqual(drawn.rings, ['root', 'trench'], 'R_t and R_r drawn');
  await screenshot(page, 'works-preview-critical');

  const timings = [];
  const drag = async (from, to, expect, note) => {
    const n = await shownCount(page);
    await page.evaluate(() => performance.clearMarks());
    await dragVertex(page, endAt(from), endAt(to));
    // The answer to the request made when the vertex was let go (previews asked during the
    // drag are aborted or come before it).
    await page.waitForFunction(() => {
      const end = performance.getEntriesByName('rz-drag-end').at(-1);
      return end && performance.getEntriesByName('rz-conflicts-shown').some((m) => m.startTime > end.startTime);
    }, null, { timeout: 15000 });
    const got = await previewShown(page, n);
    assert.deepEqual(got.map((r) => [r.tree, r.severity]), expect, note);
    timings.push(await page.evaluate(() => {
      const end = performance.getEntriesByName('rz-drag-end').at(-1);
      const shown = performance.getEntriesByName('rz-conflicts-shown').find((m) => m.startTime > end.startTime);
      // Of which the preview's request (fetch start to its answer's end, resource timing).
      const fetched = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/collections/works/preview') && r.startTime >= end.startTime).at(0);
      return { total: shown.startTime - end.startTime, request: fetched ? fetched.responseEnd - fetched.startTime : null };
    }));
  };
  await drag(1, 9.25, [], `9 m from the stem, outside R_r ${rr} m`);
  await page.locator('[data-testid="no-conflicts"]').waitFor();
  await screenshot(page, 'works-preview-none');
  await drag(9.25, 5.25, [[tree.id, 'high']], `5 m: inside R_r ${rr} m, outside R_t ${rt} m`);
  await screenshot(page, 'works-preview-high');
  let n = await shownCount(page);
  await page.locator('#work-form [name="kind"]').selectOption('surface');
  rows = await previewShown(page, n);
  assert.deepEqual(rows.map((r) => [r.tree, r.severity]), [[tree.id, 'medium']], 'surface works inside R_r: medium');
  assert.ok(!rows[0].text.includes('Grabenabstand'), 'no trench distance to leave for surface works');
  n = await shownCount(page);
  await page.locator('#work-form [name="kind"]').selectOption('trench');
  rows = await previewShown(page, n);
  assert.deepEqual(rows.map((r) => [r.tree, r.severity]), [[tree.id, 'high']]);
  assert.equal((await worksOf(env.base)).length, before, 'nothing stored while drawing');

  await fillWork(page, { title: 'Hausanschluss Jungerhalde', reference: 'SWK-2027-0815', contact: 'bauleitung@swk.example', depth_m: '1,2' });
  await axe(page, '#panel', 'editor filled 1280');
  await page.locator('#work-submit').click();
  await page.locator('#work-page').waitFor();
  assert.equal(await page.locator('#work-status').getAttribute('data-status'), 'submitted');
  assert.equal(await page.locator('#work-saved').textContent(), 'Eingereicht.');
  const stored = await previewRows(page, '#work-conflicts');
  assert.deepEqual(stored.map((r) => [r.tree, r.severity]), [[tree.id, 'high']]);
  assert.deepEqual(await page.locator('#work-history li').evaluateAll((els) => els.map((e) => e.dataset.to)), ['submitted']);
  await axe(page, '#panel', 'work page 1280');
  await screenshot(page, 'works-page');

  const works = await worksOf(env.base);
  assert.equal(works.length, before + 1);
  const id = Number(await page.locator('#work-page').getAttribute('data-work-id'));
  const w = await call(env.base, 'GET', `/collections/works/items/${id}`, { key: (await import('./fixture.mjs')).keys().contractor });
  assert.equal(w.body.properties.status, 'submitted');
  assert.equal(w.body.properties.contractor, contractorOrg);
  assert.equal(w.body.properties.kind, 'trench');
  assert.equal(w.body.properties.width_m, 0.5);
  assert.equal(w.body.properties.depth_m, 1.2);
  assert.equal(w.body.geometry.type, 'LineString');

  writeResult('works-draw-perf.json', {
    what: 'ms from the end of a vertex drag (performance mark rz-drag-end) to the conflicts drawn on the map (rz-conflicts-shown)',
    drags: timings,
    load: (await import('node:os')).loadavg()[0],
  });
  assertClean();
});
