// The field screens at 375 x 667 and 1280 x 800: axe-core finds no serious or critical
// violation on the near and due lists and the edit, inspection and felling forms; screenshots of
// each into the build folder; no console error, no failed request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, desktop, phone, screenshot, serverAndBrowser } from './fixture.mjs';
import { assertPhoneLayout, fieldPage, openScreen, waitForList } from './field-support.mjs';


const env = serverAndBrowser();

for (const viewport of [phone, desktop]) {
  test(`field screens at ${viewport.width} px: axe, layout, screenshots`, async () => {
    const { page, assertClean } = await fieldPage(env.browser, env.base, { viewport });
    const size = viewport.width;
    await openScreen(page, 'due');
    await waitForList(page, 'due');
    await axe(page, '#screen-due', `due ${size}`);
    await screenshot(page, 'field-due-screen');
    await openScreen(page, 'near');
    const ids = await waitForList(page, 'near');
    await axe(page, '#screen-near', `near ${size}`);
    if (size === phone.width) await assertPhoneLayout(page, '#screen-near');
    await screenshot(page, 'field-near-screen');
    await page.locator(`#screen-near [data-tree-id="${ids[0]}"]`).click();
    await page.locator('#panel-body .feature').waitFor();
    await axe(page, '#panel', `panel ${size}`);
    await screenshot(page, 'field-panel');
    for (const [action, form] of [['edit', '#edit-form'], ['inspect', '#inspection-form'], ['fell', '#felling-form']]) {
      await page.locator(`#panel [data-action="${action}"]`).click();
      await page.locator(form).waitFor();
      // The refusal state too: every error line is part of what is checked.
      if (action === 'fell') {
        await page.locator(`${form} button[type=submit]`).click();
        await page.locator(`${form} .form-summary`).waitFor();
      }
      await axe(page, '#panel', `${action} ${size}`);
      if (size === phone.width) await assertPhoneLayout(page, '#panel');
      await screenshot(page, `field-${action}-form`);
      await page.locator(`${form} .form-actions .text-button`).click();
      await page.locator('#panel-body .feature').waitFor();
    }
    assertClean();
  });
}
