/**
 * Bundles the CLI (issue 16: start-up). `tsc` emits dist/ file by file; Node then resolves and reads
 * some 300 modules (yaml, ajv's runtime, commander, escred's own) before `escred validate` does
 * anything, about 70 ms over bare `node -e 0`. esbuild puts the CLI and its dependencies into
 * dist/cli/main.js plus lazily loaded chunks (each command's implementation is still a dynamic
 * import), which brings `validate` and `--version` within 50 ms of bare node.
 * Runs after tsc (`npm run build`): it replaces dist/cli/main.js, the `bin`, which the e2e tests run;
 * the rest of dist/ stays tsc's, for the tests, the bench and the demo. Chunks sit next to main.js,
 * at the same depth as every dist/<folder>/ file, so paths built from import.meta.url still resolve.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'cli');

for (const file of readdirSync(OUT)) if (file.startsWith('chunk-')) rmSync(join(OUT, file));

await build({
  entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // CommonJS dependencies (ajv, prom-client, ...) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __escredCreateRequire } from 'node:module'; const require = __escredCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});

// The last step of the build: scripts/build-if-stale.mjs compares the inputs' times with this file's.
writeFileSync(join(ROOT, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
