// bench/web: how long a person waits for the map page, and how many bytes of script and style
// the first load costs. For each store given, a real `rootzone serve` and Debian's chromium
// (playwright-core from web/node_modules): 10 cold loads (a new browser context each, so no
// HTTP cache) of /map at a fixed view, each timed from navigation start to the map's first
// `idle` event with trees drawn (performance.now() in the page, so the browser's own clock).
// Prints a Markdown table row per store: median, min, max and the gzipped script+style bytes.
//
// node bench/web/first_idle.mjs BINARY NAME=STORE.sqlite@ZOOM/LAT/LON [...]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = createRequire(join(root, 'web', 'package.json'))('playwright-core');
const runs = Number(process.env.ROOTZONE_WEB_RUNS ?? 10);

function serve(binary, db) {
  const proc = spawn(binary, ['serve', '--db', db, '--host', '127.0.0.1', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rootzone serve did not start:\n${log}`)), 120000);
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ base: m[1], stop: () => new Promise((r) => { proc.on('exit', r); proc.kill('SIGTERM'); }) });
      }
    });
    proc.on('exit', (code) => reject(new Error(`rootzone serve exited with ${code}:\n${log}`)));
  });
}

// One cold load: milliseconds to the first idle with trees drawn, and the bytes on the wire of
// every script and style response (compressed size as transferred).
async function load(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const sized = [];
  page.on('requestfinished', (req) => {
    const type = req.resourceType();
    if (type === 'script' || type === 'stylesheet') sized.push(req.sizes().then((s) => s.responseBodySize));
  });
  // The test flag publishes the map object; the first idle with a tree rendered is recorded.
  await page.addInitScript(() => {
    window.__rootzoneTest = true;
    const wait = setInterval(() => {
      const map = window.__rootzoneMap;
      if (!map) return;
      clearInterval(wait);
      const check = () => {
        if (map.queryRenderedFeatures({ layers: ['trees'] }).length > 0) window.__firstIdle = performance.now();
        else map.once('idle', check);
      };
      map.once('idle', check);
    }, 1);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__firstIdle !== undefined, null, { timeout: 60000, polling: 50 });
  const ms = await page.evaluate(() => window.__firstIdle);
  const bytes = (await Promise.all(sized)).reduce((a, b) => a + b, 0);
  await context.close();
  return { ms, bytes };
}

const [binary, ...stores] = process.argv.slice(2);
if (!binary || stores.length === 0) {
  console.error('usage: node bench/web/first_idle.mjs BINARY NAME=STORE.sqlite@ZOOM/LAT/LON ...');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.ROOTZONE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
console.log('| store | view | first load (server cache empty) | first idle with trees, median of ' + runs + ' (min-max) | script+style transferred |');
console.log('|---|---|---|---|---|');
for (const spec of stores) {
  const [name, rest] = spec.split('=');
  const [db, view] = rest.split('@');
  const server = await serve(binary, db);
  // The first load finds the server's tile cache empty (tiles rendered on demand); the runs
  // after it are what every later visitor of that view gets.
  const cold = await load(browser, `${server.base}/map#map=${view}`);
  const results = [];
  for (let i = 0; i < runs; ++i) results.push(await load(browser, `${server.base}/map#map=${view}`));
  await server.stop();
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const median = (ms[(ms.length - 1) >> 1] + ms[ms.length >> 1]) / 2;
  console.log(`| ${name} | ${view} | ${cold.ms.toFixed(0)} ms | ${median.toFixed(0)} ms (${ms[0].toFixed(0)}-${ms.at(-1).toFixed(0)}) | ${(results[0].bytes / 1024).toFixed(1)} KiB |`);
}
await browser.close();
