/**
 * A replace forgets the revoked value right after its delete, before the create (issue 21): a run
 * stopped between the create and the store then leaves an intent and no listed key, which the next
 * plan reads as a value nobody has (unsecuredIntents), never as "stored".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplyJournal } from '../../src/apply/apply-journal.js';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { TokenApi } from '../../src/apply/apply-ports.js';
import { AuditLog } from '../../src/apply/audit-log.js';
import { DirectorySecretSink } from '../../src/apply/directory-secret-sink.js';
import type { SecretSink } from '../../src/sinks/secret-sink.js';
import { WriteGate } from '../../src/apply/write-gate.js';
import { summarize, PLAN_FORMAT_VERSION, type Plan } from '../../src/plan/plan-types.js';
import { securedKey, unsecuredIntents } from '../../src/plan/secured-tokens.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const KEY = { cluster: 'prod', principal: FLEET, token: 'g-1' };

describe('a replace and the sink', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-replace-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('delete, forget the old value, create, store: in that order; a create that fails leaves no listed key next to the intent', async () => {
    const events: string[] = [];
    const inner = new DirectorySecretSink(path.join(work, 'secrets'));
    await inner.store({ key: KEY, kind: 'index', value: 'old-value' });
    const sink: SecretSink = { ...Object.fromEntries(['describe', 'check', 'listKeys', 'read'].map((m) => [m, (inner as any)[m].bind(inner)])) as any,
      store: async (secret) => { events.push('store'); await inner.store(secret); },
      forget: async (key) => { events.push('forget'); await inner.forget(key); } };
    let isCreateFailing = false;
    const api: TokenApi = {
      createToken: async (_, name) => {
        events.push('POST');
        if (isCreateFailing) throw new Error('the process died here');
        return { name, value: 'new-value' };
      },
      deleteToken: async () => { events.push('DELETE'); return { found: true }; },
      getCredentials: async (principal) => observedAccount(principal),
      // the check after every create (issue 23): the new value is g-1's
      authenticateBearer: async (bearer) => (bearer === 'new-value' ? { isAuthenticated: true, username: FLEET, tokenName: 'g-1' }
        : { isAuthenticated: false, status: 401 }),
    };
    const desired = desiredState([desiredCluster('prod', [desiredAccount(FLEET, { tokens: [desiredToken('g-1')] })])]);
    const clusters = [{ cluster: 'prod', clusterUuid: 'u', version: '9.4.0', observedDigest: 'd', fileTokenDrift: [], warnings: [],
      actions: [{ kind: 'replace' as const, principal: FLEET, token: 'g-1', reason: 'rotate: forced by escred rotate' }] }];
    const plan: Plan = { formatVersion: PLAN_FORMAT_VERSION, clusters, summary: summarize(clusters) };
    const journal = await ApplyJournal.open(path.join(work, 'journal.json'));
    const run = () => applyPlan(plan, { gate: new WriteGate({ desired, apis: new Map([['prod', api]]), sinkKeys: new Set([securedKey('prod', FLEET, 'g-1')]) }),
      sink, journal, audit: new AuditLog(path.join(work, 'audit.log'), () => new Date()), concurrency: 1 });

    expect((await run()).entries[0]).toMatchObject({ outcome: 'replaced' });
    expect(events).toEqual(['DELETE', 'forget', 'POST', 'store']);
    expect(await inner.read(KEY)).toBe('new-value');

    events.length = 0;
    isCreateFailing = true;
    expect((await run()).entries[0]).toMatchObject({ outcome: 'failed' });
    expect(events).toEqual(['DELETE', 'forget', 'POST']);
    // the intent of the create stays; the sink no longer lists the revoked value, so the intent reads as unsecured
    const pending = journal.pendingKeys();
    expect([...pending]).toEqual([securedKey('prod', FLEET, 'g-1')]);
    expect(unsecuredIntents(pending, await inner.listKeys())).toEqual(pending);
  });

  it('unsecuredIntents: an intent whose key the sink lists is stored; a sink that cannot list leaves every intent unsecured', () => {
    const pending = new Set(['c/a/t1', 'c/a/t2']);
    expect([...unsecuredIntents(pending, new Set(['c/a/t1']))]).toEqual(['c/a/t2']);
    expect([...unsecuredIntents(pending, null)]).toEqual(['c/a/t1', 'c/a/t2']);
  });
});
