// Every screen of the page at 375 x 667 and 1280 x 800: no serious or critical accessibility
// violation (axe-core), no horizontal scrolling, touch targets of at least 44 x 44 px, and a
// screenshot of each into the build folder (tests/web/screenshots) to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, keys, mapReady, openPage, phone, requireWeb, screenshot, serverAndBrowser, signIn, touchMapCentre, treeWhere, viewOf } from './fixture.mjs';

const { default: AxeBuilder } = requireWeb('@axe-core/playwright');
const env = serverAndBrowser();

async function noSeriousViolations(page, screen) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(bad, [], `axe on ${screen} at ${page.viewportSize().width} px`);
}

async function noHorizontalScroll(page, screen) {
  const widths = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    view: window.innerWidth,
  }));
  assert.ok(widths.doc <= widths.view && widths.body <= widths.view, `${screen}: ${JSON.stringify(widths)}`);
}

// Every visible control a finger must hit; a checkbox counts through its label.
async function touchTargets(page, screen) {
  const small = await page.evaluate(() => {
    const out = [];
    const controls = document.querySelectorAll('button, a[href], input:not([type=checkbox]), select, textarea, summary, label.switch');
    for (const e of controls) {
      const r = e.getBoundingClientRect();
      const style = getComputedStyle(e);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (r.right < 0 || r.bottom < 0 || r.left > innerWidth || r.top > innerHeight) continue; // off screen (skip link)
      if (e.closest('dialog') && !e.closest('dialog').open) continue;
      if (r.width < 44 || r.height < 44) out.push(`${e.tagName.toLowerCase()}#${e.id || ''}.${e.className} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
  assert.deepEqual(small, [], `${screen}: touch targets under 44 px`);
}

async function checkScreen(page, screen) {
  await screenshot(page, screen);
  await noHorizontalScroll(page, screen);
  await touchTargets(page, screen);
  await noSeriousViolations(page, screen);
}

for (const viewport of [phone, desktop]) {
  test(`every screen at ${viewport.width} px: axe, no horizontal scroll, 44 px targets`, async () => {
    const tree = await treeWhere(env.base, { source_id: '4' });
    const { page, assertClean } = await openPage(env.browser, env.base, { viewport, path: viewOf(tree, 17) });
    await mapReady(page);
    await checkScreen(page, 'screen-map');

    // The legend folded on phones, open on desktops; both ways once.
    await page.locator('#legend summary').click();
    await checkScreen(page, 'screen-legend');
    await page.locator('#legend summary').click();

    await page.evaluate(() => window.__rootzoneMap.jumpTo({ zoom: 19 }));
    await mapReady(page);
    await touchMapCentre(page);
    await page.locator('#panel .feature').waitFor();
    await checkScreen(page, 'screen-panel');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.locator('#sign-in-dialog').waitFor();
    await checkScreen(page, 'screen-sign-in');
    await page.getByRole('button', { name: 'Abbrechen' }).click();

    await signIn(page, keys().field_staff);
    await mapReady(page);
    await checkScreen(page, 'screen-field-map');
    for (const [name, label] of [['near', 'In der Nähe'], ['due', 'Kontrollen fällig']]) {
      await page.locator('#tabbar').getByRole('button', { name: label }).click();
      await page.locator(`#screen-${name}`).waitFor();
      await checkScreen(page, `screen-${name}`);
    }
    await page.locator('#tabbar').getByRole('button', { name: 'Karte' }).click();

    await page.getByRole('button', { name: 'EN – English' }).click();
    await checkScreen(page, 'screen-english');
    assertClean();
  });
}

test('keyboard: the skip link, search, legend and sign-in are reached in order with a visible focus', async () => {
  const { page, assertClean } = await openPage(env.browser, env.base, { viewport: desktop });
  await mapReady(page);
  const order = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    order.push(
      await page.evaluate(() => {
        const e = document.activeElement;
        const outline = getComputedStyle(e).outlineStyle;
        return `${e.id || e.tagName.toLowerCase()}:${outline !== 'none' ? 'visible' : 'none'}`;
      }),
    );
  }
  assert.deepEqual(order.slice(0, 5), ['a:visible', 'search-input:visible', 'button:visible', 'lang-switch:visible', 'sign-in:visible']);
  assertClean();
});
