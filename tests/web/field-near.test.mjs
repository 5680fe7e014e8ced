// "In der Nähe" at 375 x 667: from a mocked position, the trees within the radius nearest first
// (the expected order computed here from the API's trees with our own distance function), each
// with its distance, number, species and protected mark; a tap opens the tree's panel on the
// map. Without permission the screen explains the refusal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, screenshot, startServer, serverAndBrowser } from './fixture.mjs';
import { assertPhoneLayout, assertSameList, fieldPage, here, openScreen, treesAround, waitForList } from './field-support.mjs';

const env = serverAndBrowser();

test('trees near a mocked position, nearest first, for each radius', async () => {
  const { page, assertClean } = await fieldPage(env.browser, env.base);
  await openScreen(page, 'near');
  let listed = await waitForList(page, 'near');
  const expected = await treesAround(env.base, here, 100);
  assert.ok(expected.inside.length >= 5, `trees within 100 m of the square: ${expected.inside.length}`);
  assertSameList(listed, expected, 'the default radius (100 m)');

  // The first row: its distance rounded to a metre, its number, species and protected mark.
  const first = expected.inside[0];
  const row = page.locator(`#screen-near [data-tree-id="${first.id}"]`);
  assert.equal(await row.locator('.tree-distance').textContent(), `${Math.round(first.d)} m`);
  assert.equal(await row.locator('.tree-number').textContent(), `Baum ${first.props.source_id}`);
  const species = await row.locator('.tree-species').textContent();
  if (first.props.species_german) assert.ok(species.includes(first.props.species_german), species);
  assert.equal(await row.locator('.mark-protected').count(), first.props.protected ? 1 : 0);
  const protectedListed = await page.locator('#screen-near .mark-protected').count();
  assert.equal(protectedListed, expected.inside.filter((t) => t.props.protected).length, 'every protected tree marked');
  await assertPhoneLayout(page, '#screen-near');
  await screenshot(page, 'field-near');

  await page.locator('#near-radius').selectOption('25');
  await page.waitForFunction(() => document.querySelector('#near-radius').value === '25');
  listed = await waitForList(page, 'near');
  assertSameList(listed, await treesAround(env.base, here, 25), 'radius 25 m');

  // A tap: the map screen with the tree's panel.
  await page.locator('#near-radius').selectOption('100');
  listed = await waitForList(page, 'near');
  await page.locator(`#screen-near [data-tree-id="${first.id}"]`).click();
  await page.locator('#screen-map').waitFor({ state: 'visible' });
  await page.locator(`#panel-body .feature[data-id="${first.id}"]`).waitFor();
  assert.equal(await page.locator('#panel-title').textContent(), `Baum ${first.props.source_id}`);
  assert.equal(await page.locator('#panel [data-action="edit"]').count(), 1, 'field staff may edit');
  assertClean();
});

test('English: the same list in English words and numbers', async () => {
  const { page, assertClean } = await fieldPage(env.browser, env.base);
  await page.locator('#lang-switch').click();
  await openScreen(page, 'near');
  await waitForList(page, 'near');
  const status = await page.locator('#screen-near .list-status').textContent();
  assert.match(status, /^\d+ trees, nearest first$/);
  assert.equal(await page.locator('#screen-near h2').textContent(), 'Trees near me');
  await page.locator('#lang-switch').click();
  assertClean();
});

test('a refused position is explained, with a way to try again', async () => {
  const { page, context, assertClean } = await fieldPage(env.browser, env.base, { geolocation: false });
  await context.clearPermissions();
  await openScreen(page, 'near');
  const status = page.locator('#screen-near .list-status');
  await page.waitForFunction(() => document.querySelector('#screen-near .list-status').dataset.state === 'failed');
  assert.match(await status.textContent(), /Ohne Ihren Standort/);
  assert.equal(await page.locator('#screen-near [data-tree-id]').count(), 0);
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation({ ...here, accuracy: 5 });
  await page.getByRole('button', { name: 'Erneut versuchen' }).click();
  const listed = await waitForList(page, 'near');
  assert.ok(listed.length > 0);
  assertClean();
});

test('the public sees no field screens', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base);
  await page.waitForFunction(() => document.querySelector('#tabbar [data-screen="near"]'));
  assert.equal(await page.locator('#tabbar [data-screen="near"]').isVisible(), false);
  assert.equal(await page.locator('#tabbar [data-screen="due"]').isVisible(), false);
  assertClean();
});
