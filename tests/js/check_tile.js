// Decodes one rootzone tile with @mapbox/vector-tile (what MapLibre and Mapbox GL use) and
// compares it with what the C++ test expects: node check_tile.js TILE.mvt EXPECTED.json
// EXPECTED: { "layers": { name: { "ids": [..], "points": { id: [x, y] } } } } in tile units.
// Prints one line per problem and exits 1 when there is any.
'use strict';
const fs = require('fs');
const Pbf = require('pbf');
const { VectorTile } = require('@mapbox/vector-tile');

const [tilePath, expectedPath] = process.argv.slice(2);
const tile = new VectorTile(new Pbf(fs.readFileSync(tilePath)));
const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
const problems = [];

function signedArea(ring) {
  // The surveyor's formula as MVT 2.1 §4.3.4.4 states it: positive for an exterior ring.
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += ring[j].x * ring[i].y - ring[i].x * ring[j].y;
  }
  return sum / 2;
}

for (const [name, want] of Object.entries(expected.layers)) {
  const layer = tile.layers[name];
  if (!layer) { problems.push(`${name}: layer missing`); continue; }
  if (layer.version !== 2) problems.push(`${name}: version ${layer.version}`);
  if (layer.extent !== 4096) problems.push(`${name}: extent ${layer.extent}`);
  if (new Set(layer._keys).size !== layer._keys.length) problems.push(`${name}: duplicate keys`);
  const values = layer._values.map((v) => typeof v + ':' + String(v));
  if (new Set(values).size !== values.length) problems.push(`${name}: duplicate values`);
  if (layer.length !== want.ids.length) problems.push(`${name}: ${layer.length} features, expected ${want.ids.length}`);
  const ids = new Set(want.ids);
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    if (!ids.has(f.id)) problems.push(`${name}: unexpected feature id ${f.id}`);
    const geom = f.loadGeometry();
    if (f.type === 1 && want.points && want.points[f.id]) {
      const [x, y] = want.points[f.id];
      const p = geom[0][0];
      if (Math.abs(p.x - x) > 1 || Math.abs(p.y - y) > 1) {
        problems.push(`${name} ${f.id}: at ${p.x},${p.y}, expected ${x},${y} within one unit`);
      }
    }
    if (f.type === 3) {
      if (signedArea(geom[0]) <= 0) problems.push(`${name} ${f.id}: first ring is not an exterior ring`);
      for (const ring of geom) {
        for (let k = 1; k < ring.length; k++) {
          if (ring[k].x === ring[k - 1].x && ring[k].y === ring[k - 1].y) {
            problems.push(`${name} ${f.id}: repeated point`);
          }
        }
      }
    }
  }
}
for (const p of problems) console.log(p);
console.log(problems.length === 0 ? 'ok' : `${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
