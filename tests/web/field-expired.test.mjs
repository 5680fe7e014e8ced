// When sending fails the queue keeps the write and says why. A 503 (the server busy or behind
// a proxy that lost it): kept, "Server nicht erreichbar", sent on "Jetzt senden". A key that
// stopped working (the user disabled with `rootzone users disable` while signed in): the page
// says the sign-in expired and signs out, the write stays queued through a reload, and goes out
// after the next sign-in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, screenshot, signIn, startServer, launchBrowser, serverAndBrowser } from './fixture.mjs';
import { fieldPage, openScreen, rootzone, tree, waitForList, waitingCount } from './field-support.mjs';

const env = serverAndBrowser();

async function openEdit(page, id) {
  await openScreen(page, 'near');
  await page.locator(`#screen-near [data-tree-id="${id}"]`).click();
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor();
  await page.locator('#panel [data-action="edit"]').click();
}

async function save(page, height) {
  await page.locator('#edit-form [name="height_m"]').fill(height);
  await page.locator('#edit-form button[type=submit]').click();
}

test('a 503 and an expired key keep the queue and say so', async () => {
  const { page, assertClean } = await fieldPage(env.browser, env.base, {
    allowed: ['503 /collections/trees/items/', '401 /collections/trees/items/', '401 /me'],
  });
  await openScreen(page, 'near');
  const [id] = await waitForList(page, 'near');
  const version = (await tree(env.base, id)).body.properties.version;

  const path = `**/collections/trees/items/${id}`;
  await page.route(path, (route) =>
    route.request().method() === 'PATCH'
      ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the store is busy' }) })
      : route.continue(),
  );
  await openEdit(page, id);
  await save(page, '22');
  await page.locator('#outbox-bar .outbox-count').waitFor();
  // The bar settles on the send's outcome; on a loaded machine it may first show another state.
  await page.waitForFunction(() => /Server nicht erreichbar/.test(document.querySelector('#outbox-bar').textContent), null, { timeout: 20000 }).catch(() => {});
  assert.match(await page.locator('#outbox-bar').textContent(), /Warten auf Versand \(1\).*Server nicht erreichbar/);
  await page.waitForFunction(() => /Server antwortet nicht/.test(document.querySelector('#notice').textContent), null, { timeout: 20000 }).catch(() => {});
  assert.match(await page.locator('#notice').textContent(), /Server antwortet nicht/);
  await page.locator(`#panel-body .feature[data-id="${id}"]`).waitFor(); // the panel, not a blank page
  await screenshot(page, 'field-unavailable');
  await page.unroute(path);
  await page.locator('#outbox-bar [data-action="send-now"]').click();
  await page.waitForFunction(() => document.querySelector('#outbox-bar').hidden);
  assert.equal((await tree(env.base, id)).body.properties.height_m, 22);
  assert.equal((await tree(env.base, id)).body.properties.version, version + 1);

  // The form is open when the key stops working; its save is the next request.
  await openEdit(page, id);
  rootzone('users', 'disable', 'Erika Kontrolleurin', '--db', env.server.db);
  await save(page, '23');
  await page.locator('#sign-in').waitFor({ state: 'visible' });
  await page.locator('#outbox-bar .outbox-count').waitFor();
  // The save or a tile request, whichever met the 401 first, signed out; both say so.
  assert.match(await page.locator('#notice').textContent(), /Ihre Anmeldung ist nicht mehr gültig/);
  assert.equal(await waitingCount(page), 1);
  assert.match(await page.locator('#outbox-bar').textContent(), /anmelden/);
  await screenshot(page, 'field-expired');

  await page.reload();
  await page.locator('#outbox-bar .outbox-count').waitFor();
  assert.equal(await waitingCount(page), 1, 'kept through a reload');
  assert.equal((await tree(env.base, id)).body.properties.height_m, 22, 'not sent');

  rootzone('users', 'enable', 'Erika Kontrolleurin', '--db', env.server.db);
  await signIn(page, keys().field_staff);
  await page.waitForFunction(() => document.querySelector('#outbox-bar').hidden, null, { timeout: 20000 });
  assert.equal((await tree(env.base, id)).body.properties.height_m, 23);
  assertClean();
});

// The server's write limit (serve --write-rate, docs/RELIABILITY.md): a 429 is not a refusal.
// The write stays queued and goes out by itself, never before the answer's Retry-After.
test('a 429 keeps the write and sends it by itself after Retry-After', async () => {
  const { page, assertClean } = await fieldPage(env.browser, env.base, {
    allowed: ['429 /collections/trees/items/'],
  });
  await openScreen(page, 'near');
  const [id] = await waitForList(page, 'near');
  const version = (await tree(env.base, id)).body.properties.version;
  const path = `**/collections/trees/items/${id}`;
  const patches = [];
  await page.route(path, (route) => {
    if (route.request().method() !== 'PATCH') return route.continue();
    patches.push(Date.now());
    return patches.length === 1
      ? route.fulfill({ status: 429, headers: { 'Retry-After': '3' }, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Too Many Requests', status: 429, detail: 'writes: at most 20 per second per API key' }) })
      : route.continue();
  });
  await openEdit(page, id);
  await save(page, '24');
  await page.locator('#outbox-bar .outbox-count').waitFor();
  await page.waitForFunction(() => document.querySelector('#outbox-bar').hidden, null, { timeout: 40000 });
  assert.equal(patches.length, 2, 'sent once more, without the user');
  assert.ok(patches[1] - patches[0] >= 3000, `the retry waited for Retry-After (${patches[1] - patches[0]} ms)`);
  const after = (await tree(env.base, id)).body.properties;
  assert.equal(after.height_m, 24);
  assert.equal(after.version, version + 1);
  await page.unroute(path);
  assertClean();
});
