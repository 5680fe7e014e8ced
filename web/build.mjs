// Bundles the map page for `rootzone serve`: esbuild turns web/src (TypeScript) and the CSS into
// minified files whose names carry a hash of their content, copies MapLibre's worker beside
// them, writes index.html pointing at those names, a gzip copy of every asset, and a C++ source
// that embeds them all into the rootzone binary (.incbin, with each file's SHA-256 in the source
// so that ccache and the compiler see a change of content as a change of source).
// Run by CMake (web/CMakeLists.txt): node web/build.mjs <out-dir> <embedded.cpp>
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const [outArg, cppArg] = process.argv.slice(2);
if (!outArg || !cppArg) {
  console.error('usage: node web/build.mjs <out-dir> <embedded.cpp>');
  process.exit(64);
}
const out = resolve(outArg);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const hashed = (name, ext, bytes) => `${name}-${sha256(bytes).slice(0, 16)}.${ext}`;

const bundled = await build({
  entryPoints: { app: join(here, 'src/main.ts'), style: join(here, 'style.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  sourcemap: false,
  write: false,
  outdir: out,
  legalComments: 'eof',
  logLevel: 'warning',
});

// Served below /map/assets/: every name but index.html's carries its content hash, so those
// can be cached for a year (immutable); the page itself is revalidated with its ETag.
const assets = [];
for (const file of bundled.outputFiles) {
  const ext = file.path.endsWith('.css') ? 'css' : 'js';
  const base = file.path.endsWith('.css') ? 'style' : 'app';
  assets.push({ name: hashed(base, ext, file.contents), bytes: Buffer.from(file.contents) });
}
const worker = readFileSync(join(here, 'node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs'));
assets.push({ name: hashed('maplibre-gl-worker', 'mjs', worker), bytes: worker });
const icon = readFileSync(join(here, 'icon.svg'));
assets.push({ name: hashed('icon', 'svg', icon), bytes: icon });

const nameOf = (prefix) => assets.find((a) => a.name.startsWith(prefix + '-')).name;
const html = readFileSync(join(here, 'index.html'), 'utf8')
  .replaceAll('{{app.js}}', `/map/assets/${nameOf('app')}`)
  .replaceAll('{{style.css}}', `/map/assets/${nameOf('style')}`)
  .replaceAll('{{worker.mjs}}', `/map/assets/${nameOf('maplibre-gl-worker')}`)
  .replaceAll('{{icon.svg}}', `/map/assets/${nameOf('icon')}`);
if (html.includes('{{')) throw new Error('index.html: a placeholder was left unfilled');
const page = { name: 'index.html', bytes: Buffer.from(html) };

// The service worker: a stable name (/map/sw.js, revalidated like the page) so that a new build
// is found by the browser; it carries the build's hash (its cache's name) and the hashed names to
// keep for offline use, so that a new build also means a new worker.
const buildHash = sha256(Buffer.concat([page.bytes, ...assets.map((a) => Buffer.from(a.name))])).slice(0, 16);
const swBuilt = await build({
  entryPoints: [join(here, 'src/sw.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022'],
  write: false,
  outfile: join(out, 'sw.js'),
  legalComments: 'eof',
  logLevel: 'warning',
  define: {
    __ROOTZONE_BUILD__: JSON.stringify(buildHash),
    __ROOTZONE_PRECACHE__: JSON.stringify(assets.map((a) => `/map/assets/${a.name}`)),
  },
});
const sw = { name: 'sw.js', bytes: Buffer.from(swBuilt.outputFiles[0].contents) };

const typeOf = (name) =>
  name.endsWith('.html') ? 'text/html; charset=utf-8'
    : name.endsWith('.css') ? 'text/css; charset=utf-8'
      : name.endsWith('.svg') ? 'image/svg+xml'
      : 'text/javascript; charset=utf-8';

const entries = [];
let i = 0;
for (const a of [page, sw, ...assets]) {
  const gz = gzipSync(a.bytes, { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(join(out, a.name), a.bytes);
  writeFileSync(join(out, a.name + '.gz'), gz);
  entries.push({
    index: i++,
    path: a.name === 'index.html' ? '/map' : a === sw ? '/map/sw.js' : `/map/assets/${a.name}`,
    file: join(out, a.name),
    gzfile: join(out, a.name + '.gz'),
    type: typeOf(a.name),
    etag: `"${sha256(a.bytes).slice(0, 32)}"`,
    immutable: a !== page && a !== sw,
    size: a.bytes.length,
    gzsize: gz.length,
  });
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(entries, null, 2));

// Paths go into assembler strings: refuse anything that would need escaping there.
for (const e of entries) {
  if (/["\\\n]/.test(e.file)) throw new Error(`${e.file}: the build path must not contain quotes, backslashes or newlines`);
}
const cstr = (s) => JSON.stringify(s);
const asm = entries.map((e) => `// ${e.path}: sha256 ${sha256(readFileSync(e.file))}, gzip sha256 ${sha256(readFileSync(e.gzfile))}
__asm__(".section .rodata\\n.balign 16\\nrz_web_${e.index}:\\n.incbin ${cstr(cstr(e.file)).slice(1, -1)}\\nrz_web_${e.index}_end:\\n"
        ".balign 16\\nrz_web_${e.index}_gz:\\n.incbin ${cstr(cstr(e.gzfile)).slice(1, -1)}\\nrz_web_${e.index}_gz_end:\\n.previous\\n");`).join('\n');
const decls = entries.map((e) => `extern "C" const char rz_web_${e.index}[], rz_web_${e.index}_end[], rz_web_${e.index}_gz[], rz_web_${e.index}_gz_end[];`).join('\n');
const rows = entries.map((e) => `    {${cstr(e.path)}, ${cstr(e.type)}, ${cstr(e.etag)}, ${e.immutable}, {rz_web_${e.index}, rz_web_${e.index}_end}, {rz_web_${e.index}_gz, rz_web_${e.index}_gz_end}},`).join('\n');
writeFileSync(resolve(cppArg), `// Generated by web/build.mjs from web/: do not edit.
#include "rootzone/web/assets.hpp"

${asm}

${decls}

namespace rootzone::web {

namespace {
const Asset assets[] = {
${rows}
};
}  // namespace

std::span<const Asset> embedded_assets() { return assets; }

}  // namespace rootzone::web
`);
const total = entries.reduce((s, e) => s + e.size, 0);
const totalGz = entries.reduce((s, e) => s + e.gzsize, 0);
console.log(`web: ${entries.length} assets, ${(total / 1024).toFixed(0)} KiB (${(totalGz / 1024).toFixed(0)} KiB gzipped)`);
