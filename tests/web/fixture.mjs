// The browser tests' shared fixture: a copy of the store setup_store.mjs made (the Konstanz
// sample, the works feeds, a field staff, a planner and a contractor key), a real
// `rootzone serve` on 127.0.0.1 with a free port, Debian's chromium driven by playwright-core,
// and the watchers every run shares: no console error, no failed request.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

export const sourceDir = process.env.ROOTZONE_SOURCE_DIR;
export const binary = process.env.ROOTZONE_BINARY;
export const outDir = process.env.ROOTZONE_WEB_TEST_DIR;
if (!sourceDir || !binary || !outDir) {
  throw new Error('run from CTest: ROOTZONE_SOURCE_DIR, ROOTZONE_BINARY and ROOTZONE_WEB_TEST_DIR are needed');
}
// The packages are web/'s (web/package-lock.json), not a second install for the tests.
export const requireWeb = createRequire(join(sourceDir, 'web', 'package.json'));
const { chromium } = requireWeb('playwright-core');
const { AxeBuilder } = requireWeb('@axe-core/playwright');

export const storeDir = join(outDir, 'store');
export const screenshotDir = join(outDir, 'screenshots');

export function keys() {
  return JSON.parse(readFileSync(join(storeDir, 'keys.json'), 'utf8'));
}

// Starts `rootzone serve` on a copy of the fixture store; resolves with its base URL.
export async function startServer(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'rootzone-web-'));
  const db = join(dir, 'store.sqlite');
  assert.ok(existsSync(join(storeDir, 'store.sqlite')), 'the web_store fixture (setup_store.mjs) made no store');
  copyFileSync(join(storeDir, 'store.sqlite'), db);
  const proc = spawn(binary, ['serve', '--db', db, '--host', '127.0.0.1', '--port', '0', '--threads', '4', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rootzone serve did not start:\n${log}`)), 20000);
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rootzone serve exited with ${code}:\n${log}`));
    });
  });
  return {
    base,
    db,
    log: () => log,
    async stop() {
      proc.removeAllListeners('exit');
      const exited = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.ROOTZONE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

export const phone = { width: 375, height: 667 };
export const desktop = { width: 1280, height: 800 };

// Records on `page` every console error, page error, failed request and 4xx/5xx answer that
// `allowed` ("status path", e.g. "401 /me") does not name; also for a further tab of a context.
export function watch(page, allowed = []) {
  const problems = [];
  const isAllowed = (text) => allowed.some((a) => text.includes(a));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs every 4xx answer as "Failed to load resource"; those are judged below.
    if (m.text().startsWith('Failed to load resource') && allowed.length > 0) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // MapLibre cancels the tiles it no longer needs when the view moves on: not a failure.
    // The works editor aborts a preview that a newer drawing superseded (web/src/works/preview.ts),
    // the review queue a list that a newer filter superseded (web/src/review/queue_view.ts).
    const path = new URL(r.url()).pathname;
    const superseded = ['/collections/works/preview', '/collections/works/overview'];
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && (path.startsWith('/tiles/') || superseded.includes(path))) return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const text = `${r.status()} ${new URL(r.url()).pathname}`;
    if (!isAllowed(text)) problems.push(`answer: ${text}`);
  });
  return problems;
}

// A page with the test flag set (the map object is published as window.__rootzoneMap) and
// every console error, page error, failed request and 4xx/5xx answer recorded. `allowed`
// lists answers a test provokes on purpose, as "status path" ("401 /me").
export async function openPage(browser, base, { viewport = phone, locale = 'de-DE', path = '/map', allowed = [], timezoneId } = {}) {
  const context = await browser.newContext({ viewport, locale, deviceScaleFactor: 1, hasTouch: viewport.width < 768, ...(timezoneId ? { timezoneId } : {}) });
  const page = await context.newPage();
  const problems = watch(page, allowed);
  await page.addInitScript(() => {
    window.__rootzoneTest = true;
  });
  await page.goto(base + path);
  return {
    page,
    context,
    problems,
    // Fails the test on any console error, failed request or unexpected error answer.
    assertClean() {
      assert.deepEqual(problems, [], 'no console error and no failed request');
    },
  };
}

// Resolves when the map has drawn (idle) with at least one tree rendered.
export async function mapReady(page) {
  await page.waitForFunction(
    () => {
      const m = window.__rootzoneMap;
      return m && m.loaded() && m.areTilesLoaded() && m.queryRenderedFeatures({ layers: ['trees'] }).length > 0;
    },
    null,
    { timeout: 30000, polling: 100 },
  );
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const size = page.viewportSize();
  await page.screenshot({ path: join(screenshotDir, `${name}-${size.width}.png`) });
}

export async function signIn(page, key) {
  await page.getByRole('button', { name: /Anmelden|Sign in/ }).first().click();
  await page.getByRole('textbox', { name: /API-Schlüssel|API key/ }).fill(key);
  await page.locator('#sign-in-submit').click();
  await page.locator('#who').waitFor({ state: 'visible' });
}

// The first tree the API lists with these query parameters.
export async function treeWhere(base, params) {
  const res = await fetch(`${base}/collections/trees/items?${new URLSearchParams({ limit: '1', ...params })}`);
  const body = await res.json();
  assert.ok(body.features.length > 0, `a tree with ${JSON.stringify(params)}`);
  return body.features[0];
}

// One server and one browser for the tests of a file, stopped after them.
export function serverAndBrowser(serverArgs = []) {
  const env = {};
  before(async () => {
    env.server = await startServer(serverArgs);
    env.base = env.server.base;
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

// Clicks (desktop) or taps (phone) the middle of the map.
export async function touchMapCentre(page) {
  const box = await page.locator('#map canvas').boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  if ((page.viewportSize()?.width ?? 1280) < 768) await page.touchscreen.tap(x, y);
  else await page.mouse.click(x, y);
}

export function viewOf(feature, zoom = 19) {
  const [lon, lat] = feature.geometry.coordinates;
  return `/map#map=${zoom}/${lat.toFixed(6)}/${lon.toFixed(6)}`;
}

// axe-core on the part of the page `selector` names: no serious or critical violation.
export async function axe(page, selector, name) {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
}

// Two animation frames: the page has handled the pointer moves sent so far. terra-draw takes a
// drag's or a rectangle's position from the last move it processed, and a busy machine can
// still hold the last one when the button goes up (the vertex then lands short of the target).
export async function nextFrames(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
