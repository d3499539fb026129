/**
 * Rotation with an exec sink that lists (the Vault adapter): the planner learns which generations'
 * values the sink holds through the protocol's `list`, so a generation whose value is gone from
 * Vault is never taken as the current one (before the protocol, an exec sink could not tell).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startE2e, type E2e } from '../support/e2e-harness.js';
import { installStandIns, type StandIns } from '../sinks/stand-ins.js';

const FLEET = 'elastic/fleet-server';

describe('exec sink and rotation', () => {
  let e2e: E2e;
  let vault: StandIns;
  const folder = () => join(e2e.sinkDir, 'secret', 'escred', 'e2e', FLEET);
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    vault = installStandIns(join(e2e.work, 'stand-in'), { escredCli: CLI, stateDir: e2e.sinkDir });
    e2e.writeManifest({ [FLEET]: { tokens: [{ name: 'ci', rotate: { every: '30d', overlap: '1d' } }] } });
    const text = readFileSync(e2e.manifestPath, 'utf8').replace(/secrets:\n\s+directory: .*\n/,
      'secrets:\n  exec: [escred, sink, vault-kv2, --mount, secret, --prefix, escred]\n');
    writeFileSync(e2e.manifestPath, text);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('a generation whose value Vault lost is not current: plan makes a new one and says why', async () => {
    expect((await e2e.cli(['apply', '--auto-approve'], { env: vault.env })).code).toBe(0);
    const [generation] = await e2e.indexTokens(FLEET);
    expect(generation).toMatch(/^ci-\d{8}T\d{6}Z$/);
    expect(readdirSync(folder())).toEqual([`${generation}.secret`]);
    expect((await e2e.cli(['plan', '--detailed-exitcode'], { env: vault.env })).code).toBe(0);
    rmSync(join(folder(), `${generation}.secret`));
    const plan = await e2e.cli(['plan', '--detailed-exitcode'], { env: vault.env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('rotate: no generation of ci has its value in the secret sink');
    expect(plan.stdout).toContain(`${generation} looks like a generation of ci, but the secret sink has no value for it`);
  });
});
