/** `escred rotate CLUSTER ACCOUNT TOKEN [--revoke-old]`: a leaked token replaced now, its users kept working. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const OLD = 'ci-20260101T000000Z';

describe('escred rotate', () => {
  let e2e: E2e;
  const authenticates = async (value: string | undefined) => (await e2e.whoIs(value)).status === 200;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    e2e.writeManifest({ [FLEET]: { prune: 'owned', owns: ['ci-*', 'gitops-*'], tokens: [
      { name: 'ci', rotate: { every: '3650d', overlap: '2d' } }, { name: 'gitops-a' }] } });
    // a generation made by an earlier apply, its value in the sink
    const { json } = await e2e.es('POST', `/_security/service/${FLEET}/credential/token/${OLD}`);
    mkdirSync(join(e2e.sinkDir, 'e2e', FLEET), { recursive: true });
    writeFileSync(join(e2e.sinkDir, 'e2e', FLEET, OLD), json.token.value, { mode: 0o600 });
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('refuses a token the manifest does not declare, changing nothing', async () => {
    const before = await e2e.indexTokens(FLEET);
    const rotate = await e2e.cli(['rotate', 'e2e', FLEET, 'typo', '--auto-approve']);
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain('the manifest declares no token typo for elastic/fleet-server on cluster e2e');
    expect(await e2e.indexTokens(FLEET)).toEqual(before);
  });

  it('makes the next generation now and keeps the old one for the overlap', async () => {
    const rotate = await e2e.cli(['rotate', 'e2e', FLEET, 'ci', '--auto-approve']);
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toMatch(/\+ create\s+ci-\d{8}T\d{6}Z\s+rotate: forced by escred rotate \(ci-20260101T000000Z is \d+d/);
    const generations = (await e2e.indexTokens(FLEET)).filter((n) => n.startsWith('ci-'));
    expect(generations).toHaveLength(2);
    for (const name of generations) expect(await authenticates(e2e.sinkValue(FLEET, name))).toBe(true);
  });

  it('--revoke-old deletes every older generation in the same apply, after the new value is stored', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // generation names have one-second resolution
    const before = (await e2e.indexTokens(FLEET)).filter((n) => n.startsWith('ci-'));
    const oldValues = before.map((name) => e2e.sinkValue(FLEET, name));
    const rotate = await e2e.cli(['rotate', 'e2e', FLEET, 'ci', '--revoke-old', '--auto-approve']);
    expect(rotate.code).toBe(0);
    const after = (await e2e.indexTokens(FLEET)).filter((n) => n.startsWith('ci-'));
    expect(after).toHaveLength(1);
    expect(before).not.toContain(after[0]);
    expect(await authenticates(e2e.sinkValue(FLEET, after[0]!))).toBe(true);
    for (const value of oldValues) expect(await authenticates(value)).toBe(false);
    expect(rotate.stdout.indexOf(`${after[0]}: created`)).toBeLessThan(rotate.stdout.indexOf(': deleted'));
  });

  it('a token without rotate: is replaced under the same name; the old value stops working', async () => {
    const old = e2e.sinkValue(FLEET, 'gitops-a');
    const rotate = await e2e.cli(['rotate', 'e2e', FLEET, 'gitops-a', '--auto-approve']);
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toContain('gitops-a: replaced');
    expect(await authenticates(old)).toBe(false);
    expect(await authenticates(e2e.sinkValue(FLEET, 'gitops-a'))).toBe(true);
  });
});
