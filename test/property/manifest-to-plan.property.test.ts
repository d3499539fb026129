/**
 * Generated manifests through the whole front of escred (issue 8): loadManifest on one to three
 * generated files (valid-ish fragments, garbage, noise) never throws and every failure is a
 * positioned diagnostic; every manifest that loads goes through buildPlan against generated
 * observed states, and the plan keeps the safety rules whatever the cluster reports. (Single-file
 * schema fuzzing lives in test/manifest/load-manifest-property.test.ts; this adds merging and plan.)
 */
import fc from 'fast-check';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadManifest, type LoadManifestResult } from '../../src/manifest/load-manifest.js';
import type { DesiredState, ObservedCluster } from '../../src/model.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { renderHumanPlan } from '../../src/plan/render-human.js';
import { clusterFragment, fileNoise, observedFor, secretsFragment } from './manifest-arbitraries.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'escred-property-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let runId = 0;
async function loadFiles(contents: readonly (string | Uint8Array)[]): Promise<LoadManifestResult> {
  const folder = join(dir, `run-${runId++}`);
  await mkdir(folder);
  const paths = await Promise.all(contents.map(async (content, i) => {
    const path = join(folder, `part-${i}.yaml`);
    await writeFile(path, content);
    return path;
  }));
  return loadManifest(paths, { cwd: folder });
}

function expectDiagnosticsOrDesired(result: LoadManifestResult): void {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(result.desired === null).toBe(errors.length > 0);
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^ESCRED_[A-Z0-9_]+$/);
    expect(d.file.length).toBeGreaterThan(0);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.message.trim().length).toBeGreaterThan(0);
  }
}

/** The rules a plan may never break, whatever the cluster reports. */
function expectSafePlan(desired: DesiredState, observed: ObservedCluster[]): void {
  const plan = buildPlan(desired, observed, { nowMs: 1_700_000_000_000, sinkSecrets: new Set() });
  renderHumanPlan(plan, { isColor: false });
  JSON.stringify(plan);
  expect(plan.clusters.map((c) => c.cluster)).toEqual(desired.clusters.filter((c) => observed.some((o) => o.name === c.name)).map((c) => c.name));
  for (const clusterPlan of plan.clusters) {
    const cluster = desired.clusters.find((c) => c.name === clusterPlan.cluster)!;
    const seen = observed.find((o) => o.name === cluster.name)!;
    for (const action of clusterPlan.actions) {
      const account = cluster.serviceAccounts.find((a) => a.principal === action.principal);
      expect(account, `${action.kind} for an account the manifest does not declare`).toBeDefined();
      const listed = account!.tokens.some((t) => t.name === action.token);
      const existing = seen.serviceAccounts.find((a) => a.principal === action.principal)?.indexTokens ?? [];
      if (action.kind === 'delete') {
        expect(account!.prune).toBe('owned');
        expect(listed, `deletes listed ${action.token}`).toBe(false);
        expect(account!.owns.some((p) => glob(p, action.token)), `deletes unowned ${action.token}`).toBe(true);
        expect(account!.protect.some((p) => glob(p, action.token)), `deletes protected ${action.token}`).toBe(false);
        expect(existing).toContain(action.token);
      } else if (action.kind === 'create') {
        expect(listed).toBe(true);
        expect(existing).not.toContain(action.token);
      } else {
        expect(listed).toBe(true);
        expect(existing).toContain(action.token);
      }
    }
    const deletions = clusterPlan.actions.filter((a) => a.kind === 'delete').length;
    if (deletions > cluster.maxDeletions) expect(clusterPlan.error?.code).toBe('ESCRED_MAX_DELETIONS');
  }
}

function glob(pattern: string, name: string): boolean {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(name);
}

describe('generated manifests: load (validate) and plan never crash', () => {
  it('one to three files of fragments and noise: a desired state or positioned diagnostics', async () => {
    const file = fc.oneof(
      { weight: 3, arbitrary: fc.array(clusterFragment, { maxLength: 2 }).map((clusters) => stringify({ apiVersion: 'escred/v1', clusters })) },
      { weight: 2, arbitrary: secretsFragment.map((secrets) => stringify({ apiVersion: 'escred/v1', secrets })) },
      { weight: 1, arbitrary: fileNoise },
    );
    await fc.assert(fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 3 }), async (files) => {
      expectDiagnosticsOrDesired(await loadFiles(files));
    }), { numRuns: 120 });
  });

  it('every manifest that loads plans safely against any observed state', async () => {
    const input = fc.record({
      clusters: fc.array(clusterFragment, { minLength: 1, maxLength: 2 }),
      // valid sinks only: garbage secrets are the property above; here the manifest should reach the planner
      secrets: fc.constantFrom({ directory: './secrets' }, { exec: ['vault', 'kv', 'put'] }),
      seed: fc.integer(),
    });
    let loaded = 0;
    await fc.assert(fc.asyncProperty(input, fc.context(), async ({ clusters, secrets, seed }, ctx) => {
      const result = await loadFiles([stringify({ apiVersion: 'escred/v1', secrets, clusters })]);
      expectDiagnosticsOrDesired(result);
      if (!result.desired) return;
      loaded++;
      const observed = result.desired.clusters.flatMap((c, i) => observedFor(c, seed + i));
      ctx.log(JSON.stringify(observed));
      expectSafePlan(result.desired, observed);
    }), { numRuns: 150 });
    // the generator must reach the planner often enough to mean something
    expect(loaded).toBeGreaterThan(30);
    console.log(`manifest-to-plan: ${loaded} of 150 generated manifests reached the planner`);
  });
});
