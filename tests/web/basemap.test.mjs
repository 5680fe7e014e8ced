// serve --basemap: the page draws the basemap's tiles from another origin, the CSP lets them in
// (no console error, no failed request), and the API key never goes there, not even after
// sign-in, while rootzone's own tiles carry it.
import { createServer } from 'node:http';
import { deflateSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { desktop, keys, launchBrowser, mapReady, openPage, screenshot, signIn, startServer } from './fixture.mjs';

// A 256x256 pale green PNG, made here: a tile MapLibre decodes and draws.
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}
function solidPng(size, [r, g, b]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bit, RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3).fill(Buffer.from([r, g, b]))]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const png = solidPng(256, [220, 236, 214]);
const seen = [];
let basemap;
let server;
let browser;

before(async () => {
  basemap = createServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization ?? null, referer: req.headers.referer ?? null });
    // The basemap's own server decides CORS; MapLibre fetches tiles with fetch().
    res.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' });
    res.end(png);
  });
  await new Promise((r) => basemap.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${basemap.address().port}`;
  server = await startServer(['--basemap', `${origin}/{z}/{x}/{y}.png`]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  basemap?.close();
});

test('a basemap of another origin is drawn; the key never goes to it', async () => {
  const { page, assertClean } = await openPage(browser, server.base, { viewport: desktop, path: '/map#map=16/47.6599/9.1771' });
  await mapReady(page);
  await signIn(page, keys().field_staff);
  await page.evaluate(() => window.__rootzoneMap.jumpTo({ zoom: 17 }));
  await mapReady(page);
  await page.waitForFunction(() => window.__rootzoneMap.areTilesLoaded());
  assert.ok(seen.length > 0, 'basemap tiles were fetched');
  assert.ok(seen.some((s) => /^\/17\/\d+\/\d+\.png$/.test(s.url)), JSON.stringify(seen.slice(-3)));
  assert.deepEqual(seen.filter((s) => s.authorization !== null), [], 'no Authorization header to the basemap');
  assert.deepEqual(seen.filter((s) => s.referer !== null), [], 'no Referer either (Referrer-Policy: no-referrer)');
  assert.equal(await page.locator('#layer-basemap').count(), 1, 'a switch for the basemap');
  await screenshot(page, 'basemap');
  assertClean();
});
