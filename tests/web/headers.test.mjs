// The page's security headers as the browser receives them, and the CSP in force: an inline
// script and eval are refused, MapLibre's worker runs from our own file (the map draws).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, mapReady, openPage, serverAndBrowser } from './fixture.mjs';

const env = serverAndBrowser();

test('/map carries its security headers and the CSP refuses inline script and eval', async () => {
  const { page, context } = await openPage(env.browser, env.base, { viewport: desktop, path: '/health' });
  const res = await page.goto(`${env.base}/map`);
  const h = res.headers();
  assert.equal(res.status(), 200);
  assert.match(h['content-security-policy'], /(^|; )script-src 'self'(;|$)/);
  assert.match(h['content-security-policy'], /(^|; )worker-src 'self'(;|$)/);
  assert.match(h['content-security-policy'], /(^|; )connect-src 'self'(;|$)/);
  assert.match(h['content-security-policy'], /(^|; )frame-ancestors 'none'(;|$)/);
  assert.doesNotMatch(h['content-security-policy'], /unsafe-(inline|eval)/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(h['referrer-policy'], 'no-referrer');
  await mapReady(page);

  const blocked = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    // A string given to setTimeout is evaluated like eval, by the page's own timer (code run
    // by the test driver itself is exempt from the page's CSP, so eval() here would prove nothing).
    setTimeout('window.__evalRan = true', 0);
    await new Promise((r) => setTimeout(r, 200));
    return { inline: window.__inlineRan === true, evalRan: window.__evalRan === true, violations };
  });
  assert.equal(blocked.inline, false, 'inline script refused');
  assert.equal(blocked.evalRan, false, 'eval refused');
  assert.ok(blocked.violations.includes('script-src-elem'), JSON.stringify(blocked.violations));
  assert.ok(blocked.violations.includes('script-src'), JSON.stringify(blocked.violations));

  // Every asset the page loaded came from rootzone itself.
  const origins = await page.evaluate(() => [...new Set(performance.getEntriesByType('resource').map((e) => new URL(e.name).origin))]);
  assert.deepEqual(origins, [env.base]);
  await context.close();
});
