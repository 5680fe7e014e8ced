// The page's TypeScript against the API as it is: fetch /api from a real `rootzone serve`,
// generate its types with openapi-typescript into the build folder, and run `tsc --noEmit`
// over web/src with `rootzone-api-types` pointing there (esbuild, which bundles the page,
// does not type-check).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { outDir, sourceDir, startServer } from './fixture.mjs';

test('web/src type-checks against the types generated from /api', async () => {
  const server = await startServer();
  const dir = join(outDir, 'typecheck');
  mkdirSync(dir, { recursive: true });
  try {
    const res = await fetch(`${server.base}/api`);
    writeFileSync(join(dir, 'api.json'), await res.text());
  } finally {
    await server.stop();
  }
  const web = join(sourceDir, 'web');
  const types = join(dir, 'api-types.d.ts');
  execFileSync(process.execPath, [join(web, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), join(dir, 'api.json'), '-o', types], {
    stdio: 'inherit',
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(web, 'tsconfig.json'),
      compilerOptions: { paths: { 'rootzone-api-types': [types] }, typeRoots: [join(web, 'node_modules', '@types')] },
      include: [join(web, 'src', '**', '*.ts')],
    }),
  );
  // Throws (and fails the test) with tsc's diagnostics on stdout.
  execFileSync(process.execPath, [join(web, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--noEmit', '--pretty', 'false'], {
    stdio: 'inherit',
  });
});
