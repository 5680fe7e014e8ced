// The work statement printed (issue 14): a planner approves the Stadtwerke Konstanz trench
// (work 1 of the demo works) with conditions, opens its statement with the key in the
// Authorization header, and Chromium prints it to an A4 PDF. pdftotext (Debian's poppler-utils)
// reads the conflict rows and the decision back; no table row is split across two pages; the
// SVG sketch marks every conflicting tree. axe-core on the document, a screenshot and the PDF
// into the build folder's screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { desktop, keys, requireWeb, screenshotDir, serverAndBrowser, watch } from './fixture.mjs';

const { AxeBuilder } = requireWeb('@axe-core/playwright');

const env = serverAndBrowser();
const kConditions = 'Handschachtung im Wurzelbereich; Wurzelbrücke unter Baum 4';

async function approve(base, planner) {
  const auth = { authorization: `Bearer ${planner}` };
  const work = await fetch(`${base}/collections/works/items/1`, { headers: auth });
  assert.equal(work.status, 200);
  const res = await fetch(`${base}/collections/works/items/1/status`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'if-match': work.headers.get('etag') },
    body: JSON.stringify({ to: 'approved', comment: 'Nur mit Auflagen', conditions: kConditions }),
  });
  assert.equal(res.status, 200, await res.text());
}

// Each page's text (pdftotext -layout, one call per page), whitespace collapsed.
function pagesOf(pdf) {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const count = Number(/^Pages:\s+(\d+)/m.exec(info)[1]);
  const pages = [];
  for (let n = 1; n <= count; n += 1) {
    const text = execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), pdf, '-'], { encoding: 'utf8' });
    pages.push(text.replace(/\s+/g, ' '));
  }
  return pages;
}

test('the statement prints on A4 with whole table rows, the decision and every conflicting tree', async () => {
  const { planner } = keys();
  await approve(env.base, planner);
  const context = await env.browser.newContext({
    viewport: desktop,
    locale: 'de-DE',
    extraHTTPHeaders: { authorization: `Bearer ${planner}` },
  });
  const page = await context.newPage();
  const problems = watch(page);
  const res = await page.goto(`${env.base}/collections/works/items/1/statement`);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'text/html; charset=utf-8');
  assert.equal(await page.locator('script').count(), 0, 'no script in the document');

  const rows = await page.$$eval('tr.conflict', (trs) => trs.map((tr) => ({ tree: tr.dataset.tree, text: tr.innerText })));
  assert.ok(rows.length >= 2, `work 1 has conflicts (${rows.length})`);
  const marks = await page.$$eval('svg .conflict-mark', (cs) => cs.map((c) => c.dataset.tree));
  assert.deepEqual([...marks].sort(), rows.map((r) => r.tree).sort(), 'one mark in the sketch per conflicting tree');
  const labels = await page.$$eval('svg .conflicts text.label', (ts) => ts.map((t) => t.textContent));
  assert.deepEqual([...labels].sort(), rows.map((r) => r.tree).sort(), 'each mark labelled with its tree number');

  const axe = await new AxeBuilder({ page }).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, 'statement-1280.png'), fullPage: true });
  const pdf = join(screenshotDir, 'statement.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });

  const pages = pagesOf(pdf);
  const all = pages.join(' ');
  assert.ok(pages.length >= 2, `the statement runs over ${pages.length} pages`);
  assert.ok(all.includes('genehmigt'), 'the decision');
  assert.ok(all.includes(kConditions), 'the conditions');
  assert.ok(all.includes('Paul Planer'), 'who decided');
  assert.ok(all.includes('Nur mit Auflagen'), 'the comment');
  // A row is whole on one page when one page holds every word of it that carries a figure or a
  // name (the tree number, circumference, distance, share, the rule's figures): a row cut in two
  // leaves some of them on each page.
  const words = (text) => text.split(/\s+/).filter((w) => /\d/.test(w) && w.length >= 2);
  for (const row of rows) {
    const wanted = words(row.text);
    assert.ok(wanted.includes(row.tree) || wanted.some((w) => w.includes(row.tree)), `row ${row.tree}: its number`);
    const whole = pages.some((p) => wanted.every((w) => p.includes(w)));
    assert.ok(whole, `row of tree ${row.tree} is whole on one page: ${wanted.join(' ')}`);
  }
  assert.deepEqual(problems, [], 'no console error and no failed request');
  await context.close();
});
