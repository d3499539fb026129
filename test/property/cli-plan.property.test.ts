/**
 * A few runs of the real CLI (`escred plan --output json`) on generated valid manifests against a
 * live emulator holding listed, owned, protected and unowned tokens: no crash, the plan is JSON,
 * and the exit code says what the plan says (0 no changes, 2 changes, 1 only with a cluster error).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';
import { PRINCIPALS, TOKEN_POOL } from './manifest-arbitraries.js';

const account = fc.record({
  prune: fc.constantFrom('none', 'owned'),
  owns: fc.constantFrom('gitops-*', '*', 'manual-*'),
  protect: fc.constantFrom(['gitops-keep-*'], ['ci-*']),
  tokens: fc.uniqueArray(fc.constantFrom(...TOKEN_POOL), { maxLength: 3 }).map((names) => names.map((name) => ({ name }))),
});
const accounts = fc.dictionary(fc.constantFrom(...PRINCIPALS), account, { minKeys: 1, maxKeys: 3 });
const maxDeletions = fc.integer({ min: 0, max: 3 });

describe('the real CLI plans generated manifests', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 2 });
    for (const token of ['gitops-a', 'gitops-keep-1', 'manual-1', 'ci-x']) {
      expect((await e2e.es('POST', `/_security/service/elastic/fleet-server/credential/token/${token}`)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('plan --output json --detailed-exitcode: no crash, exit code matches the plan', async () => {
    await fc.assert(fc.asyncProperty(accounts, maxDeletions, async (generated, limit) => {
      e2e.writeManifest(generated, { maxDeletions: limit });
      const result = await e2e.cli(['plan', '--output', 'json', '--detailed-exitcode']);
      expect(result.stderr).not.toMatch(/TypeError|ReferenceError|Unhandled|at .*\.js:\d+/);
      const plan = JSON.parse(result.stdout) as { clusters: Array<{ cluster: string; error?: { code: string } }>; summary: Record<string, number> };
      expect(plan.clusters.map((c) => c.cluster)).toEqual(['e2e']);
      const hasError = plan.clusters.some((c) => c.error !== undefined);
      const hasChanges = plan.summary.create! + plan.summary.replace! + plan.summary.delete! + plan.summary.fileTokenDrift! > 0;
      expect(result.code).toBe(hasError ? 1 : hasChanges ? 2 : 0);
      if (hasError) expect(plan.clusters[0]!.error!.code).toMatch(/^ESCRED_[A-Z_]+$/);
    }), { numRuns: 6 });
  });
});
