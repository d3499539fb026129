/**
 * Issue 20, "Done when": whatever a plan says (the planner's, or one edited by hand: random creates,
 * deletes and replaces over a pool of names), nothing the write gate refuses reaches Elasticsearch.
 * Each run sets up the emulator with hand-made tokens, applies the generated plan through applyPlan
 * over a real connection, and reads the emulator's request log: every DELETE that arrived is of a
 * token the manifest may delete (owned, under prune: owned, not protected, not declared) or may
 * replace (declared, not protected), and the deletions of undeclared tokens stay within maxDeletions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyJournal } from '../../src/apply/apply-journal.js';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { AuditLog } from '../../src/apply/audit-log.js';
import { DirectorySecretSink } from '../../src/apply/directory-secret-sink.js';
import { WriteGate } from '../../src/apply/write-gate.js';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { matchesAny } from '../../src/ownership/glob.js';
import { PLAN_FORMAT_VERSION, summarize, type PlanAction } from '../../src/plan/plan-types.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const NAMES = ['gitops-a', 'gitops-b', 'gitops-keep', 'hand-1', 'hand-2', 'ci-20260101T000000Z'] as const;

const scenario = fc.record({
  prune: fc.constantFrom('none' as const, 'owned' as const),
  owns: fc.subarray(['gitops-*', 'hand-1', 'ci-*', '*']),
  protect: fc.subarray(['gitops-keep', 'hand-*', 'ci-2026*']),
  declared: fc.subarray([...NAMES]),
  existing: fc.subarray([...NAMES]),
  maxDeletions: fc.integer({ min: 0, max: 4 }),
  actions: fc.array(fc.record({ kind: fc.constantFrom('create' as const, 'delete' as const, 'replace' as const), token: fc.constantFrom(...NAMES) }),
    { maxLength: 8 }),
});

describe('property: nothing the write gate refuses reaches the emulator, whatever the plan says', () => {
  let work: string;
  let emu: RunningEmulator;
  let connection: ClusterConnection;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-gate-property-'));
    emu = await startEmulator({ dataDir: path.join(work, 'emu'), isTls: true, nodeCount: 1, refreshIntervalMs: 10 });
    connection = createClusterConnection(desiredCluster('prod', [], {
      urls: [emu.url], auth: { kind: 'basic', username: 'elastic', password: { env: 'ES_PW' } }, tls: { caFile: emu.caFile!, isInsecure: false },
    }), { env: { ES_PW: emu.superuser.password } });
  });
  afterAll(async () => {
    await connection?.close();
    await emu?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function reset(existing: readonly string[]): Promise<void> {
    for (const name of (await connection.getCredentials(FLEET)).indexTokens) await connection.deleteToken(FLEET, name, { refresh: 'true' });
    for (const name of existing) await connection.createToken(FLEET, name, { refresh: 'true' });
    emu.clearRequests();
  }

  it('every DELETE that arrives is one the manifest allows', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(scenario, async (s) => {
      run += 1;
      await reset(s.existing);
      const account = desiredAccount(FLEET, { prune: s.prune, owns: s.owns, protect: s.protect, tokens: s.declared.map((n) => desiredToken(n)) });
      const desired = desiredState([desiredCluster('prod', [account], { maxDeletions: s.maxDeletions })]);
      const actions: PlanAction[] = s.actions.map((a) => ({ ...a, principal: FLEET, reason: 'generated' }));
      const clusters = [{ cluster: 'prod', clusterUuid: 'u', version: '9.4.0', observedDigest: 'd', actions, fileTokenDrift: [], warnings: [] }];
      const dir = path.join(work, `run-${run}`);
      await applyPlan({ formatVersion: PLAN_FORMAT_VERSION, clusters, summary: summarize(clusters) }, {
        gate: new WriteGate({ desired, apis: new Map([['prod', connection]]), sinkKeys: new Set() }),
        sink: new DirectorySecretSink(path.join(dir, 'secrets')),
        journal: await ApplyJournal.open(path.join(dir, 'journal.json')),
        audit: new AuditLog(path.join(dir, 'audit.log'), () => new Date()), concurrency: 4,
      });
      const deleted = emu.requests().filter((r) => r.method === 'DELETE').map((r) => decodeURIComponent(r.path.split('?')[0]!.split('/').at(-1)!));
      let removals = 0;
      for (const name of deleted) {
        expect(matchesAny(s.protect, name), `${name} is protected`).toBe(false);
        if ((s.declared as readonly string[]).includes(name)) continue; // a replace (or the rollback of a create this run made)
        removals += 1;
        expect(s.prune, `${name} deleted without prune: owned`).toBe('owned');
        expect(matchesAny(s.owns, name), `${name} deleted without an owns match`).toBe(true);
      }
      expect(removals).toBeLessThanOrEqual(s.maxDeletions);
      const created = emu.requests().filter((r) => r.method === 'POST' && r.path.includes('/credential/token/'))
        .map((r) => decodeURIComponent(r.path.split('?')[0]!.split('/').at(-1)!));
      for (const name of created) expect(s.declared as readonly string[], `${name} created without being declared`).toContain(name);
    }), { numRuns: 60, seed: 20 });
  });
});
