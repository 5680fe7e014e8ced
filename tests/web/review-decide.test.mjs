// A work's review at 1280 x 800: a pit 1.5 m from tree 3658 (critical, see review-support.mjs)
// of Stadtwerke Konstanz, and a pit of another organisation 10 m from it in overlapping weeks (a
// clash, and beyond every tree's root zone). The review shows exactly that conflict row and that
// clash; the planner requests changes with a comment (the history shows it), meets a 409 for a
// refusal the lifecycle does not allow from there (the allowed transitions shown), meets a 412
// after the contractor resubmitted behind the page's back, approves with conditions,
// acknowledges the conflict and the clash, and prints the statement (its content read in the
// window it opened). axe-core on the review, screenshots at 1280 and 375 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, keys, phone, screenshot, serverAndBrowser } from './fixture.mjs';
import { call } from './field-support.mjs';
import { addContractor, assertFits, berlin, moveTo, offset, pit, plannerPage, queue, radii, severitiesOf, submit, theTree } from './review-support.mjs';

const env = serverAndBrowser();

const history = async (id) => (await call(env.base, 'GET', `/collections/works/items/${id}/history`, { key: keys().planner })).body.history;
const statusOf = async (id) => (await call(env.base, 'GET', `/collections/works/items/${id}`, { key: keys().planner })).body.properties.status;

// Reported, not asserted: from the click on the row to the review drawn (work, conflicts,
// history, trees and clashing works read), on loopback.
async function openWork(page, reference) {
  await queue(page);
  const started = Date.now();
  await page.locator(`#review-queue-list .queue-row[data-reference="${reference}"]`).click();
  await page.waitForFunction(() => document.querySelector('#review-work')?.getAttribute('aria-busy') === 'false', null, { timeout: 20000, polling: 10 });
  console.log(`review of ${reference} drawn ${Date.now() - started} ms after the click`);
}

async function settled(page, status) {
  await page.waitForFunction((s) => {
    const w = document.querySelector('#review-work');
    return w?.getAttribute('aria-busy') === 'false' && w.dataset.status === s;
  }, status, { timeout: 20000 });
}

test('review a work: the rows, request changes, 409, 412, approve with conditions, acknowledge, print', async () => {
  const k = keys();
  const tree = await theTree(env.base);
  const at = tree.geometry.coordinates;
  const telekom = addContractor(env.server.db, 'Bauleitung Telekom', 'Telekom Baupartner');
  const work = await submit(env.base, k.contractor, pit('RD-CRIT', 'Hausanschluss Baugrube', offset(at, 1.5), berlin('2028-04-03', '08:00'), berlin('2028-04-07', '17:00')));
  const other = await submit(env.base, telekom, pit('RD-TEL', 'Glasfaser Muffe', offset(at, 10), berlin('2028-04-05', '08:00'), berlin('2028-04-12', '17:00')));
  assert.deepEqual(severitiesOf(work), [[tree.id, 'critical']]);
  assert.deepEqual(severitiesOf(other), [], '9.5 m from the stem: beyond R_r = 7 m');
  const conflict = work.conflicts.trees[0].properties;
  assert.ok(Math.abs(conflict.min_distance_m - 1.0) < 0.02, `1.0 m from the stem, got ${conflict.min_distance_m}`);
  assert.ok(conflict.min_distance_m < radii.trench);
  // The clash: 9 m apart (< 20 m), overlapping from 5 April 08:00 to 7 April 17:00 plus the 30
  // days' grace: 5 April to 7 May 2028, 33 Berlin days counted whole.
  const clashes = (await call(env.base, 'GET', `/collections/works/items/${work.id}/conflicts`, { key: k.planner })).body.conflicts.works;
  assert.equal(clashes.length, 1);
  assert.equal(clashes[0].other_work_id, other.id);
  assert.deepEqual([clashes[0].overlap_start, clashes[0].overlap_end], ['2028-04-05T06:00:00Z', '2028-05-07T15:00:00Z']);

  const allowed = [`409 /collections/works/items/${work.id}/status`, `412 /collections/works/items/${work.id}/status`];
  const { page, context, assertClean } = await plannerPage(env.browser, env.base, { allowed });
  await openWork(page, 'RD-CRIT');
  assert.equal(await page.locator('#review-work-title').textContent(), 'RD-CRIT – Hausanschluss Baugrube');
  assert.equal(await page.locator('#review-status-value').textContent(), 'Eingereicht');
  assert.equal(await page.locator('[data-field="window"] dd').textContent(), '03.04.2028, 08:00 – 07.04.2028, 17:00');

  // Exactly one conflict row, as the API and the tree say.
  const rows = page.locator('#review-conflicts tbody tr');
  assert.equal(await rows.count(), 1);
  const r = rows.first();
  assert.deepEqual([await r.getAttribute('data-tree-id'), await r.getAttribute('data-severity')], [String(tree.id), 'critical']);
  const cells = await r.locator('td').allTextContents();
  const p = tree.properties;
  assert.equal(cells[0], '3658');
  assert.equal(cells[1], `${p.species_german} (${p.species_botanical})`);
  assert.equal(cells[2], '84 cm');
  assert.equal(cells[3], 'kritisch');
  assert.equal(cells[4], `${new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }).format(conflict.min_distance_m)} m`);
  assert.equal(cells[5], new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 1 }).format(conflict.overlap_share));
  assert.equal(cells[6], conflict.rule);
  assert.match(cells[7], /^offen/);
  // Exactly one clash row: the other organisation's work and the days in common.
  const clash = page.locator('#review-clashes tbody tr');
  assert.equal(await clash.count(), 1);
  assert.equal(await clash.getAttribute('data-other-work-id'), String(other.id));
  const clashCells = await clash.locator('td').allTextContents();
  assert.equal(clashCells[0], 'RD-TEL Glasfaser Muffe');
  assert.equal(clashCells[1], 'Telekom Baupartner');
  assert.equal(clashCells[2], '05.04.2028 – 07.05.2028 (33 Tage)');
  // The map holds the tree in its severity and both of its rings.
  const drawn = await page.evaluate(() => {
    const m = window.__rootzoneReviewMap;
    const trees = m.getSource('review-trees')._data.features ?? m.getSource('review-trees')._data.geojson?.features;
    return { trees: trees?.map((f) => [f.properties.tree_id, f.properties.severity]), filter: m.getFilter('review-zones-root') };
  });
  assert.deepEqual(drawn.trees, [[tree.id, 'critical']]);
  assert.deepEqual(drawn.filter[1], ['in', ['get', 'tree_id'], ['literal', [tree.id]]]);
  await page.waitForFunction((id) => {
    const m = window.__rootzoneReviewMap;
    if (!m.loaded() || !m.areTilesLoaded()) return false;
    const zones = m.queryRenderedFeatures({ layers: ['review-zones-root', 'review-zones-trench'] });
    return new Set(zones.filter((z) => z.properties.tree_id === id).map((z) => z.properties.zone)).size === 2;
  }, tree.id, { timeout: 20000, polling: 200 });
  await assertFits(page);
  await axe(page, '#screen-review', 'review 1280');
  await screenshot(page, 'review-work');

  // Request changes: a comment is required (said at the field, nothing sent) ...
  await page.locator('#review-request-changes').click();
  assert.equal(await page.locator('#review-comment-error').textContent(), 'Bitte sagen Sie im Kommentar, warum.');
  assert.equal(await page.locator('#review-comment').getAttribute('aria-invalid'), 'true');
  assert.equal(await statusOf(work.id), 'submitted');
  // ... then sent with it.
  const why = 'Die Baugrube liegt 1 m vom Stamm der Walnuss: bitte mindestens 3,4 m Abstand halten.';
  await page.locator('#review-comment').fill(why);
  await page.locator('#review-request-changes').click();
  await settled(page, 'changes_requested');
  assert.equal(await statusOf(work.id), 'changes_requested');
  assert.equal(await page.locator('#review-note').textContent(), 'Gespeichert: Die Maßnahme ist jetzt „Änderung verlangt“.');
  const last = page.locator('#review-history li').last();
  assert.equal(await last.getAttribute('data-to'), 'changes_requested');
  assert.equal(await last.locator('.history-comment').textContent(), `Kommentar: ${why}`);
  assert.equal(await last.locator('.history-who').textContent(), 'Paul Planer');
  assert.equal((await history(work.id)).at(-1).comment, why);

  // Refusing now is no transition of the lifecycle: the 409's allowed ones are shown.
  await page.locator('#review-comment').fill('Abgelehnt');
  await page.locator('#review-refuse').click();
  await page.locator('#review-decision-result').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#review-decision-result').getAttribute('role'), 'alert');
  assert.equal(await page.locator('#review-decision-result p').first().textContent(), 'Von „Änderung verlangt“ kann die Maßnahme nicht nach „Abgelehnt“ wechseln.');
  assert.deepEqual(await page.locator('#review-allowed li').evaluateAll((els) => els.map((e) => e.dataset.status)), ['submitted', 'cancelled']);
  assert.deepEqual(await page.locator('#review-allowed li').allTextContents(), ['Eingereicht', 'Storniert']);
  assert.equal(await page.locator('#review-allowed-role').textContent(), 'Davon ist keiner Ihrer Rolle erlaubt (der Auftragnehmer ist am Zug).');
  assert.equal(await statusOf(work.id), 'changes_requested');
  await axe(page, '#screen-review', 'review 409 1280');
  await screenshot(page, 'review-409');

  // The contractor resubmits (through the API, behind the page's back): the page's ETag is old.
  await moveTo(env.base, k.contractor, work.id, 'submitted', { comment: 'Lage geprüft, Handschachtung vorgesehen' });
  await page.locator('#review-comment').fill('');
  const conditions = 'Handschachtung innerhalb von 3,4 m um Baum 3658; Wurzeln über 2 cm nicht kappen.';
  await page.locator('#review-conditions').fill(conditions);
  await page.locator('#review-approve').click();
  await settled(page, 'submitted');
  assert.equal(await page.locator('#review-note').getAttribute('role'), 'alert');
  assert.match(await page.locator('#review-note').textContent(), /^Jemand anderes hat diese Maßnahme inzwischen geändert/);
  assert.equal(await page.locator('#review-conditions').inputValue(), conditions, 'the typed conditions are kept');
  assert.equal(await statusOf(work.id), 'submitted', 'nothing decided on the old version');
  // Approve with the conditions, now on the current version.
  await page.locator('#review-approve').click();
  await settled(page, 'approved');
  const approved = (await history(work.id)).at(-1);
  assert.deepEqual([approved.to, approved.conditions, approved.user], ['approved', conditions, 'Paul Planer']);
  assert.equal(await page.locator('#review-history li').last().locator('.history-conditions').textContent(), `Auflagen: ${conditions}`);

  // Acknowledge the conflict (a comment is required) and the clash; a comment being typed for a
  // decision meanwhile survives the review being read again.
  await page.locator('#review-comment').fill('Noch offen: Zufahrt');
  await page.locator(`[data-ack="ack-conflict-${conflict.id ?? work.conflicts.trees[0].id}"]`).click();
  await page.locator(`#ack-conflict-${work.conflicts.trees[0].id} button[type=submit]`).click();
  assert.equal(await page.locator(`#ack-conflict-${work.conflicts.trees[0].id}-error`).textContent(), 'Bitte begründen Sie, warum der Konflikt hingenommen wird.');
  await axe(page, '#screen-review', 'acknowledgement form 1280');
  await screenshot(page, 'review-ack-form');
  await page.locator(`#ack-conflict-${work.conflicts.trees[0].id}-comment`).fill('Handschachtung als Auflage');
  await page.locator(`#ack-conflict-${work.conflicts.trees[0].id} button[type=submit]`).click();
  await page.locator('#review-conflicts tbody tr [data-acknowledged="true"]').waitFor();
  assert.equal(await page.locator('#review-note').textContent(), 'Bestätigung gespeichert.');
  assert.equal(await page.locator('#review-comment').inputValue(), 'Noch offen: Zufahrt');
  await page.locator(`[data-ack="ack-clash-${clashes[0].id}"]`).click();
  await page.locator(`#ack-clash-${clashes[0].id}-comment`).fill('Gemeinsamer Graben abgestimmt');
  await page.locator(`#ack-clash-${clashes[0].id} button[type=submit]`).click();
  await page.locator('#review-clashes tbody tr [data-acknowledged="true"]').waitFor();
  const stored = (await call(env.base, 'GET', `/collections/works/items/${work.id}/conflicts`, { key: k.planner })).body.conflicts;
  assert.deepEqual(
    [stored.trees[0].properties.acknowledgement_comment, stored.trees[0].properties.acknowledged_by, stored.works[0].acknowledgement_comment],
    ['Handschachtung als Auflage', 'Paul Planer', 'Gemeinsamer Graben abgestimmt'],
  );
  assert.match(await page.locator('#review-conflicts tbody tr .ack-comment').textContent(), /Handschachtung als Auflage/);
  await assertFits(page);
  await screenshot(page, 'review-decided');

  // The statement, fetched with the key, shown and printed in a window of its own.
  const popup = context.waitForEvent('page');
  await page.locator('#review-print').click();
  const statement = await popup;
  await statement.waitForFunction(() => document.title.includes('Stellungnahme RD-CRIT'), null, { timeout: 20000 });
  await page.waitForFunction(() => window.__rootzoneStatementPrints === 1);
  const text = await statement.evaluate(() => document.body.innerText);
  for (const expected of ['RD-CRIT', 'Stadtwerke Konstanz', '3658', conditions, 'Paul Planer']) assert.ok(text.includes(expected), `the statement names ${expected}`);
  assert.ok(await statement.evaluate(() => document.querySelector('svg') !== null), 'with its sketch');
  // Its stylesheet applies (through the CSSOM: the page's CSP refuses inline style).
  assert.ok(await statement.evaluate(() => document.adoptedStyleSheets.length === 1 && document.adoptedStyleSheets[0].cssRules.length > 5));
  await statement.setViewportSize({ width: 1000, height: 1200 });
  await statement.screenshot({ path: `${process.env.ROOTZONE_WEB_TEST_DIR}/screenshots/review-statement-1000.png` });
  await statement.close();
  assertClean();
});

test('a work under review at 375 x 667: usable, axe, screenshots', async () => {
  const tree = await theTree(env.base);
  const work = await submit(env.base, keys().contractor, pit('RD-PHONE', 'Baugrube im Wurzelbereich', offset(tree.geometry.coordinates, 5.5), berlin('2029-05-07', '08:00'), berlin('2029-05-11', '17:00')));
  assert.deepEqual(severitiesOf(work), [[tree.id, 'high']]);
  const { page, assertClean } = await plannerPage(env.browser, env.base, { viewport: phone });
  // Found by the search, its panel offers the review to the planner.
  await page.locator('#search-input').fill('RD-PHONE');
  await page.locator('#search-input').press('Enter');
  await page.locator('#panel [data-action="review"]').click();
  await page.waitForFunction((id) => {
    const w = document.querySelector('#review-work');
    return w?.dataset.workId === String(id) && w.getAttribute('aria-busy') === 'false';
  }, work.id, { timeout: 20000 });
  assert.equal(await page.locator('#panel').isHidden(), true);
  assert.equal(await page.locator('#review-conflicts tbody tr[data-severity="high"]').count(), 1);
  await assertFits(page);
  await axe(page, '#screen-review', 'review 375');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(wide, 0, 'no horizontal scroll');
  const past = await page.evaluate(() =>
    [...document.querySelectorAll('#review-work *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => `${e.tagName}.${e.className} ${e.textContent.slice(0, 30)}`),
  );
  assert.deepEqual(past, [], 'nothing of the review reaches past the right edge');
  await screenshot(page, 'review-work');
  await page.locator('#review-conflicts').scrollIntoViewIfNeeded();
  await screenshot(page, 'review-work-table');
  await page.locator('#review-decision').scrollIntoViewIfNeeded();
  await screenshot(page, 'review-work-decision');
  // In English the review is made anew in English words.
  await page.getByRole('button', { name: 'EN – English' }).click();
  await page.waitForFunction(() => document.querySelector('#review-conflicts-section-heading')?.textContent === 'Conflicts with trees (1)', null, { timeout: 20000 });
  assert.equal(await page.locator('#review-conflicts tbody tr td').nth(3).textContent(), 'high');
  assert.equal(await page.locator('#review-back').textContent(), '← Back to the queue');
  await page.locator('#review-back').click();
  await page.locator('#review-queue').waitFor();
  assert.equal(await page.locator('label[for="review-status"]').textContent(), 'Status');
  assert.equal(await page.locator('#review-draw-rectangle').textContent(), 'Draw a rectangle');
  assertClean();
});
