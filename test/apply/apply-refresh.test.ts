/**
 * applyPlan under Elasticsearch's refresh rule (issue 16; src/apply/refresh-fence.ts): every token
 * write with refresh=false, the last write of each cluster with refresh=wait_for once the others
 * answered, and the listing (what the next plan reads) shows every write when apply returns.
 * The emulator runs Elasticsearch's 1 s refresh interval, so a write that no refresh covered yet
 * is missing from the listing right after apply.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyJournal } from '../../src/apply/apply-journal.js';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { TokenApi, WriteOptions } from '../../src/apply/apply-ports.js';
import { WriteGate } from '../../src/apply/write-gate.js';
import { AuditLog } from '../../src/apply/audit-log.js';
import { DirectorySecretSink } from '../../src/apply/directory-secret-sink.js';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { summarize, PLAN_FORMAT_VERSION, type ClusterPlan, type Plan, type PlanAction } from '../../src/plan/plan-types.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';

interface Call {
  cluster: string;
  call: 'create' | 'delete';
  token: string;
  refresh: WriteOptions['refresh'];
  startedAt: number;
  answeredAt: number;
}

/** The real connection, with each token call and its refresh recorded in order. */
function recording(connection: ClusterConnection, calls: Call[]): TokenApi {
  let clock = 0;
  const record = async <T>(call: Call['call'], token: string, options: WriteOptions | undefined, work: () => Promise<T>): Promise<T> => {
    const startedAt = clock++;
    try {
      return await work();
    } finally {
      calls.push({ cluster: connection.clusterName, call, token, refresh: options?.refresh, startedAt, answeredAt: clock++ });
    }
  };
  return {
    createToken: (principal, name, options) => record('create', name, options, () => connection.createToken(principal, name, options)),
    deleteToken: (principal, name, options) => record('delete', name, options, () => connection.deleteToken(principal, name, options)),
    getCredentials: (principal) => connection.getCredentials(principal),
    authenticateBearer: (bearer) => connection.authenticateBearer(bearer),
  };
}

function clusterPlan(cluster: string, actions: PlanAction[]): ClusterPlan {
  return { cluster, clusterUuid: 'u', version: '9.4.0', observedDigest: 'd', actions, fileTokenDrift: [], warnings: [] };
}

const create = (principal: string, token: string): PlanAction => ({ kind: 'create', principal, token, reason: 'declared' });
const remove = (principal: string, token: string): PlanAction => ({ kind: 'delete', principal, token, reason: 'owned' });

/** The manifest these plans come from: every create declared, every delete owned and pruned (the write gate checks both). */
function gateFor(plan: Plan, apis: ReadonlyMap<string, TokenApi>): WriteGate {
  const clusters = plan.clusters.map((cluster) => {
    const principals = [...new Set(cluster.actions.map((a) => a.principal))];
    const accounts = principals.map((principal) => desiredAccount(principal, { prune: 'owned', owns: ['*'],
      tokens: cluster.actions.filter((a) => a.principal === principal && a.kind === 'create').map((a) => desiredToken(a.token)) }));
    return desiredCluster(cluster.cluster, accounts, { maxDeletions: 1000 });
  });
  return new WriteGate({ desired: desiredState(clusters), apis });
}

describe('applyPlan: refresh per write (emulator at 1 s, as Elasticsearch)', () => {
  let work: string;
  let emu: RunningEmulator;
  const connections: ClusterConnection[] = [];
  const connect = (name: string) => {
    const connection = createClusterConnection(desiredCluster(name, [], {
      urls: [emu.url], auth: { kind: 'basic', username: 'elastic', password: { env: 'ES_PW' } }, tls: { caFile: emu.caFile!, isInsecure: false },
    }), { env: { ES_PW: emu.superuser.password } });
    connections.push(connection);
    return connection;
  };
  const apply = async (plan: Plan, calls: Call[], names: string[], concurrency = 10) => {
    const apis = new Map(names.map((name) => [name, recording(connect(name), calls)] as const));
    const journal = await ApplyJournal.open(path.join(work, 'journal.json'));
    const audit = new AuditLog(path.join(work, 'audit.log'), () => new Date());
    return applyPlan(plan, { gate: gateFor(plan, apis), sink: new DirectorySecretSink(path.join(work, 'secrets')), journal, audit, concurrency });
  };
  const listed = async (principal: string) => (await connections[0]!.getCredentials(principal)).indexTokens;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-apply-refresh-'));
    emu = await startEmulator({ dataDir: path.join(work, 'emu'), isTls: true, nodeCount: 1 });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await emu?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('creates only, two clusters: all refresh=false but one wait_for per cluster, sent after its others answered; the listing has them all', async () => {
    const calls: Call[] = [];
    const names = Array.from({ length: 8 }, (_, i) => `c-${i}`);
    const plan: Plan = {
      formatVersion: PLAN_FORMAT_VERSION,
      clusters: [clusterPlan('one', names.map((n) => create(FLEET, `one-${n}`))), clusterPlan('two', names.map((n) => create(KIBANA, `two-${n}`)))],
      summary: summarize([]),
    };
    const changes = await apply(plan, calls, ['one', 'two']);
    expect(changes.hasFailures).toBe(false);
    expect(await listed(FLEET)).toEqual(expect.arrayContaining(names.map((n) => `one-${n}`)));
    expect(await listed(KIBANA)).toEqual(expect.arrayContaining(names.map((n) => `two-${n}`)));
    for (const cluster of ['one', 'two']) {
      const mine = calls.filter((c) => c.cluster === cluster);
      const waits = mine.filter((c) => c.refresh === 'wait_for');
      expect(waits).toHaveLength(1);
      expect(mine.filter((c) => c.refresh === 'false')).toHaveLength(names.length - 1);
      expect(mine.every((c) => c === waits[0] || c.answeredAt < waits[0]!.startedAt)).toBe(true);
    }
    expect(changes.entries.map((e) => e.cluster)).toEqual([...names.map(() => 'one'), ...names.map(() => 'two')]);
  });

  it('creates and deletes: the last delete carries the wait, and the listing right after shows the creates and not the deletes', async () => {
    const calls: Call[] = [];
    const plan: Plan = {
      formatVersion: PLAN_FORMAT_VERSION,
      clusters: [clusterPlan('one', [create(FLEET, 'new-1'), create(FLEET, 'new-2'), remove(FLEET, 'one-c-0'), remove(FLEET, 'one-c-1'), remove(FLEET, 'one-c-2')])],
      summary: summarize([]),
    };
    expect((await apply(plan, calls, ['one'])).hasFailures).toBe(false);
    const tokens = await listed(FLEET);
    expect(tokens).toEqual(expect.arrayContaining(['new-1', 'new-2']));
    expect(tokens).not.toEqual(expect.arrayContaining(['one-c-0']));
    expect(tokens.filter((t) => ['one-c-0', 'one-c-1', 'one-c-2'].includes(t))).toEqual([]);
    const last = calls.at(-1)!;
    expect([last.call, last.refresh]).toEqual(['delete', 'wait_for']);
    expect(calls.filter((c) => c.refresh === 'wait_for')).toHaveLength(1);
  });

  it('when the write that was to carry the wait fails, apply still returns only once the listing shows the others', async () => {
    const calls: Call[] = [];
    const plan: Plan = {
      formatVersion: PLAN_FORMAT_VERSION,
      clusters: [clusterPlan('one', [create(FLEET, 'fb-1'), create(FLEET, 'fb-2'), create('elastic/no-such-account', 'fb-3')])],
      summary: summarize([]),
    };
    const changes = await apply(plan, calls, ['one']);
    expect(changes.entries.map((e) => e.outcome)).toEqual(['created', 'created', 'failed']);
    expect(calls.at(-1)!.refresh).toBe('wait_for');
    expect(await listed(FLEET)).toEqual(expect.arrayContaining(['fb-1', 'fb-2']));
  });

  it('at most `concurrency` calls in flight across clusters', async () => {
    const calls: Call[] = [];
    let inFlight = 0;
    let most = 0;
    const counting = (api: TokenApi): TokenApi => ({
      ...api,
      createToken: async (principal, name, options) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          return await api.createToken(principal, name, options);
        } finally {
          inFlight -= 1;
        }
      },
    });
    const plan: Plan = {
      formatVersion: PLAN_FORMAT_VERSION,
      clusters: ['a', 'b', 'c'].map((cluster) => clusterPlan(cluster, Array.from({ length: 6 }, (_, i) => create(FLEET, `lim-${cluster}-${i}`)))),
      summary: summarize([]),
    };
    const apis = new Map(['a', 'b', 'c'].map((name) => [name, counting(recording(connect(name), calls))] as const));
    const journal = await ApplyJournal.open(path.join(work, 'journal-limit.json'));
    const audit = new AuditLog(path.join(work, 'audit.log'), () => new Date());
    await applyPlan(plan, { gate: gateFor(plan, apis), sink: new DirectorySecretSink(path.join(work, 'secrets')), journal, audit, concurrency: 4 });
    expect(most).toBe(4);
    expect(calls).toHaveLength(18);
  });
});
