/**
 * `escred revoke` (issue 23 §5) through the CLI against the emulator: a leaked generation is
 * replaced first (new value stored and verified), then deleted at once whatever the overlap; a plain
 * declared token is replaced under its name; an undeclared one is deleted; a protected one only
 * with --include-protected; the audit log records the reason.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const TOKEN_CALLS = /^\/_security\/(service\/.*\/credential\/token\/|_authenticate)/;

describe('escred revoke', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    e2e.writeManifest({ [FLEET]: { prune: 'owned', owns: ['ci-*', 'app'], protect: ['keep'],
      tokens: [{ name: 'ci', rotate: { every: '30d', overlap: '7d' } }, { name: 'app' }, { name: 'keep' }] } });
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const calls = () => e2e.emulator.requests().filter((r) => TOKEN_CALLS.test(r.path))
    .map((r) => `${r.method} ${r.path.replace(/^\/_security\/service\/elastic\/fleet-server\/credential\/token\//, '')}`.replace(/\?.*$/, ''));

  it('a leaked generation: its replacement is created and verified, then it is deleted at once, and the audit log has the reason', async () => {
    const [leaked] = (await e2e.indexTokens(FLEET)).filter((n) => n.startsWith('ci-'));
    const leakedValue = e2e.sinkValue(FLEET, leaked!);
    e2e.emulator.clearRequests();
    const revoke = await e2e.cli(['revoke', 'e2e', FLEET, leaked!, '--reason', 'pasted in a CI log', '--auto-approve']);
    expect(revoke.code).toBe(0);
    const replacement = (await e2e.indexTokens(FLEET)).find((n) => n.startsWith('ci-'))!;
    expect(replacement).not.toBe(leaked);
    expect(revoke.stdout).toContain(`revoke (pasted in a CI log): the replacement of ${leaked}`);
    expect(revoke.stdout).toContain('revoke (pasted in a CI log): deleted at once, whatever the overlap');
    expect(calls()).toEqual([`POST ${replacement}`, 'GET /_security/_authenticate', `DELETE ${leaked}`]);
    expect((await e2e.whoIs(leakedValue)).status).toBe(401);
    expect((await e2e.whoIs(e2e.sinkValue(FLEET, replacement))).token?.name).toBe(replacement);
    const audit = readFileSync(`${e2e.work}/.escred/audit.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit).toContainEqual({ time: expect.any(String), cluster: 'e2e', account: FLEET, token: leaked, action: 'delete',
      purpose: 'revoke', outcome: 'ok', reason: 'pasted in a CI log' });
  });

  it('a declared plain token is replaced under its name; an undeclared hand-made one is deleted; JSON as for apply', async () => {
    const old = e2e.sinkValue(FLEET, 'app');
    const hand = await e2e.es('POST', `/_security/service/${FLEET}/credential/token/hand-made`);
    expect(hand.status).toBe(200);
    const revoke = await e2e.cli(['revoke', 'e2e', FLEET, 'app', 'hand-made', '--auto-approve', '--output', 'json']);
    expect(revoke.code).toBe(0);
    const document = JSON.parse(revoke.stdout);
    expect(document.changes.map((c: { token: string; action: string; outcome: string }) => `${c.token} ${c.action} ${c.outcome}`).sort())
      .toEqual(['app replace replaced', 'hand-made delete deleted']);
    expect((await e2e.whoIs(old)).status).toBe(401);
    expect((await e2e.whoIs(hand.json.token.value)).status).toBe(401);
    expect((await e2e.whoIs(e2e.sinkValue(FLEET, 'app'))).token?.name).toBe('app');
  });

  it('refuses a protected token without --include-protected, writing nothing; with it, the plan says so', async () => {
    const value = e2e.sinkValue(FLEET, 'keep');
    e2e.emulator.clearRequests();
    const refused = await e2e.cli(['revoke', 'e2e', FLEET, 'keep', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[ESCRED_REVOKE_PROTECTED]');
    expect(refused.stderr).toContain('keep of elastic/fleet-server on cluster e2e is protected');
    expect(calls()).toEqual([]);
    expect((await e2e.whoIs(value)).status).toBe(200);
    const allowed = await e2e.cli(['revoke', 'e2e', FLEET, 'keep', '--include-protected', '--auto-approve']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('same name, so its value stops working at once, protected (--include-protected)');
    expect((await e2e.whoIs(value)).status).toBe(401);
  });

  it('--all revokes every token whose value the sink holds, a protected one only with --include-protected', async () => {
    const before = await e2e.indexTokens(FLEET);
    const values = new Map(before.map((name) => [name, e2e.sinkValue(FLEET, name)]));
    const hand = await e2e.es('POST', `/_security/service/${FLEET}/credential/token/hand-2`);
    const all = await e2e.cli(['revoke', 'e2e', FLEET, '--all', '--auto-approve']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('keep is protected: escred revoke needs --include-protected to revoke it');
    for (const [name, value] of values) expect((await e2e.whoIs(value)).status).toBe(name === 'keep' ? 200 : 401);
    expect((await e2e.whoIs(hand.json.token.value)).status).toBe(200); // not escred's: its value is not in the sink
    const after = await e2e.indexTokens(FLEET);
    expect(after.filter((n) => n.startsWith('ci-'))).toHaveLength(1);
    for (const name of after.filter((n) => n !== 'hand-2')) expect((await e2e.whoIs(e2e.sinkValue(FLEET, name))).token?.name).toBe(name);
  });

  it('a token the cluster does not have is an error, and nothing is written', async () => {
    e2e.emulator.clearRequests();
    const typo = await e2e.cli(['revoke', 'e2e', FLEET, 'ap', '--auto-approve']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('the cluster has no index token ap (e2e)');
    expect(e2e.emulator.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/_security'))).toEqual([]);
  });
});
