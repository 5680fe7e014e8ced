// CTest fixture web_store: the store every browser test copies, made once per test run as
// scripts/main-job.sh makes the default one (Konstanz cadastre, demo works, two real feeds),
// with a field staff, a planner, a contractor of "Stadtwerke Konstanz" and one of "Glasfaser
// Bodensee GmbH", and their keys.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binary, sourceDir, storeDir } from './fixture.mjs';

rmSync(storeDir, { recursive: true, force: true });
mkdirSync(storeDir, { recursive: true });
const db = join(storeDir, 'store.sqlite');
const run = (...args) => execFileSync(binary, args, { cwd: sourceDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
run('init', '--db', db, '--srid', '25832');
run('import', 'trees', 'data/trees/konstanz_baumkataster_2020.csv', '--db', db, '--mapping', 'mappings/konstanz-baumkataster-2020.json',
  '--report', join(storeDir, 'konstanz-problems.csv'));
for (const [file, mapping] of [
  ['data/works/demo/konstanz_demo_works.geojson', 'mappings/rootzone-works-geojson.json'],
  ['data/works/feeds/ogc_rlp_baustelle.json', 'mappings/rlp-baustellen-ogc.json'],
  ['data/works/feeds/ogc_hamburg_baustellen.json', 'mappings/hamburg-baustellen-ogc.json'],
]) {
  run('import', 'works', file, '--db', db, '--mapping', mapping);
}
const keyOf = (out) => /^key for .*: (rz_\S+)$/m.exec(out)[1];
const keys = {
  field_staff: keyOf(run('users', 'add', 'Erika Kontrolleurin', '--role', 'field_staff', '--db', db)),
  planner: keyOf(run('users', 'add', 'Paul Planer', '--role', 'planner', '--db', db)),
  contractor: keyOf(run('users', 'add', 'Bauleitung SWK', '--role', 'contractor', '--organisation', 'Stadtwerke Konstanz', '--db', db)),
  // Another organisation: sees none of Stadtwerke Konstanz's works in detail (works-isolation).
  contractor2: keyOf(run('users', 'add', 'Bauleitung Glasfaser', '--role', 'contractor', '--organisation', 'Glasfaser Bodensee GmbH', '--db', db)),
};
writeFileSync(join(storeDir, 'keys.json'), JSON.stringify(keys, null, 2));
console.log(`web_store: ${db} with keys for ${Object.keys(keys).join(', ')}`);
