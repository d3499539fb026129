/**
 * Verified rotation (issue 23) against the emulator: a new value is checked with GET
 * /_security/_authenticate as itself once it is in the sink, and older generations go only when
 * the value stored for the generation that stays authenticates as that token.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEntry } from '../../src/apply/change-set.js';
import { applyPass } from '../../src/reconcile/apply-pass.js';
import { openPass } from '../../src/reconcile/open-pass.js';
import { planPass } from '../../src/reconcile/plan-pass.js';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const ROTATING = { [FLEET]: { prune: 'owned', owns: 'ci-*', tokens: [{ name: 'ci', rotate: { every: '30d', overlap: '2d' } }] } };

/**
 * An exec sink over a folder that lists and reads back; with ESCRED_TEST_CORRUPT set it stores
 * something else than it was given (a sink that mangles values), and reads back what it stored.
 */
const MANGLING_SINK = `import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.env.ESCRED_TEST_SINK_DIR;
const m = JSON.parse(readFileSync(0, 'utf8'));
const file = m.token ? join(dir, encodeURIComponent(m.cluster + '|' + m.serviceAccount + '|' + m.token)) : '';
const ok = (extra = {}) => process.stdout.write(JSON.stringify({ protocolVersion: 1, status: 'ok', ...extra }));
mkdirSync(dir, { recursive: true });
if (m.action === 'store') { writeFileSync(file, process.env.ESCRED_TEST_CORRUPT ? m.value.slice(0, -2) + 'zz' : m.value); ok(); }
else if (m.action === 'read') ok({ value: existsSync(file) ? readFileSync(file, 'utf8') : null });
else if (m.action === 'delete') { rmSync(file, { force: true }); ok(); }
else if (m.action === 'list') ok({ keys: readdirSync(dir).map((f) => { const [cluster, serviceAccount, token] = decodeURIComponent(f).split('|'); return { cluster, serviceAccount, token }; }) });
else ok();
`;

describe('verified rotation', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  async function passAt(env: E2e, nowMs: number): Promise<ChangeEntry[]> {
    const pass = await openPass({ manifestArgs: [env.manifestPath], cwd: env.work, isApplying: true,
      connection: { env: { [PASSWORD_ENV]: env.emulator.superuser.password } } });
    try {
      const planned = await planPass(pass, { nowMs });
      return (await applyPass(pass, planned, { concurrency: 4, clock: () => new Date(nowMs) })).changeSet.entries;
    } finally {
      await pass.close();
    }
  }

  it('a sink that stores a different value than it was given: the rotation keeps the old generation and fails naming the new one', async () => {
    const env = (e2e = await startE2e({ nodeCount: 1 }));
    const sink = join(env.work, 'mangling-sink.mjs');
    writeFileSync(sink, MANGLING_SINK);
    env.writeManifest(ROTATING);
    writeFileSync(env.manifestPath, readFileSync(env.manifestPath, 'utf8')
      .replace(/secrets:\n\s+directory: .*\n/, `secrets:\n  exec: ${JSON.stringify([process.execPath, sink])}\n`));
    const sinkEnv = { ESCRED_TEST_SINK_DIR: join(env.work, 'mangled') };
    expect((await env.cli(['apply', '--auto-approve'], { env: sinkEnv })).code).toBe(0);
    const [first] = await env.indexTokens(FLEET);
    env.emulator.clearRequests();
    const rotate = await env.cli(['rotate', 'e2e', FLEET, 'ci', '--revoke-old', '--auto-approve'], { env: { ...sinkEnv, ESCRED_TEST_CORRUPT: '1' } });
    expect(rotate.code).toBe(1);
    const names = await env.indexTokens(FLEET);
    const second = names.find((n) => n !== first)!;
    expect(names).toEqual([first, second].sort());
    expect(rotate.stdout).toContain(`${second}: failed: ${second} was created and its value handed to the secret sink`);
    expect(rotate.stdout).toContain(`the value stored for ${second} does not authenticate (401)`);
    expect(rotate.stdout).toContain('Apply failed.');
    // the new value was checked once, and nothing was deleted
    const requests = env.emulator.requests();
    expect(requests.filter((r) => r.path === '/_security/_authenticate')).toHaveLength(1);
    expect(requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/_security'))).toEqual([]);
  });

  it('a sink that cannot give values back (read answered unsupported) is checked with the value handed to it, and the apply succeeds', async () => {
    const env = (e2e = await startE2e({ nodeCount: 1 }));
    const sink = join(env.work, 'write-only-sink.mjs');
    writeFileSync(sink, `import { readFileSync } from 'node:fs';
const m = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({ protocolVersion: 1, status: ['list', 'read'].includes(m.action) ? 'unsupported' : 'ok' }));
`);
    env.writeManifest({ [FLEET]: { tokens: [{ name: 'plain' }] } });
    writeFileSync(env.manifestPath, readFileSync(env.manifestPath, 'utf8')
      .replace(/secrets:\n\s+directory: .*\n/, `secrets:\n  exec: ${JSON.stringify([process.execPath, sink])}\n`));
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('plain: created: verified with the value handed to the sink (the sink does not give values back)');
  });

  it('older generations go only once the value stored for the one that stays authenticates as it', async () => {
    const env = (e2e = await startE2e({ nodeCount: 1 }));
    env.writeManifest(ROTATING);
    expect((await passAt(env, START)).map((e) => e.outcome)).toEqual(['created']);
    expect((await passAt(env, START + 30 * DAY)).map((e) => e.outcome)).toEqual(['created']);
    const [old, current] = await env.indexTokens(FLEET);
    const good = env.sinkValue(FLEET, current!)!;
    const file = join(env.sinkDir, 'e2e', FLEET, current!);
    writeFileSync(file, env.sinkValue(FLEET, old!)!); // the sink now holds another token's value under current's name
    const held = await passAt(env, START + 32 * DAY);
    expect(held).toEqual([{ cluster: 'e2e', principal: FLEET, token: old, action: 'delete', outcome: 'failed',
      detail: `not deleted: verification of ${current} failed (the value stored for ${current} authenticates as ${FLEET} token ${old}, ` +
        `not as ${FLEET} token ${current}); older generations are kept until its stored value authenticates`,
      code: 'ESCRED_VERIFY_FAILED', unverifiedToken: current }]);
    expect(await env.indexTokens(FLEET)).toEqual([old, current]);
    writeFileSync(file, good);
    expect(await passAt(env, START + 33 * DAY)).toEqual([{ cluster: 'e2e', principal: FLEET, token: old, action: 'delete', outcome: 'deleted' }]);
    expect(await env.indexTokens(FLEET)).toEqual([current]);
  });
});
