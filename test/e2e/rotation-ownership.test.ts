/**
 * Issue 12, item 1, as a new user met it: rotation must not adopt or delete tokens nobody owns.
 * Each case failed on the code before the deletion gate (hand-made generation deleted as "rotated
 * out"; a foreign recent one adopted as current with "No changes").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generationName } from '../../src/ownership/generation-name.js';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const KIBANA = 'elastic/kibana';
const HAND_MADE = 'k-20200101T000000Z';

describe('rotation and ownership, end to end', () => {
  let e2e: E2e;
  beforeEach(async () => {
    e2e = await startE2e({ nodeCount: 1 });
  });
  afterEach(async () => {
    await e2e?.close();
  });

  it('a hand-made generation-like token with no prune and no owns survives rotation past its overlap', async () => {
    await e2e.es('POST', `/_security/service/${KIBANA}/credential/token/${HAND_MADE}`);
    e2e.writeManifest({ [KIBANA]: { tokens: [{ name: 'k', rotate: { every: '10s', overlap: '1s' } }] } });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/looks like a generation of k, but the secret sink has no value for it/);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the 1 s overlap of the new generation
    const again = await e2e.cli(['apply', '--auto-approve', '--output', 'json']);
    expect(again.code).toBe(0);
    expect(await e2e.indexTokens(KIBANA)).toContain(HAND_MADE);
    const plan = JSON.parse((await e2e.cli(['plan', '--output', 'json'])).stdout);
    expect(plan.clusters[0].actions.filter((a: { kind: string }) => a.kind === 'delete')).toEqual([]);
    expect(plan.clusters[0].warnings.map((w: { code: string; token: string }) => `${w.code} ${w.token}`))
      .toContain(`ESCRED_GENERATION_KEPT ${HAND_MADE}`);
  });

  it('a foreign generation made an hour ago is not adopted as current: a new one is made, with a warning', async () => {
    const foreign = generationName('m', Date.now() - 3_600_000);
    await e2e.es('POST', `/_security/service/${KIBANA}/credential/token/${foreign}`);
    e2e.writeManifest({ [KIBANA]: { prune: 'owned', owns: ['m-*'], tokens: [{ name: 'm', rotate: { every: '30d', overlap: '1d' } }] } });
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/\+ create\s+m-\d{8}T\d{6}Z\s+rotate: no generation of m has its value in the secret sink/);
    expect(plan.stdout).toContain(`${foreign} looks like a generation of m`);
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    const current = (await e2e.indexTokens(KIBANA)).find((n) => n !== foreign)!;
    expect((await e2e.whoIs(e2e.sinkValue(KIBANA, current))).token).toEqual({ name: current, type: '_service_account_index' });
    expect(await e2e.indexTokens(KIBANA)).toContain(foreign); // inside the overlap: nothing deleted yet
  });
});
