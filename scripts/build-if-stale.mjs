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
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BUILD_STAMP = join(ROOT, 'dist', '.build-stamp');
/** what `npm run build` reads: the sources, the schemas they embed, the build's own scripts and settings */
const INPUTS = ['src', 'schemas', 'scripts/bundle-cli.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest file or folder under `path`: its time and its path (for the message that says why a build runs). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return { mtimeMs: 0, path };
  // a directory's own mtime changes when a file is added, removed or renamed in it
  let found = { mtimeMs: stat.mtimeMs, path };
  if (!stat.isDirectory()) return found;
  for (const entry of readdirSync(path)) {
    const inner = newest(join(path, entry));
    if (inner.mtimeMs > found.mtimeMs) found = inner;
  }
  return found;
}

/** The input newer than the last build (or the missing stamp), in words; undefined when dist/ is current. */
function whyStale() {
  const stamp = statSync(BUILD_STAMP, { throwIfNoEntry: false });
  if (!stamp) return 'no dist/.build-stamp';
  const changed = INPUTS.map((input) => newest(join(ROOT, input))).find((found) => found.mtimeMs > stamp.mtimeMs);
  return changed === undefined ? undefined : `${relative(ROOT, changed.path)} changed since the last build`;
}

const stale = whyStale();
if (stale) {
  console.log(`building: ${stale}`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
console.log('dist/ is up to date (no input newer than dist/.build-stamp)');
