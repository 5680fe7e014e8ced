// Sign-in with an API key: the header shows who is signed in; the key lives in sessionStorage
// only and goes to rootzone's origin only; a wrong key is refused in the dialog; a key revoked
// during the session signs the page out with a message.
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binary, keys, mapReady, openPage, phone, desktop, screenshot, serverAndBrowser, signIn } from './fixture.mjs';

const env = serverAndBrowser();

test('sign-in with a field staff key shows name and role; sign-out forgets the key', async () => {
  const key = keys().field_staff;
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: phone });
  await mapReady(page);
  const sentKeys = [];
  page.on('request', (r) => {
    const auth = r.headers().authorization;
    if (auth) sentKeys.push({ url: r.url(), auth });
  });
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await screenshot(page, 'sign-in-dialog');
  await page.getByRole('textbox', { name: 'API-Schlüssel' }).fill(key);
  await page.locator('#sign-in-submit').click();
  await page.locator('#who').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#who-name').textContent(), 'Erika Kontrolleurin');
  assert.equal(await page.locator('#who-role').textContent(), 'Baumkontrolle');
  await mapReady(page);
  await screenshot(page, 'signed-in');
  // Kept for this tab only: not in localStorage, not in a cookie, not in the URL.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('rootzone.apiKey')), key);
  assert.equal(await page.evaluate(() => JSON.stringify(localStorage).includes('rz_')), false);
  assert.equal((await page.context().cookies()).length, 0);
  assert.ok(!page.url().includes(key));
  // Sent, and only to this origin: the tiles after sign-in carry it.
  assert.ok(sentKeys.some((s) => s.url.includes('/tiles/city/')), 'tiles are fetched with the key');
  for (const s of sentKeys) {
    assert.equal(new URL(s.url).origin, env.base);
    assert.equal(s.auth, `Bearer ${key}`);
  }
  // A reload keeps the session (sessionStorage), a sign-out ends it.
  await page.reload();
  await page.locator('#who').waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.getByRole('button', { name: 'Anmelden' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('rootzone.apiKey')), null);
  assertClean();
});

test('a contractor sees its organisation in the header (1280 px)', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: desktop });
  await mapReady(page);
  await signIn(page, keys().contractor);
  assert.equal(await page.locator('#who-role').textContent(), 'Auftragnehmer · Stadtwerke Konstanz');
  await screenshot(page, 'signed-in');
  assertClean();
});

test('a wrong key is refused in the dialog and nothing is kept', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { allowed: ['401 /me'] });
  await mapReady(page);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('textbox', { name: 'API-Schlüssel' }).fill('rz_000000000000_notakeynotakeynotakeynotakeynotakeynotakey1');
  await page.locator('#sign-in-submit').click();
  const error = page.locator('#sign-in-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /nicht angenommen/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('rootzone.apiKey')), null);
  assertClean();
});

test('a key revoked during the session: the page says so and signs out', async () => {
  // A key of its own, so the other tests keep theirs.
  const out = execFileSync(binary, ['users', 'add', 'Kurz Zeit', '--role', 'field_staff', '--db', env.server.db], { encoding: 'utf8' });
  const key = /^key for .*: (rz_\S+)$/m.exec(out)[1];
  const prefix = key.split('_')[1];
  const { page, assertClean } = await openPage(env.browser, env.base, { allowed: ['401 /'] });
  await mapReady(page);
  await signIn(page, key);
  execFileSync(binary, ['users', 'revoke', prefix, '--db', env.server.db]);
  // The next request with the key (a panel, a search) meets the 401.
  await page.locator('#search-input').fill('4');
  await page.locator('#search-input').press('Enter');
  await page.getByRole('button', { name: 'Anmelden' }).waitFor();
  const notice = page.locator('#notice');
  assert.match(await notice.textContent(), /nicht mehr gültig.*widerrufen|nicht mehr gültig/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('rootzone.apiKey')), null);
  await screenshot(page, 'key-revoked');
  assertClean();
});
