#!/usr/bin/env node
// The OpenAPI document at /api as a contract: every answer of a real `rootzone serve` checked
// against it (status, Content-Type, body schema) with openapi-response-validator, the document
// itself with @apidevtools/swagger-parser. Run by tests/api/test_openapi_contract.cpp, which
// starts the server on the Konstanz sample and makes one user per role.
//
//   node check_openapi.js BASE KEYS.json ROLE   walk ROLE's rows (public, field_staff,
//                                               contractor, planner, admin)
//   node check_openapi.js BASE KEYS.json document    swagger-parser validates /api
//   node check_openapi.js BASE KEYS.json coverage    every path+method of /api has a row of
//                                                    the table (the sweeps made from the
//                                                    document do not count)
//   node check_openapi.js BASE KEYS.json self-test   a broken schema is caught
//
// Prints "ok N" and exits 0, or prints every mismatch and exits 1.
'use strict';
const fs = require('fs');
const SwaggerParser = require('@apidevtools/swagger-parser');
const ResponseValidator = require('openapi-response-validator').default;

const [base, keysFile, mode] = process.argv.slice(2);
if (!base || !keysFile || !mode) {
  console.error('usage: check_openapi.js BASE_URL KEYS.json ROLE|document|coverage|self-test');
  process.exit(64);
}
const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
// A key of the right shape that the store does not know: 401 on every route.
const kWrongKey = 'rz_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const kOrganisation = 'Stadtwerke Konstanz';  // the contractor's (test_openapi_contract.cpp)

// RFC 3339 full-date and date-time, as the writers produce them (geo::format_date, format_utc).
const customFormats = {
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
  binary: () => true,
};

// ---- the table ----------------------------------------------------------------------------
// A row: who asks (a role, 'public' or 'wrong'), method, the document's path template, the URL
// (a function of what earlier rows saved in ctx), headers, body, the status expected, and
// `then(body, res, ctx)`: exact checks of what a role may see, and ids for later rows.

const ITEM = '/collections/{c}/items/{featureId}';
const TREE = '/collections/trees/items/{featureId}';
const WORK = '/collections/works/items/{featureId}';
const by = (who, statuses, otherwise) => (who in statuses ? statuses[who] : otherwise);
const conflictReaders = { public: 401, field_staff: 403 };
const staffReaders = { public: 401, contractor: 403 };

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

function tileOf(lon, lat, z) {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return `${z}/${x}/${y}`;
}

const today = new Date().toISOString().slice(0, 10);
const tree = (sourceId, coordinates = [9.1779, 47.6616]) => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates },
  properties: {
    source_id: sourceId,
    species_botanical: 'Tilia cordata',
    stem_circumferences_cm: [120],
    crown_diameter_m: 8,
    height_m: 14,
  },
});
const work = (reference, extra = {}) => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [9.18964, 47.6793] },
  properties: {
    reference,
    title: 'Hausanschluss Fernwärme',
    kind: 'pit',
    radius_m: 2.0,
    depth_m: 1.8,
    contact: 'bauleitung@example.invalid',
    starts_at: '2027-04-01T07:00:00+02:00',
    ends_at: '2027-04-20T17:00:00+02:00',
    status: 'draft',
    ...extra,
  },
});

// Ids from the sample, read by the planner before each role's rows: a conflict and the clash of
// work 1 (Stadtwerke Konstanz, the contractor's own), a conflict of work 2 (Telekom Baupartner).
function setup() {
  return [
    {
      who: 'planner', method: 'GET', path: `${WORK}/conflicts`,
      url: '/collections/works/items/1/conflicts', status: 200,
      then: (b, res, ctx) => {
        expect(b.work_id === 1, 'work_id 1');
        expect(b.conflicts.trees.length > 0 && b.conflicts.works.length === 1,
          'the sample: work 1 has tree conflicts and one clash (with work 2)');
        ctx.ownConflict = b.conflicts.trees[0].id;
        ctx.conflictTree = b.conflicts.trees[0].properties.tree_id;
        ctx.conflictPlace = b.conflicts.trees[0].geometry.coordinates;
        ctx.clash = b.conflicts.works[0].id;
      },
    },
    {
      who: 'planner', method: 'GET', path: `${WORK}/conflicts`,
      url: '/collections/works/items/2/conflicts?severity=critical', status: 200,
      then: (b, res, ctx) => {
        expect(b.conflicts.trees.length > 0, 'work 2 has critical tree conflicts');
        expect(b.conflicts.trees.every((c) => c.properties.severity === 'critical'), 'filtered');
        ctx.otherConflict = b.conflicts.trees[0].id;
      },
    },
  ];
}

// What every role reads, with the status its role gets.
function reads(who) {
  const own = (f) => f.properties.contractor === kOrganisation;
  const seesContact = (f) =>
    who === 'planner' || who === 'admin' || (who === 'contractor' && own(f));
  const contactAsAllowed = (f) =>
    expect(('contact' in f.properties) === seesContact(f) &&
      ('source' in f.properties) === seesContact(f),
      `work ${f.id} of ${f.properties.contractor}: contact shown to ${who} only if allowed`);
  return [
    { method: 'GET', path: '/', url: '/', status: 200,
      then: (b) => expect(b.links.some((l) => l.rel === 'service-desc'), 'service-desc link') },
    { method: 'GET', path: '/conformance', url: '/conformance', status: 200 },
    { method: 'GET', path: '/me', url: '/me', status: who === 'public' ? 401 : 200,
      then: (b) => expect(who === 'public' || b.role === who, `/me names the role ${who}`) },
    { method: 'GET', path: '/map', url: '/map', status: 200 },
    { method: 'GET', path: '/map/config.json', url: '/map/config.json', status: 200,
      then: (b) => expect(b.basemap === null, 'no basemap unless serve --basemap') },
    { method: 'GET', path: '/api', url: '/api', status: 200 },
    { method: 'GET', path: '/collections', url: '/collections', status: 200,
      then: (b) => expect(b.collections.map((c) => c.id).join() === 'trees,works,conflicts',
        'three collections') },
    ...['trees', 'works', 'conflicts'].flatMap((c) => [
      { method: 'GET', path: `/collections/${c}`, url: `/collections/${c}`, status: 200 },
      { method: 'GET', path: `/collections/${c}/queryables`, url: `/collections/${c}/queryables`,
        status: 200 },
    ]),
    { method: 'GET', path: '/collections/trees/items', url: '/collections/trees/items?limit=3',
      status: 200, then: (b) => expect(b.numberReturned === 3 && b.features.length === 3, '3') },
    { method: 'GET', path: '/collections/trees/items', url: '/collections/trees/items?limit=0',
      status: 400 },
    { method: 'GET', path: '/collections/works/items', url: '/collections/works/items?limit=50',
      status: 200,
      // The sample: 5 demo works, 5 + 1 from Rhineland-Palatinate, 2 from Hamburg.
      then: (b) => { expect(b.numberMatched === 13, '13 works'); b.features.forEach(contactAsAllowed); } },
    { method: 'GET', path: '/collections/conflicts/items',
      url: '/collections/conflicts/items?limit=100', status: by(who, conflictReaders, 200),
      then: (b) => who === 'contractor' &&
        expect(b.features.every((f) => f.properties.work_id === 1),
          'a contractor sees only its own work (1) conflicts') },
    { method: 'GET', path: TREE, url: (c) => `/collections/trees/items/${c.conflictTree}`,
      status: 200, then: (b, res) => expect(res.headers.get('etag') === `"tree-${b.id}-v${b.properties.version}"`, 'ETag') },
    { method: 'GET', path: TREE, url: '/collections/trees/items/999999', status: 404 },
    { method: 'GET', path: TREE, url: '/collections/trees/items/1?crs=EPSG:1', status: 400 },
    { method: 'GET', path: WORK, url: '/collections/works/items/1', status: 200,
      then: contactAsAllowed },
    { method: 'GET', path: WORK, url: '/collections/works/items/2?crs=http://www.opengis.net/def/crs/EPSG/0/25832',
      status: 200, then: contactAsAllowed },
    { method: 'GET', path: '/collections/conflicts/items/{featureId}',
      url: (c) => `/collections/conflicts/items/${c.ownConflict}`,
      status: by(who, conflictReaders, 200) },
    { method: 'GET', path: '/collections/conflicts/items/{featureId}',
      url: (c) => `/collections/conflicts/items/${c.otherConflict}`,
      status: by(who, { ...conflictReaders, contractor: 403 }, 200) },
    { method: 'GET', path: `${TREE}/history`, url: (c) => `/collections/trees/items/${c.conflictTree}/history`,
      status: by(who, staffReaders, 200),
      then: (b, res, c) => expect(b.tree_id === c.conflictTree, 'the tree of the path') },
    { method: 'GET', path: `${TREE}/history`, url: '/collections/trees/items/1/history?x=1',
      status: by(who, staffReaders, 400) },
    { method: 'GET', path: `${TREE}/inspections`, url: '/collections/trees/items/1/inspections',
      status: by(who, staffReaders, 200) },
    { method: 'GET', path: `${TREE}/conflicts`, url: (c) => `/collections/trees/items/${c.conflictTree}/conflicts`,
      status: by(who, conflictReaders, 200),
      then: (b) => who === 'contractor' &&
        expect(b.features.every((f) => f.properties.work_id === 1), 'own works only') },
    { method: 'GET', path: `${TREE}/conflicts`, url: '/collections/trees/items/1/conflicts?severity=low',
      status: by(who, conflictReaders, 400) },
    { method: 'GET', path: `${WORK}/history`, url: '/collections/works/items/1/history',
      status: by(who, { public: 401, field_staff: 403 }, 200),
      then: (b) => expect(b.history[0].from === null, 'the first change comes from nothing') },
    { method: 'GET', path: `${WORK}/history`, url: '/collections/works/items/2/history',
      status: by(who, { public: 401, field_staff: 403, contractor: 403 }, 200) },
    { method: 'GET', path: `${WORK}/conflicts`, url: '/collections/works/items/1/conflicts',
      status: by(who, conflictReaders, 200) },
    { method: 'GET', path: `${WORK}/conflicts`, url: '/collections/works/items/999999/conflicts',
      status: by(who, conflictReaders, 404) },
    { method: 'GET', path: `${WORK}/statement`, url: '/collections/works/items/1/statement',
      status: by(who, conflictReaders, 200),
      then: (b, res) => expect(res.headers.get('content-security-policy').startsWith("default-src 'none'") &&
        !res.headers.get('content-security-policy').includes('script-src'), 'a statement runs no script') },
    { method: 'GET', path: `${WORK}/statement`, url: '/collections/works/items/2/statement',
      status: by(who, { ...conflictReaders, contractor: 403 }, 200) },
    { method: 'GET', path: `${WORK}/statement`, url: '/collections/works/items/999999/statement',
      status: by(who, conflictReaders, 404) },
    { method: 'GET', path: '/collections/works/overview', url: '/collections/works/overview?limit=50',
      status: by(who, conflictReaders, 200),
      then: (b) => {
        expect(b.numberReturned === b.works.length, 'numberReturned counts the works');
        const rank = { critical: 3, high: 2, medium: 1 };
        b.works.forEach((w, i) => i === 0 || expect((rank[b.works[i - 1].worst] ?? 0) >= (rank[w.worst] ?? 0),
          'worst conflict first'));
        if (who === 'contractor') {
          expect(b.works.length > 0 && b.works.every((w) => w.contractor === kOrganisation),
            'a contractor sees its own organisation\'s works only');
        }
      } },
    { method: 'GET', path: '/collections/works/overview',
      url: '/collections/works/overview?status=submitted,nonsense', status: by(who, conflictReaders, 400) },
    // The rule sets are public: the sample store has Mainz's active, the shipped ones listed.
    { method: 'GET', path: '/rules', url: '/rules', status: 200,
      then: (b, res, ctx) => {
        expect(b.active === 'mainz', 'the sample store uses the Mainz rule set');
        expect(b.rule_sets.map((r) => r.name).join() === 'mainz,berlin,muenchen',
          'the shipped rule sets, the default first');
        expect(b.rule_sets.filter((r) => r.active).map((r) => r.name).join() === 'mainz',
          'exactly one active');
        ctx.rulesEtag = res.headers.get('etag');
      } },
    { method: 'GET', path: '/rules', url: '/rules',
      headers: (c) => ({ 'if-none-match': c.rulesEtag }), status: 304 },
    { method: 'GET', path: '/rules', url: '/rules?name=berlin', status: 400 },
    { method: 'GET', path: '/rules/active', url: '/rules/active', status: 200,
      then: (b) => expect(b.name === 'mainz' && b.threshold_cm === 80 &&
        b.ordinance.startsWith('Rechtsverordnung zum Schutz des Baumbestandes'), 'Mainz §3') },
    { method: 'GET', path: '/tiles', url: '/tiles', status: 200 },
    { method: 'GET', path: '/tiles/{tileset}.json', url: '/tiles/city.json', status: 200,
      then: (b) => expect(b.vector_layers.some((l) => l.id === 'conflicts') ===
        !(who in conflictReaders), 'the conflicts layer only for those who read conflicts') },
    { method: 'GET', path: '/tiles/{tileset}.json', url: '/tiles/conflicts.json',
      status: by(who, conflictReaders, 200) },
    { method: 'GET', path: '/tiles/{tileset}.json', url: '/tiles/nope.json', status: 404 },
    { method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt',
      url: (c) => `/tiles/city/${tileOf(...c.conflictPlace, 16)}.mvt`, status: 200,
      then: (b, res, ctx) => { ctx.tileEtag = res.headers.get('etag'); } },
    { method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt',
      url: (c) => `/tiles/city/${tileOf(...c.conflictPlace, 16)}.mvt`,
      headers: (c) => ({ 'if-none-match': c.tileEtag }), status: 304 },
    { method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt', url: '/tiles/city/14/0/0.mvt',
      status: 204 },
    { method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt',
      url: (c) => `/tiles/conflicts/${tileOf(...c.conflictPlace, 16)}.mvt`,
      status: by(who, conflictReaders, 200) },
    { method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt', url: '/tiles/city/99/0/0.mvt',
      status: 400 },
    { method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt', url: '/tiles/nope/1/0/0.mvt',
      status: 404 },
  ].map((r) => ({ who, ...r }));
}

// A refusal for every write the role may not make.
function refusals(who, statuses) {
  const rows = [
    ['POST', '/collections/trees/items', '/collections/trees/items', tree('OA-REFUSED'), 'trees'],
    ['POST', '/collections/works/items', '/collections/works/items', work('OA-REFUSED'), 'works'],
    ['POST', '/collections/works/preview', '/collections/works/preview', work('OA-REFUSED'), 'preview'],
    ['POST', `${WORK}/status`, '/collections/works/items/1/status', { to: 'approved' }, 'status'],
    ['POST', '/collections/conflicts/items/{featureId}/acknowledgement',
      (c) => `/collections/conflicts/items/${c.ownConflict}/acknowledgement`, { comment: 'ok' }, 'ack'],
    ['POST', `${WORK}/clashes/{clashId}/acknowledgement`,
      (c) => `/collections/works/items/1/clashes/${c.clash}/acknowledgement`, { comment: 'ok' }, 'ack'],
  ];
  return rows
    .filter(([, , , , action]) => action in statuses)
    .map(([method, path, url, body, action]) => ({
      who, method, path, url, body, headers: { 'if-match': '"work-1-v1"' }, status: statuses[action],
    }));
}

function publicRows() {
  const p = 'public';
  return [
    ...reads(p),
    { who: p, method: 'GET', path: '/health', url: '/health', status: 200 },
    { who: 'wrong', method: 'GET', path: '/', url: '/', status: 401 },
    { who: 'wrong', method: 'GET', path: '/collections/trees/items', url: '/collections/trees/items', status: 401 },
    { who: 'wrong', method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt', url: '/tiles/city/14/0/0.mvt', status: 401 },
    { who: 'wrong', method: 'DELETE', path: TREE, url: '/collections/trees/items/1', status: 401 },
    { who: p, method: 'DELETE', path: TREE, url: '/collections/trees/items/1', status: 405 },
    { who: p, method: 'PATCH', path: TREE, url: '/collections/trees/items/1', body: { properties: {} }, status: 401 },
    ...refusals(p, { trees: 401, works: 401, status: 401, ack: 401, preview: 401 }),
  ];
}

// Field staff keep the tree cadastre: a tree's whole life, and the refusals of everything else.
function fieldRows() {
  const f = 'field_staff';
  const etag = (c) => ({ 'if-match': c.etag });
  const saveTag = (b, res, c) => { c.etag = res.headers.get('etag'); };
  const mine = (c) => `/collections/trees/items/${c.tree}`;
  return [
    ...reads(f),
    { who: f, method: 'POST', path: '/collections/trees/items', url: '/collections/trees/items',
      body: tree('OA-FIELD-1'), headers: { 'content-type': 'application/geo+json' }, status: 201,
      then: (b, res, c) => {
        c.tree = b.id;
        saveTag(b, res, c);
        expect(b.properties.protected === true, '120 cm >= 80 cm: protected (Mainz ordinance)');
        expect(b.conflicts.count === b.conflicts.by_severity.critical +
          b.conflicts.by_severity.high + b.conflicts.by_severity.medium, 'counts add up');
      } },
    { who: f, method: 'POST', path: '/collections/trees/items', url: '/collections/trees/items',
      body: tree('OA-FIELD-1'), status: 409 },
    { who: f, method: 'POST', path: '/collections/trees/items', url: '/collections/trees/items',
      body: tree('OA-FIELD-2', [0, 0]), status: 422 },
    { who: f, method: 'POST', path: '/collections/trees/items', url: '/collections/trees/items',
      body: 'not json', status: 400 },
    { who: f, method: 'POST', path: '/collections/trees/items', url: '/collections/trees/items',
      body: JSON.stringify(tree('OA-FIELD-3')), headers: { 'content-type': 'text/plain' }, status: 415 },
    { who: f, method: 'POST', path: '/collections/trees/items', url: '/collections/trees/items',
      announce: 2 << 20, headers: { 'content-type': 'application/json' }, status: 413 },
    { who: f, method: 'PATCH', path: TREE, url: mine, body: { properties: { height_m: 15 } },
      headers: { 'content-type': 'application/merge-patch+json' }, status: 428 },
    { who: f, method: 'PATCH', path: TREE, url: mine, body: { properties: { height_m: 15 } },
      headers: (c) => ({ 'if-match': `"tree-${c.tree}-v99"` }), status: 412 },
    { who: f, method: 'PATCH', path: TREE, url: mine, body: { properties: { height_m: 15 } },
      headers: etag, status: 200, then: (b, res, c) => { saveTag(b, res, c); expect(b.properties.height_m === 15, 'patched'); } },
    { who: f, method: 'PATCH', path: TREE, url: mine, body: { properties: { vitality: 7 } },
      headers: etag, status: 422 },
    { who: f, method: 'PUT', path: TREE, url: mine, body: tree('OA-FIELD-1'), headers: etag,
      status: 200, then: saveTag },
    { who: f, method: 'PUT', path: TREE, url: '/collections/trees/items/999999', body: tree('X'),
      headers: { 'if-match': '"tree-999999-v1"' }, status: 404 },
    { who: f, method: 'POST', path: `${TREE}/inspections`, url: (c) => `${mine(c)}/inspections`,
      body: { inspected_on: today, kind: 'regular', findings: 'Totholz in der Krone', measures: 'Kronenpflege', next_inspection: '2030-05-01' },
      status: 201, then: (b, res, c) => { c.inspection = b.inspection.id; c.etag = b.tree_etag;
        expect(b.tree.properties.last_inspection === today, 'last_inspection follows'); } },
    { who: f, method: 'POST', path: `${TREE}/inspections`, url: (c) => `${mine(c)}/inspections`,
      body: { inspected_on: today, kind: 'sometimes' }, status: 422 },
    { who: f, method: 'GET', path: `${TREE}/inspections`, url: (c) => `${mine(c)}/inspections`,
      status: 200, then: (b, res, c) => expect(b.inspections.length === 1 && b.inspections[0].id === c.inspection, 'one') },
    { who: f, method: 'GET', path: `${TREE}/inspections/{inspectionId}`,
      url: (c) => `${mine(c)}/inspections/${c.inspection}`, status: 200 },
    { who: f, method: 'GET', path: `${TREE}/inspections/{inspectionId}`,
      url: (c) => `${mine(c)}/inspections/999999`, status: 404 },
    { who: f, method: 'POST', path: `${TREE}/felling`, url: (c) => `${mine(c)}/felling`,
      body: { felled_on: today, reason: 'Sturmschaden' }, status: 428 },
    { who: f, method: 'POST', path: `${TREE}/felling`, url: (c) => `${mine(c)}/felling`,
      body: { felled_on: today, reason: 'Sturmschaden' }, headers: etag, status: 200,
      then: (b, res, c) => { saveTag(b, res, c); expect(b.properties.status === 'felled' && b.conflicts.count === 0, 'felled, no conflicts'); } },
    { who: f, method: 'POST', path: `${TREE}/felling`, url: (c) => `${mine(c)}/felling`,
      body: { felled_on: today, reason: 'again' }, headers: etag, status: 409 },
    { who: f, method: 'POST', path: `${TREE}/inspections`, url: (c) => `${mine(c)}/inspections`,
      body: { inspected_on: today, kind: 'regular' }, status: 409 },
    { who: f, method: 'GET', path: `${TREE}/history`, url: (c) => `${mine(c)}/history`, status: 200,
      then: (b) => expect(['created', 'felling_reason'].every((n) => b.changes.some((x) => x.field === n)), 'created and felling_reason rows') },
    ...refusals(f, { works: 403, status: 403, ack: 403, preview: 403 }),
  ];
}

// A contractor's own work from draft to cancelled, and the refusals around it.
function contractorRows() {
  const k = 'contractor';
  const etag = (c) => ({ 'if-match': c.etag });
  const saveTag = (b, res, c) => { c.etag = res.headers.get('etag'); };
  const mine = (c) => `/collections/works/items/${c.work}`;
  return [
    ...reads(k),
    { who: k, method: 'POST', path: '/collections/works/items', url: '/collections/works/items',
      body: work('OA-C-1'), headers: { 'content-type': 'application/geo+json' }, status: 201,
      then: (b, res, c) => {
        c.work = b.id;
        saveTag(b, res, c);
        expect(b.properties.contractor === kOrganisation && b.properties.status === 'draft', 'own draft');
        expect(res.headers.get('location').endsWith(`/collections/works/items/${b.id}`), 'Location');
      } },
    { who: k, method: 'POST', path: '/collections/works/items', url: '/collections/works/items',
      body: work('OA-C-1'), status: 409 },
    { who: k, method: 'POST', path: '/collections/works/items', url: '/collections/works/items',
      body: work('OA-C-2', { ends_at: '2027-01-01T00:00:00Z' }), status: 422 },
    { who: k, method: 'POST', path: '/collections/works/items', url: '/collections/works/items',
      body: work('OA-C-3', { contractor: 'Telekom Baupartner' }), status: 403 },
    { who: k, method: 'PATCH', path: WORK, url: mine, body: { properties: { title: 'Hausanschluss' } },
      headers: (c) => ({ 'if-match': `"work-${c.work}-v99"`, 'content-type': 'application/merge-patch+json' }), status: 412 },
    { who: k, method: 'PATCH', path: WORK, url: mine, body: { properties: { title: 'Hausanschluss' } },
      status: 428 },
    { who: k, method: 'POST', path: `${WORK}/status`, url: (c) => `${mine(c)}/status`,
      announce: 2 << 20, headers: { 'content-type': 'application/json' }, status: 413 },
    { who: k, method: 'PATCH', path: WORK, url: mine, body: { properties: { title: 'Hausanschluss' } },
      headers: etag, status: 200, then: saveTag },
    { who: k, method: 'PUT', path: WORK, url: mine, body: work('OA-C-1', { radius_m: 3 }),
      headers: etag, status: 200, then: saveTag },
    { who: k, method: 'PUT', path: WORK, url: mine, body: { type: 'Feature' }, headers: etag,
      status: 400 },
    { who: k, method: 'POST', path: `${WORK}/status`, url: (c) => `${mine(c)}/status`,
      body: { to: 'submitted', comment: 'bitte prüfen' }, headers: etag, status: 200,
      then: (b, res, c) => { saveTag(b, res, c); expect(b.change.from === 'draft' && b.change.to === 'submitted', 'change'); } },
    { who: k, method: 'PATCH', path: WORK, url: mine, body: { properties: { title: 'x' } },
      headers: etag, status: 409 },
    { who: k, method: 'POST', path: `${WORK}/status`, url: (c) => `${mine(c)}/status`,
      body: { to: 'approved' }, headers: etag, status: 403 },
    { who: k, method: 'GET', path: `${WORK}/history`, url: (c) => `${mine(c)}/history`, status: 200,
      then: (b) => expect(b.history.map((h) => h.to).join() === 'draft,submitted', 'draft, submitted') },
    { who: k, method: 'GET', path: `${WORK}/conflicts`, url: (c) => `${mine(c)}/conflicts`, status: 200 },
    { who: k, method: 'DELETE', path: WORK, url: mine, headers: etag, status: 204, then: saveTag },
    { who: k, method: 'DELETE', path: WORK, url: mine, headers: etag, status: 409 },
    { who: k, method: 'DELETE', path: WORK, url: '/collections/works/items/2',
      headers: { 'if-match': '"work-2-v1"' }, status: 403 },
    ...previewRows(k),
    { who: k, method: 'POST', path: '/collections/works/preview', url: '/collections/works/preview',
      body: work('OA-C-P', { contractor: 'Telekom Baupartner' }), status: 403 },
    ...refusals(k, { trees: 403, ack: 403 }),
  ];
}

// The preview of a pit on the stem of a tree in conflict with the sample's work 1: the
// submission's answer with null ids, each tree conflict's zone and clearance, and clashes that
// show another organisation's work without its contact to a contractor.
function previewRows(who) {
  const pit = (c) => ({
    ...work('OA-P-1', { radius_m: 1.0 }),
    geometry: { type: 'Point', coordinates: c.conflictPlace },
  });
  return [
    { who, method: 'POST', path: '/collections/works/preview', url: '/collections/works/preview',
      body: pit, headers: { 'content-type': 'application/geo+json' }, status: 200,
      then: (b, res, c) => {
        expect(b.id === null && b.preview === true, 'id null, preview true');
        const trees = b.conflicts.trees;
        expect(trees.every((t) => t.id === null && t.properties.work_id === null), 'no ids');
        const here = trees.find((t) => t.properties.tree_id === c.conflictTree);
        expect(here && here.properties.severity === 'critical', 'the pit on the stem: critical');
        expect(here.properties.clear_by_m.trench_distance === here.properties.zone.trench_distance_m,
          'on the stem: the whole R_t to go');
        for (const k of b.conflicts.works) {
          const mine = k.other_work.contractor === kOrganisation;
          expect(who !== 'contractor' || mine || !('contact' in k.other_work),
            'no contact of another organisation for a contractor');
        }
      } },
    { who, method: 'POST', path: '/collections/works/preview', url: '/collections/works/preview',
      body: work('OA-P-2', { ends_at: '2027-01-01T00:00:00Z' }), status: 422 },
    { who, method: 'POST', path: '/collections/works/preview', url: '/collections/works/preview',
      body: 'not json', status: 400 },
  ];
}

// A planner reviews: approves with conditions, acknowledges a conflict and the clash.
function plannerRows() {
  const p = 'planner';
  return [
    ...reads(p),
    { who: p, method: 'GET', path: WORK, url: '/collections/works/items/1', status: 200,
      then: (b, res, c) => { c.etag = res.headers.get('etag'); } },
    { who: p, method: 'POST', path: `${WORK}/status`, url: '/collections/works/items/1/status',
      body: { to: 'flying' }, headers: (c) => ({ 'if-match': c.etag }), status: 422 },
    { who: p, method: 'POST', path: `${WORK}/status`, url: '/collections/works/items/1/status',
      body: { to: 'approved' }, headers: { 'if-match': '"work-1-v99"' }, status: 412 },
    { who: p, method: 'POST', path: `${WORK}/status`, url: '/collections/works/items/1/status',
      body: { to: 'approved', conditions: 'Handschachtung im Wurzelbereich' },
      headers: (c) => ({ 'if-match': c.etag }), status: 200,
      then: (b, res, c) => { c.etag = res.headers.get('etag'); expect(b.properties.status === 'approved', 'approved'); } },
    { who: p, method: 'POST', path: `${WORK}/status`, url: '/collections/works/items/1/status',
      body: { to: 'submitted' }, headers: (c) => ({ 'if-match': c.etag }), status: 409 },
    { who: p, method: 'POST', path: '/collections/conflicts/items/{featureId}/acknowledgement',
      url: (c) => `/collections/conflicts/items/${c.ownConflict}/acknowledgement`,
      body: {}, status: 422 },
    { who: p, method: 'POST', path: '/collections/conflicts/items/{featureId}/acknowledgement',
      url: (c) => `/collections/conflicts/items/${c.ownConflict}/acknowledgement`,
      body: { comment: 5 }, status: 400 },
    { who: p, method: 'POST', path: '/collections/conflicts/items/{featureId}/acknowledgement',
      url: (c) => `/collections/conflicts/items/${c.ownConflict}/acknowledgement`,
      body: { comment: 'Wurzelbrücke vereinbart' }, status: 200,
      then: (b) => expect(b.properties.acknowledged === true && b.properties.acknowledged_by === 'oa-planner', 'acknowledged by the planner') },
    { who: p, method: 'POST', path: '/collections/conflicts/items/{featureId}/acknowledgement',
      url: '/collections/conflicts/items/999999/acknowledgement', body: { comment: 'x' }, status: 404 },
    { who: p, method: 'POST', path: `${WORK}/clashes/{clashId}/acknowledgement`,
      url: (c) => `/collections/works/items/1/clashes/${c.clash}/acknowledgement`,
      body: { comment: 'ein Graben für beide' }, status: 200,
      then: (b) => expect(b.other_work_id === 2 && b.acknowledged === true, 'clash with work 2 acknowledged') },
    { who: p, method: 'POST', path: `${WORK}/clashes/{clashId}/acknowledgement`,
      url: '/collections/works/items/1/clashes/999999/acknowledgement', body: { comment: 'x' },
      headers: { 'content-type': 'text/plain' }, status: 415 },
    ...previewRows(p),
    ...refusals(p, { trees: 403, works: 403 }),
  ];
}

// An admin may do all: submits for an organisation, edits, cancels; adds and edits a tree.
function adminRows() {
  const a = 'admin';
  const etag = (c) => ({ 'if-match': c.etag });
  const saveTag = (b, res, c) => { c.etag = res.headers.get('etag'); };
  return [
    ...reads(a),
    { who: a, method: 'POST', path: '/collections/works/items', url: '/collections/works/items',
      body: work('OA-A-1', { contractor: kOrganisation }), status: 201,
      then: (b, res, c) => { c.work = b.id; saveTag(b, res, c); } },
    { who: a, method: 'PATCH', path: WORK, url: (c) => `/collections/works/items/${c.work}`,
      body: { properties: { depth_m: null } }, headers: etag, status: 200,
      then: (b, res, c) => { saveTag(b, res, c); expect(b.properties.depth_m === null, 'cleared'); } },
    { who: a, method: 'PUT', path: WORK, url: (c) => `/collections/works/items/${c.work}`,
      body: work('OA-A-1', { contractor: kOrganisation }), headers: etag,
      status: 200, then: saveTag },
    { who: a, method: 'DELETE', path: WORK, url: (c) => `/collections/works/items/${c.work}?x=1`,
      headers: etag, status: 400 },
    { who: a, method: 'DELETE', path: WORK, url: (c) => `/collections/works/items/${c.work}`,
      headers: etag, status: 204 },
    { who: a, method: 'GET', path: WORK, url: (c) => `/collections/works/items/${c.work}`, status: 200,
      then: (b) => expect(b.properties.status === 'cancelled', 'kept, cancelled') },
    { who: a, method: 'POST', path: '/collections/trees/items', url: '/collections/trees/items',
      body: tree('OA-ADMIN-1'), status: 201, then: (b, res, c) => { c.tree = b.id; saveTag(b, res, c); } },
    { who: a, method: 'PATCH', path: TREE, url: (c) => `/collections/trees/items/${c.tree}`,
      body: { properties: { protection_source: 'manual', protected: true, protection_reason: 'Naturdenkmal' } },
      headers: etag, status: 200,
      then: (b) => expect(b.properties.protection_reason === 'Naturdenkmal', 'manual protection') },
    { who: a, method: 'DELETE', path: TREE, url: (c) => `/collections/trees/items/${c.tree}`, status: 405 },
  ];
}

// Rows made from the document itself, so a new route is held to them without a new row:
// a wrong key is 401 on every path that declares it (the route table authenticates first),
// and for an admin (who passes every role rule) an unknown query parameter is 400 on every
// path that declares 400, except the tiles, which ignore query parameters, a text/plain
// body is 415 and a body announced over the server's limit 413 on every path that declares
// them, and an id not in canonical form ("07") is 404 on every path with an id that declares
// 404.
function sweeps(doc, who) {
  const fill = { featureId: 1, inspectionId: 1, clashId: 1, tileset: 'city', z: 14, x: 0, y: 0 };
  const url = (path) => path.replace(/\{(\w+)\}/g, (m, name) => fill[name]);
  const rows = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const base = { method: method.toUpperCase(), path, swept: true };
      const body = ['post', 'put', 'patch'].includes(method) ? {} : undefined;
      if (who === 'public' && op.responses['401']) {
        rows.push({ ...base, who: 'wrong', url: url(path), body, status: 401 });
      }
      if (who === 'admin' && op.responses['400'] && !path.startsWith('/tiles')) {
        rows.push({ ...base, who, url: `${url(path)}?oa_unknown=1`, body, status: 400 });
      }
      if (who === 'admin' && op.responses['404'] && path.includes('{featureId}')) {
        // "07" names row 7 by another URL: the route table refuses it before any handler.
        rows.push({ ...base, who, url: url(path).replace(/items\/1(\/|$)/, 'items/07$1'), body,
          status: 404, headers: { 'if-match': '"x"' } });
      }
      if (who === 'admin' && op.responses['413']) {
        rows.push({ ...base, who, url: url(path), announce: 2 << 20, status: 413,
          headers: { 'content-type': 'application/json' } });
      }
      if (who === 'admin' && op.responses['415']) {
        // A well-formed If-Match of the path's collection, so no route stops at 428 first.
        const tag = `"${path.startsWith('/collections/trees') ? 'tree' : 'work'}-1-v1"`;
        rows.push({ ...base, who, url: url(path), body: '{}', status: 415,
          headers: { 'content-type': 'text/plain', 'if-match': tag } });
      }
    }
  }
  return rows;
}

const groups = {
  public: publicRows, field_staff: fieldRows, contractor: contractorRows,
  planner: plannerRows, admin: adminRows,
};

// ---- the runner ---------------------------------------------------------------------------

function templateRegex(template) {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
}

function mediaType(contentType) {
  return (contentType || '').split(';')[0].trim().toLowerCase();
}

// The declared content entry this Content-Type answers: exact, or by media type when the
// declaration has no parameters.
function declaredContent(content, contentType) {
  const given = (contentType || '').replace(/\s+/g, '').toLowerCase();
  for (const key of Object.keys(content)) {
    const k = key.replace(/\s+/g, '').toLowerCase();
    if (k === given || (!k.includes(';') && k === mediaType(given))) return key;
  }
  return null;
}

const validators = new Map();
function validatorFor(doc, path, method) {
  const id = `${method} ${path}`;
  if (!validators.has(id)) {
    const op = doc.paths[path][method.toLowerCase()];
    validators.set(id, new ResponseValidator({
      responses: op.responses, components: doc.components, customFormats,
    }));
  }
  return validators.get(id);
}

// Checks one answer against the document; returns the mismatches.
function checkAnswer(doc, row, res, bytes) {
  const problems = [];
  const op = doc.paths[row.path] && doc.paths[row.path][row.method.toLowerCase()];
  if (!op) return [`${row.method} ${row.path} is not in the document`];
  const declared = op.responses[String(res.status)];
  if (!declared) return [`status ${res.status} is not declared`];
  for (const [name, header] of Object.entries(declared.headers || {})) {
    if (header.required && res.headers.get(name) === null) problems.push(`header ${name} missing`);
  }
  const type = res.headers.get('content-type');
  let body = null;
  if (declared.content) {
    const key = declaredContent(declared.content, type);
    if (!key) return [`Content-Type ${type} is not one of ${Object.keys(declared.content)}`];
    const media = mediaType(key);
    if (media.endsWith('json')) {
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch (e) {
        return [`body is not JSON: ${e.message}`];
      }
      // The validator takes the first content entry's schema: check the one that matched.
      const single = { ...op.responses, [res.status]: { ...declared, content: { [key]: declared.content[key] } } };
      const v = new ResponseValidator({ responses: single, components: doc.components, customFormats });
      const err = v.validateResponse(res.status, body);
      if (err) problems.push(...err.errors.map((e) => `${e.path}: ${e.message}`));
      if (media === 'application/problem+json' && body.status !== res.status) {
        problems.push(`problem status ${body.status} is not the answer's ${res.status}`);
      }
    } else if (bytes.length === 0) {
      problems.push(`empty ${media} body`);
    }
  } else {
    if (bytes.length !== 0) problems.push(`status ${res.status} declares no body, got ${bytes.length} bytes`);
    const err = validatorFor(doc, row.path, row.method).validateResponse(res.status, null);
    if (err) problems.push(...err.errors.map((e) => `${e.path}: ${e.message}`));
  }
  return problems.length ? problems : { body };
}

// A request whose headers announce a body it never sends (Content-Length over the server's
// limit): the server answers on the headers and closes. fetch would race that close while
// still sending (EPIPE), so this goes over a plain socket.
function announceOnly(url, headers, length) {
  const net = require('net');
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const lines = [`POST ${url} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close',
      `Content-Length: ${length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    const socket = net.connect(Number(port), hostname, () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    const chunks = [];
    socket.setTimeout(10000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error('no HTTP answer'));
      const [status, ...fields] = all.subarray(0, end).toString('latin1').split('\r\n');
      const h = new Headers();
      for (const f of fields) h.append(f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1).trim());
      const len = Number(h.get('content-length') || 0);
      resolve({ res: { status: Number(status.split(' ')[1]), headers: h }, bytes: all.subarray(end + 4, end + 4 + len) });
    });
  });
}

async function send(row, ctx) {
  const url = typeof row.url === 'function' ? row.url(ctx) : row.url;
  const headers = { ...(typeof row.headers === 'function' ? row.headers(ctx) : row.headers || {}) };
  if (row.who === 'wrong') headers.authorization = `Bearer ${kWrongKey}`;
  else if (row.who !== 'public') headers.authorization = `Bearer ${keys[row.who]}`;
  let body;
  if (row.body !== undefined) {
    const given = typeof row.body === 'function' ? row.body(ctx) : row.body;
    body = typeof given === 'string' ? given : JSON.stringify(given);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
  }
  if (row.announce) return { url, ...(await announceOnly(url, headers, row.announce)) };
  const res = await fetch(base + url, { method: row.method, headers, body, redirect: 'manual' });
  return { url, res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function walk(doc, rows) {
  const ctx = {};
  const failures = [];
  for (const row of rows) {
    let url = '?';
    try {
      const sent = await send(row, ctx);
      url = sent.url;
      const { res, bytes } = sent;
      const label = `${row.who} ${row.method} ${url} (${row.path})`;
      const path = url.split('?')[0];
      if (!templateRegex(row.path).test(path)) {
        failures.push(`${label}: the URL is not an instance of ${row.path}`);
        continue;
      }
      if (res.status !== row.status) {
        failures.push(`${label}: status ${res.status}, expected ${row.status}: ${bytes.toString('utf8').slice(0, 300)}`);
        continue;
      }
      const checked = checkAnswer(doc, row, res, bytes);
      if (Array.isArray(checked)) {
        failures.push(`${label}: ${res.status} does not match the document:\n    ${checked.join('\n    ')}`);
        continue;
      }
      if (row.then && res.status < 300) row.then(checked.body, res, ctx);
    } catch (e) {
      failures.push(`${row.who} ${row.method} ${url} (${row.path}): ${e.message}`);
    }
  }
  return failures;
}

async function fetchDocument() {
  const res = await fetch(`${base}/api`);
  if (res.status !== 200) throw new Error(`/api answered ${res.status}`);
  return res.json();
}

function allRows() {
  const dummy = {};
  return Object.values(groups).flatMap((g) => [...setup(dummy), ...g()]);
}

async function main() {
  const doc = await fetchDocument();
  let failures = [];
  let count = 0;
  if (mode === 'document') {
    // validate() dereferences in place: give it a copy.
    await SwaggerParser.validate(JSON.parse(JSON.stringify(doc)));
    count = Object.keys(doc.paths).length;
  } else if (mode === 'coverage') {
    const tested = new Set(allRows().map((r) => `${r.method} ${r.path}`));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) continue;
        count += 1;
        const id = `${method.toUpperCase()} ${path}`;
        if (!tested.delete(id)) failures.push(`${id}: in the document, exercised by no row`);
      }
    }
    for (const id of tested) failures.push(`${id}: a row's path is not in the document`);
    // Not a failure: which declared statuses no row expects (503 needs a second writer).
    const swept = [...sweeps(doc, 'public'), ...sweeps(doc, 'admin')];
    const expected = new Set([...allRows(), ...swept].map((r) => `${r.method} ${r.path} ${r.status}`));
    const declared = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, op]) =>
        Object.keys(op.responses).map((status) => `${method.toUpperCase()} ${path} ${status}`)));
    const missed = declared.filter((d) => !expected.has(d));
    console.error(`${declared.length - missed.length} of ${declared.length} declared statuses ` +
      `exercised; not: ${missed.join(', ')}`);
  } else if (mode === 'self-test') {
    // Each row is valid against the document; against a broken copy it must fail.
    const breakages = [
      ['the landing page title as an integer', (d) => { d.components.schemas.LandingPage.properties.title = { type: 'integer' }; },
        { who: 'public', method: 'GET', path: '/', url: '/', status: 200 }],
      ['a problem member the writer never writes, required', (d) => { d.components.schemas.Problem.required.push('instance'); },
        { who: 'public', method: 'GET', path: TREE, url: '/collections/trees/items/999999', status: 404 }],
      ['a tree property dropped from the closed schema', (d) => { delete d.components.schemas.TreeProperties.properties.genus; },
        { who: 'public', method: 'GET', path: TREE, url: '/collections/trees/items/1', status: 200 }],
      ['/api declared as plain application/json', (d) => {
        const ok = d.paths['/api'].get.responses['200'];
        ok.content = { 'application/json': Object.values(ok.content)[0] };
      }, { who: 'public', method: 'GET', path: '/api', url: '/api', status: 200 }],
      ['a header the server does not send, required', (d) => {
        d.paths['/'].get.responses['200'].headers = { 'X-Never': { required: true, schema: { type: 'string' } } };
      }, { who: 'public', method: 'GET', path: '/', url: '/', status: 200 }],
      ['204 undeclared', (d) => { delete d.paths['/tiles/{tileset}/{z}/{x}/{y}.mvt'].get.responses['204']; },
        { who: 'public', method: 'GET', path: '/tiles/{tileset}/{z}/{x}/{y}.mvt', url: '/tiles/city/14/0/0.mvt', status: 204 }],
    ];
    for (const [what, breakIt, row] of breakages) {
      count += 1;
      const good = await walk(doc, [row]);
      if (good.length) failures.push(`${what}: fails against the real document: ${good}`);
      const broken = JSON.parse(JSON.stringify(doc));
      breakIt(broken);
      validators.clear();
      const bad = await walk(broken, [row]);
      if (bad.length === 0) failures.push(`${what}: not caught`);
      validators.clear();
    }
  } else if (mode in groups) {
    const rows = [...setup(), ...groups[mode](), ...sweeps(doc, mode)];
    count = rows.length;
    failures = await walk(doc, rows);
  } else {
    console.error(`unknown mode ${mode}`);
    process.exit(64);
  }
  if (failures.length) {
    console.log(failures.join('\n'));
    process.exit(1);
  }
  console.log(`ok ${count}`);
}

main().catch((e) => {
  console.log(`error: ${e.stack || e}`);
  process.exit(1);
});
