#!/usr/bin/env node
/**
 * Builds only when something the build reads changed (issue 24: `npm ci` builds through `prepare`,
 * and `npm run demo` and `npm test` used to build again, ~10 s of a newcomer's first minute).
 * dist/.build-stamp is written by scripts/bundle-cli.mjs, the last step of `npm run build`; when no
 * input is newer than it, dist/ is current and this exits at once. Otherwise it runs the build.
 * Usage: node scripts/build-if-stale.mjs
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BUILD_STAMP = join(ROOT, 'dist', '.build-stamp');
/** what `npm run build` reads: the sources, the schemas they embed, the build's own scripts and settings */
const INPUTS = ['src', 'schemas', 'scripts/bundle-cli.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestMtimeMs(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  // a directory's own mtime changes when a file is added, removed or renamed in it
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

function isBuildStale() {
  const stamp = statSync(BUILD_STAMP, { throwIfNoEntry: false });
  if (!stamp) return true;
  return INPUTS.some((input) => newestMtimeMs(join(ROOT, input)) > stamp.mtimeMs);
}

if (isBuildStale()) {
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
console.log('dist/ is up to date (no input newer than dist/.build-stamp)');
