// Time from navigation to the map's first `idle` with trees drawn, and the bytes of script and
// style the first load transfers (issue 13's bench/web). Headless Debian chromium on loopback
// against a running `rootzone serve`; a fresh browser context per run (cold HTTP cache).
// Usage: node bench/web/first_idle.mjs http://127.0.0.1:8080 [runs=10]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = createRequire(join(root, 'web', 'package.json'))('playwright-core');
const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const runs = Number(process.argv[3] ?? 10);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const times = [];
let transferred = {};
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__rootzoneTest = true;
  });
  const started = Date.now();
  await page.goto(`${base}/map`);
  await page.waitForFunction(
    () => {
      const m = window.__rootzoneMap;
      return m && m.loaded() && m.areTilesLoaded() && m.queryRenderedFeatures({ layers: ['trees'] }).length > 0;
    },
    null,
    { polling: 'raf', timeout: 60000 },
  );
  times.push(Date.now() - started);
  transferred = await page.evaluate(() => {
    const sum = (f) => performance.getEntriesByType('resource').filter(f).reduce((s, e) => s + e.transferSize, 0);
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      script: sum((e) => /\.(m?js)$/.test(new URL(e.name).pathname)),
      style: sum((e) => new URL(e.name).pathname.endsWith('.css')),
      page: nav.transferSize,
      tiles: sum((e) => new URL(e.name).pathname.startsWith('/tiles/')),
    };
  });
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(JSON.stringify({ runs, median_ms: median, min_ms: times[0], max_ms: times[times.length - 1], bytes: transferred }, null, 1));
