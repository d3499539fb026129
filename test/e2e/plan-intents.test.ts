/**
 * plan and saved plans read the intents (issue 21), end to end: with the sink refusing the store
 * of g-7 and the clean-up DELETE answered 500, the intent stays (in the lease, or in the local
 * journal with lease: off); plan then shows the replace with its reason and exits 2, saves it, and
 * `apply p.json` repairs it, the sink's value authenticating. A token whose value the sink holds is
 * never replaced because of a stale intent (a run killed right after its store).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { DEFAULT_LEASE_INDEX, LeaseManager } from '../../src/lease/lease-manager.js';
import { loadDesired } from '../../src/reconcile/load-desired.js';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

const KIBANA = 'elastic/kibana';
const REASON = 'an interrupted apply created it, but its value never reached the secret sink';

describe('plan reads the intents kept in the lease and in the local journal', () => {
  let e2e: E2e;
  let conn: ClusterConnection;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    e2e.writeManifest({});
    const { desired } = await loadDesired([e2e.manifestPath], e2e.work);
    conn = createClusterConnection(desired.clusters[0]!, { env: { [PASSWORD_ENV]: e2e.emulator.superuser.password } });
  });
  afterAll(async () => {
    await conn?.close();
    await e2e?.close();
  });
  beforeEach(() => e2e.emulator.clearFaults());

  it.each([
    ['in the lease', KIBANA, 'g-7', {}],
    ['in the local journal (lease: off)', 'elastic/fleet-server', 'g-8', { lease: 'off' }],
  ])('a failed store whose clean-up failed too: plan shows the replace (%s), saves it, and apply p.json repairs it', async (_, account, token, cluster) => {
    e2e.writeManifest({ [account]: { tokens: [{ name: token }] } }, cluster);
    // a file where the sink needs the account's folder: the store fails; the rollback DELETE is answered 500
    const blocker = join(e2e.sinkDir, 'e2e', account);
    mkdirSync(join(e2e.sinkDir, 'e2e', 'elastic'), { recursive: true });
    writeFileSync(blocker, 'not a folder');
    e2e.emulator.setFaults({ rules: [{ method: 'DELETE', path: `/credential/token/${token}`, action: 'status', status: 500, times: 1 }] });
    const failed = await e2e.cli(['apply', '--auto-approve']);
    rmSync(blocker);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('the next apply replaces it');
    expect(await e2e.indexTokens(account)).toContain(token);
    const planFile = join(e2e.work, `${token}.json`);
    const plan = await e2e.cli(['plan', '--detailed-exitcode', '--out', planFile]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(token);
    expect(plan.stdout).toContain(REASON);
    const applied = await e2e.cli(['apply', planFile]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`${token}: replaced`));
    expect((await e2e.whoIs(e2e.sinkValue(account, token))).token?.name).toBe(token);
    expect((await e2e.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it.each([
    ['in the lease', 'g-9', {}],
    ['in the local journal (lease: off)', 'g-10', { lease: 'off' }],
  ])('a token whose value the sink holds is never replaced because of a stale intent %s (a run killed right after its store)', async (_, token, cluster) => {
    e2e.writeManifest({ [KIBANA]: { tokens: [{ name: token }] } }, cluster);
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    const value = e2e.sinkValue(KIBANA, token);
    // what a kill between the store and the intent's removal leaves: the intent, next to the stored value
    if ('lease' in cluster) {
      writeFileSync(join(e2e.work, '.escred', 'journal.json'), JSON.stringify({ pending: [`e2e/${KIBANA}/${token}`] }));
    } else {
      const killed = new LeaseManager({ connection: conn, id: e2e.emulator.clusterUuid, holderId: 'killed', host: 'ci', pid: 1 });
      await killed.acquire();
      await killed.addIntent({ cluster: 'e2e', principal: KIBANA, token });
      await killed.release();
    }
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).not.toContain('replaced');
    expect(e2e.sinkValue(KIBANA, token)).toBe(value);
    expect((await e2e.whoIs(value)).token?.name).toBe(token);
    // settled: the intent is gone (and with it the released record)
    expect((await getDocument(conn, DEFAULT_LEASE_INDEX, e2e.emulator.clusterUuid)).found).toBe(false);
    expect(JSON.parse(readFileSync(join(e2e.work, '.escred', 'journal.json'), 'utf8')).pending).toEqual([]);
  });
});
