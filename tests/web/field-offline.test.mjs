// Nothing is lost offline: with the context offline, two trees are edited and an inspection is
// recorded (the panels open from the phone's copy); the tab is closed; meanwhile another field
// staff member changes the second tree through the API. Back online in a new tab the queue waits
// for the sign-in (the key lived in the closed tab), then goes out in order: the first edit
// lands, the second meets a 412 and the merge view shows the server's values beside the user's;
// one field is kept, one taken from the server; then the inspection. The store and the
// histories have exactly that, in that order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, phone, requireWeb, screenshot, signIn, startServer, launchBrowser, serverAndBrowser } from './fixture.mjs';
import { addFieldUser, assertPhoneLayout, call, fieldPage, here, historyOf, inspectionsOf, openScreen, tree, waitForList, waitingCount, watch } from './field-support.mjs';

const env = serverAndBrowser();

async function openFromList(page, id) {
  await openScreen(page, 'near');
  await page.locator(`#screen-near [data-tree-id="${id}"]`).click();
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
}

async function saveEdit(page, values) {
  await page.locator('#panel [data-action="edit"]').click();
  await page.locator('#edit-form').waitFor();
  for (const [name, v] of Object.entries(values)) await page.locator(`#edit-form [name="${name}"]`).fill(v);
  await page.locator('#edit-form button[type=submit]').click();
  await page.locator('#panel-body .feature').waitFor();
}

test('offline edits and an inspection survive a closed tab and arrive in order, with a merge', async () => {
  const { page, context, problems } = await fieldPage(env.browser, env.base, { allowed: ['412 /collections/trees/items/'] });
  await openScreen(page, 'near');
  const ids = await waitForList(page, 'near');
  const [a, b] = ids;
  const aBefore = (await tree(env.base, a)).body.properties;
  const bBefore = (await tree(env.base, b)).body.properties;
  await openFromList(page, a);

  await context.setOffline(true);
  await saveEdit(page, { height_m: '21' });
  assert.equal(await waitingCount(page), 1);
  assert.equal(await page.locator('#panel .pending-note').count(), 1, 'the panel shows the pending values');
  assert.equal(await page.locator('#panel [data-field="height_m"] dd').textContent(), '21');
  await openFromList(page, b); // offline: the list is the last one, the panel the phone's copy
  await saveEdit(page, { crown_diameter_m: '9', height_m: '17' });
  await openFromList(page, a);
  await page.locator('#panel [data-action="inspect"]').click();
  await page.getByLabel('Befund').fill('Offline erfasst');
  await page.locator('#inspection-form button[type=submit]').click();
  await page.locator('#panel-body .feature').waitFor();
  assert.equal(await waitingCount(page), 3);
  assert.match(await page.locator('#outbox-bar').textContent(), /Warten auf Versand \(3\).*offline/);
  await assertPhoneLayout(page, 'body');
  await screenshot(page, 'field-offline-queue');
  assert.equal((await tree(env.base, a)).body.properties.version, aBefore.version, 'nothing sent yet');

  // Meanwhile, another field staff member changes tree b.
  const otto = await addFieldUser(env.server.db, 'Otto Zweitkontrolle');
  const cur = await tree(env.base, b);
  const concurrent = await call(env.base, 'PATCH', `/collections/trees/items/${b}`, {
    key: otto, ifMatch: cur.etag, body: { properties: { crown_diameter_m: 12, height_m: 30 } },
  });
  assert.equal(concurrent.status, 200, JSON.stringify(concurrent.body));

  // The tab is closed while offline; the network returns; a new tab opens.
  await page.close();
  await context.setOffline(false);
  const tab = await context.newPage();
  const tabProblems = watch(tab, ['412 /collections/trees/items/']);
  await tab.goto(env.base + '/map');
  await tab.locator('#outbox-bar .outbox-count').waitFor();
  assert.equal(await waitingCount(tab), 3, 'the queue survived the closed tab');
  assert.match(await tab.locator('#outbox-bar').textContent(), /anmelden/, 'it waits for a sign-in');
  await signIn(tab, keys().field_staff);

  // a goes out; b meets the concurrent change: the merge view.
  const merge = tab.locator('#merge-form');
  await merge.waitFor({ timeout: 20000 });
  assert.equal(await merge.locator('[data-field="crown_diameter_m"] .merge-server').textContent(), '12');
  assert.equal(await merge.locator('[data-field="crown_diameter_m"] .merge-mine').textContent(), '9');
  assert.equal(await merge.locator('[data-field="height_m"] .merge-server').textContent(), '30');
  assert.equal(await merge.locator('[data-field="height_m"] .merge-mine').textContent(), '17');
  assert.equal(await waitingCount(tab), 2, 'b and the inspection wait behind the merge');
  await assertPhoneLayout(tab, '#panel');
  await screenshot(tab, 'field-merge');
  const { AxeBuilder } = requireWeb('@axe-core/playwright');
  const axe = await new AxeBuilder({ page: tab }).include('#panel').include('#outbox-bar').analyze();
  assert.deepEqual(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), [], 'the merge view passes axe');
  await merge.locator('[data-field="crown_diameter_m"] input[value="server"]').check();
  await merge.locator('button[type=submit]').click();
  await tab.waitForFunction(() => document.querySelector('#outbox-bar').hidden, null, { timeout: 20000 });

  const aAfter = (await tree(env.base, a)).body.properties;
  const bAfter = (await tree(env.base, b)).body.properties;
  assert.equal(aAfter.height_m, 21);
  assert.equal(bAfter.height_m, 17, 'mine kept');
  assert.equal(bAfter.crown_diameter_m, 12, "the server's taken");
  assert.equal(bAfter.version, bBefore.version + 2, "Otto's change and the merged one");
  const inspections = await inspectionsOf(env.base, a);
  assert.equal(inspections.length, 1);
  assert.equal(inspections[0].findings, 'Offline erfasst');
  assert.equal(inspections[0].inspector, 'Erika Kontrolleurin');

  // In order: a's edit, then b's merged edit (after Otto's), then a's inspection.
  const aHistory = await historyOf(env.base, a);
  const bHistory = await historyOf(env.base, b);
  const aEdit = aHistory.find((c) => c.field === 'height_m' && c.new_value === '21');
  const aInspection = aHistory.find((c) => c.field === 'last_inspection' && c.user === 'Erika Kontrolleurin');
  const otto12 = bHistory.find((c) => c.field === 'crown_diameter_m' && c.user === 'Otto Zweitkontrolle');
  const bMine = bHistory.find((c) => c.field === 'height_m' && c.user === 'Erika Kontrolleurin');
  assert.ok(aEdit && aInspection && otto12 && bMine, JSON.stringify({ aHistory, bHistory }));
  assert.equal(bMine.old_value, '30');
  assert.equal(bMine.new_value, '17');
  assert.ok(!bHistory.some((c) => c.field === 'crown_diameter_m' && c.user === 'Erika Kontrolleurin'), 'the crown was not sent');
  assert.ok(aEdit.id < bMine.id && bMine.id < aInspection.id, `in order: ${aEdit.id} < ${bMine.id} < ${aInspection.id}`);
  void here;
  void phone;
  void aBefore;
  // Offline, only the map's own tiles may have failed (the panel and lists came from the phone).
  const unexpected = [...problems, ...tabProblems].filter((p) => !/ERR_INTERNET_DISCONNECTED.*\/tiles\//.test(p) && !/^console: .*(ERR_INTERNET_DISCONNECTED|Failed to fetch)/.test(p));
  assert.deepEqual(unexpected, []);
});

test('two tabs sending the same queue record an inspection once', async () => {
  const { page, context, problems } = await fieldPage(env.browser, env.base);
  const second = await context.newPage();
  const secondProblems = watch(second);
  await second.addInitScript(() => {
    window.__rootzoneTest = true;
  });
  await second.goto(env.base + '/map');
  await signIn(second, keys().field_staff);
  await openScreen(page, 'near');
  const ids = await waitForList(page, 'near');
  const id = ids[5];
  await openFromList(page, id);
  // Both maps idle first: a tile still loading when the network goes would log its failure.
  for (const p of [page, second]) {
    await p.waitForFunction(() => window.__rootzoneMap?.loaded() && window.__rootzoneMap.areTilesLoaded(), null, { timeout: 30000, polling: 100 });
  }
  await context.setOffline(true);
  await page.locator('#panel [data-action="inspect"]').click();
  await page.getByLabel('Befund').fill('Zwei Tabs');
  await page.locator('#inspection-form button[type=submit]').click();
  await page.locator('#panel-body .feature').waitFor();
  assert.equal(await waitingCount(page), 1);
  // Both tabs see the network return and both try to send.
  await context.setOffline(false);
  await page.waitForFunction(() => document.querySelector('#outbox-bar').hidden, null, { timeout: 20000 });
  await second.evaluate(() => window.dispatchEvent(new Event('online')));
  await second.waitForTimeout(1500);
  await second.waitForFunction(() => document.querySelector('#outbox-bar').hidden, null, { timeout: 20000 });
  const list = await inspectionsOf(env.base, id);
  assert.deepEqual(list.map((i) => i.findings), ['Zwei Tabs']);
  const unexpected = [...problems, ...secondProblems].filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p));
  assert.deepEqual(unexpected, []);
});
