/**
 * Issue 24: install as users install. `npm pack` the checkout (dist/ is built by pretest), install the
 * tarball globally into a temporary prefix with the Dockerfile's own `npm install` line, then run that
 * installed escred from outside the checkout: --version, validate every example, an emulator and a
 * plan against it, and the Dockerfile's HEALTHCHECK against its watch daemon. A file missing from
 * package.json `files`, or a runtime import of a package that is not a dependency, fails here.
 */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, startLongRunning } from '../support/child-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
/** `RUN npm install ... /tmp/escred.tgz && ...`: the image's install step, which this test runs too */
const INSTALL = /^RUN (npm install [^&]+?) \/tmp\/escred\.tgz /m.exec(DOCKERFILE)?.[1];
const COPIED_TARBALL = /^COPY (\S+\.tgz) \/tmp\/escred\.tgz$/m.exec(DOCKERFILE)?.[1];
const HEALTHCHECK = /^HEALTHCHECK .*CMD (\[.*\])$/m.exec(DOCKERFILE)?.[1];
const INSTALL_TIMEOUT_MS = 240_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the Dockerfile', () => {
  it('lints clean with dockerfile-utils (which does flag a broken one)', () => {
    expect(validate(DOCKERFILE)).toEqual([]);
    expect(validate('FROM node:26-slim\nENTRYPOINT escred\nENTRYPOINT ["escred"]\nCOPY\n').length).toBeGreaterThan(0);
  });

  it('installs the tarball `npm pack` makes, runs as a non-root user, with escred as entrypoint and a /healthz check', () => {
    expect(COPIED_TARBALL).toBe(`escred-${VERSION}.tgz`);
    expect(INSTALL).toMatch(/^npm install --global /);
    expect(DOCKERFILE).toMatch(/^FROM node:\d+-slim$/m);
    expect(DOCKERFILE).toMatch(/^USER 10001:10001$/m);
    expect(DOCKERFILE).toMatch(/^ENTRYPOINT \["escred"\]$/m);
    expect(HEALTHCHECK).toContain('http://127.0.0.1:9464/healthz');
  });
});

describe('npm pack, then npm install --global of the tarball, as the Dockerfile does', () => {
  let work: string;
  let escred: string;
  const env = { ...process.env, NO_COLOR: '1' };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'escred-pack-'));
    // --ignore-scripts: pretest built dist/ already; prepare would build it again
    const pack = await runToEnd('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, timeoutMs: 60_000 });
    expect(pack.code, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as [{ filename: string }];
    expect(packed.filename).toBe(COPIED_TARBALL);
    const [npm, ...args] = INSTALL!.split(/\s+/);
    const install = await runToEnd(npm!, [...args, '--prefix', join(work, 'prefix'), join(work, packed.filename)], { cwd: work, timeoutMs: INSTALL_TIMEOUT_MS });
    expect(install.code, install.stderr).toBe(0);
    escred = join(work, 'prefix', 'bin', 'escred');
  }, INSTALL_TIMEOUT_MS + 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the installed command is the packed copy, not the checkout, and says its version', async () => {
    expect(realpathSync(escred)).toBe(join(realpathSync(work), 'prefix', 'lib', 'node_modules', 'escred', 'dist', 'cli', 'main.js'));
    const result = await runToEnd(escred, ['--version'], { cwd: work, env });
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('validates every example', async () => {
    const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
      .filter((e) => e.name.endsWith('.yaml') || e.name === 'multi-cluster').map((e) => join(ROOT, 'examples', e.name));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) {
      const result = await runToEnd(escred, ['validate', example], { cwd: work, env });
      expect({ example, code: result.code, stderr: result.stderr }).toEqual({ example, code: 0, stderr: '' });
    }
  });

  it('runs its emulator, plans examples/quickstart.yaml against it, and its watch daemon passes the HEALTHCHECK', async () => {
    const dataDir = join(work, 'emulator');
    const emulator = startLongRunning(escred, ['emulator', '--data-dir', dataDir, '--nodes', '1'], { cwd: work, env });
    try {
      const [, url] = await emulator.waitFor(/listening on (\S+)/);
      const quickstart = readFileSync(join(ROOT, 'examples', 'quickstart.yaml'), 'utf8');
      const manifest = quickstart.replace('https://127.0.0.1:9200', url!).replaceAll('../.escred/demo/emulator/', `${dataDir}/`)
        .replace('../.escred/demo/secrets', './secrets');
      expect(manifest.match(new RegExp(dataDir, 'g'))).toHaveLength(2);
      writeFileSync(join(work, 'escred.yaml'), manifest);
      const plan = await runToEnd(escred, ['plan', 'escred.yaml'], { cwd: work, env });
      expect(plan.stderr).toBe('');
      expect(plan.stdout).toContain('Plan: 3 to create, 0 to replace, 0 to delete');
      expect(plan.code).toBe(0);
      await expectHealthcheckPasses(escred, work);
    } finally {
      await emulator.stop();
    }
  });
});

/** The HEALTHCHECK command, with the daemon on a free port instead of 9464: 0 while it runs, 1 once it is gone. */
async function expectHealthcheckPasses(escred: string, work: string): Promise<void> {
  const port = await freePort();
  const [node, ...args] = (JSON.parse(HEALTHCHECK!) as string[]).map((word) => word.replace(':9464/', `:${port}/`));
  expect(node).toBe('node');
  const daemon = startLongRunning(escred, ['watch', 'escred.yaml', '--listen', `127.0.0.1:${port}`], { cwd: work, env: process.env });
  try {
    await daemon.waitFor(/"event":"listening"/);
    expect((await runToEnd(process.execPath, args, { cwd: work })).code).toBe(0);
  } finally {
    await daemon.stop();
  }
  expect((await runToEnd(process.execPath, args, { cwd: work })).code).toBe(1);
}
