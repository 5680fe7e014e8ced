// Drawing faster than the server previews for one key (serve --preview-rate 0.5 --preview-burst
// 1: one preview, then one per 2 s): the 429 is not an error on the page but a calm note with
// the server's Retry-After, and the preview is asked again by itself after it, answering for the
// latest drawing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, screenshot, serverAndBrowser } from './fixture.mjs';
import { axe, contractorPage, offset, openNewWork, previewShown, tapAt, trenchTree } from './works-support.mjs';

const env = serverAndBrowser(['--preview-rate', '0.5', '--preview-burst', '1']);

test('a 429 from the preview: a calm note, then the preview by itself', async () => {
  const { at } = await trenchTree(env.base);
  const { page, assertClean } = await contractorPage(env.browser, env.base, { viewport: desktop, centre: offset(at, 30, 30), allowed: ['429 /collections/works/preview'] });
  await openNewWork(page);
  await page.locator('#draw-point').click();
  const limited = page.waitForResponse((r) => r.url().endsWith('/collections/works/preview') && r.status() === 429, { timeout: 15000 });
  // Two previews within 2 s: the drawn point, then its radius changed at once.
  await tapAt(page, offset(at, 30, 30));
  await page.waitForTimeout(300);
  await page.locator('#work-form [name="radius_m"]').fill('3');
  const answer = await limited;
  // Asked again after Retry-After (by itself), with the radius typed meanwhile.
  const again = page.waitForRequest((r) => r.url().endsWith('/collections/works/preview') && r.method() === 'POST', { timeout: 15000 });
  const retry = Number(answer.headers()['retry-after']);
  assert.ok(retry >= 1, `Retry-After ${retry}`);
  const status = page.locator('#work-preview-status[data-state="limited"]');
  await status.waitFor();
  assert.equal(await status.textContent(), `Sie zeichnen schneller, als der Server prüfen mag. Die Prüfung folgt in ${retry} s von selbst.`);
  await screenshot(page, 'works-preview-limited');
  await axe(page, '#panel', 'limited');
  const body = (await again).postDataJSON();
  assert.equal(body.properties.radius_m, 3);
  await previewShown(page, 0);
  assert.equal(await page.evaluate(() => window.__rootzoneLastPreview.properties.radius_m), 3, 'the answer is for the latest drawing');
  assertClean();
});
