/**
 * Leases end to end (issue 15), the built CLI against the emulator over HTTPS: an apply during
 * another holder's term fails (or waits with --lease-wait) naming the holder and writes nothing;
 * intents left in the lease by a lost runner are read by a fresh one; `lease: off` warns; a lease
 * index the credentials may not write is one clear error before any token write; every request
 * carries X-Opaque-Id: escred/<holder id>.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { DEFAULT_LEASE_INDEX, LeaseManager } from '../../src/lease/lease-manager.js';
import { loadDesired } from '../../src/reconcile/load-desired.js';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const fleet = (...names: string[]) => ({ [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })) } });
/** the writes a token apply makes: creates and deletes of service tokens */
const isTokenWrite = (r: { method: string; path: string }) => r.path.includes('/credential/token/') && (r.method === 'POST' || r.method === 'PUT' || r.method === 'DELETE');

describe('leases, end to end', () => {
  let e2e: E2e;
  let conn: ClusterConnection;
  beforeAll(async () => {
    e2e = await startE2e({ users: [{ username: 'tokens-only', password: 'tokens-only-pw', roles: ['tokens-only'] }] });
    // a role with the cluster privilege for tokens and no index privilege at all
    expect((await e2e.es('PUT', '/_security/role/tokens-only', { cluster: ['manage_service_account', 'monitor'] })).status).toBe(200);
    e2e.writeManifest(fleet('gitops-a'));
    const { desired } = await loadDesired([e2e.manifestPath], e2e.work);
    conn = createClusterConnection(desired!.clusters[0]!, { env: { [PASSWORD_ENV]: e2e.emulator.superuser.password } });
  });
  afterAll(async () => {
    await conn?.close();
    await e2e?.close();
  });
  beforeEach(() => e2e.emulator.clearRequests());

  /** another escred (a daemon on pod-7) holding the lease of cluster e2e: keyed by the cluster's UUID (issue 21) */
  const daemon = (leaseDurationMs = 60_000) => new LeaseManager({
    connection: conn, id: e2e.emulator.clusterUuid, holderId: 'pod-7-1-cafe', host: 'pod-7', pid: 1, leaseDurationMs, fleet: 'pods',
  });

  it('apply during another holder\'s term fails at once, naming the holder, and writes nothing', async () => {
    e2e.writeManifest(fleet('gitops-a'));
    const holder = daemon();
    const record = await holder.acquire();
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`cluster e2e: the lease escred-leases/${e2e.emulator.clusterUuid} is held by pod-7-1-cafe (host pod-7, pid 1) ` +
      `as cluster e2e of fleet pods since ${record.acquiredAt}`);
    expect(apply.stderr).toMatch(/waited 0(\.\d)? s/); // at once: one look at the lease, well under a second even on a loaded machine
    expect(e2e.emulator.requests().filter(isTokenWrite)).toEqual([]);
    expect(await e2e.indexTokens(FLEET)).toEqual([]);
    await holder.release();
  });

  it('--lease-wait: waits, still held at its end: fails naming the holder, nothing written', async () => {
    const holder = daemon();
    await holder.acquire();
    const apply = await e2e.cli(['apply', '--auto-approve', '--lease-wait', '1s']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/held by pod-7-1-cafe \(host pod-7, pid 1\) as cluster e2e of fleet pods since .*waited 1(\.\d)? s/);
    expect(e2e.emulator.requests().filter(isTokenWrite)).toEqual([]);
    await holder.release();
  });

  it('--lease-wait: a holder that stops renewing is taken over once seen unrenewed for its duration; apply then goes on', async () => {
    e2e.writeManifest(fleet('gitops-a'), { lease: { duration: '1500ms' } });
    const holder = daemon(1_500);
    await holder.acquire(); // and then never renews: a paused or dead daemon
    const apply = await e2e.cli(['apply', '--auto-approve', '--lease-wait', '20s']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a']);
    // released cleanly with nothing pending: the document is gone
    expect((await getDocument(conn, DEFAULT_LEASE_INDEX, e2e.emulator.clusterUuid)).found).toBe(false);
    await expect(holder.renew()).rejects.toThrow(/lost the lease/);
  });

  it('every request carries X-Opaque-Id: escred/<host>-<pid>-<random>, the same for the whole run', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b'));
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    const requests = e2e.emulator.requests();
    expect(requests.filter(isTokenWrite).length).toBe(1);
    expect(requests.some((r) => r.path.startsWith(`/${DEFAULT_LEASE_INDEX}/`))).toBe(true);
    const ids = new Set(requests.map((r) => r.opaqueId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^escred\/.+-\d+-[0-9a-f]{8}$/);
  });

  it('plan takes no lease (it only reads the intents kept there), and its requests carry X-Opaque-Id too', async () => {
    const plan = await e2e.cli(['plan']);
    expect(plan.code).toBe(0);
    const requests = e2e.emulator.requests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.some((r) => r.path.startsWith(`/${DEFAULT_LEASE_INDEX}/`) && r.method !== 'GET')).toBe(false);
    for (const r of requests) expect(r.opaqueId).toMatch(/^escred\/.+-\d+-[0-9a-f]{8}$/);
  });

  it('a fresh runner (empty state folder) reads the intents a lost runner left in the lease and replaces the token whose value nobody has', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b', 'gitops-c'));
    // a runner took the lease, recorded its intent, created gitops-c and was lost with its disk before the sink write
    const lost = daemon();
    await lost.acquire();
    await lost.addIntent({ cluster: 'e2e', principal: FLEET, token: 'gitops-c' });
    expect((await e2e.es('POST', `/_security/service/${FLEET}/credential/token/gitops-c`)).status).toBe(200);
    await lost.release(); // released (as a clean takeover would find it), the intent kept in the record
    const apply = await e2e.cli(['apply', '--auto-approve', '--state-dir', join(e2e.work, 'fresh-runner')]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/gitops-c.*replaced/);
    expect((await e2e.whoIs(e2e.sinkValue(FLEET, 'gitops-c'))).status).toBe(200);
    expect((await getDocument(conn, DEFAULT_LEASE_INDEX, e2e.emulator.clusterUuid)).found).toBe(false);
  });

  it('watch --once --apply writes only where it can take the lease now, and gives it back', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b', 'gitops-w'));
    const holder = daemon();
    await holder.acquire();
    const skipped = await e2e.cli(['watch', '--once', '--apply']);
    expect(skipped.stdout).toContain('holding 0 of 1 leases');
    // not a success: the cluster was not reconciled (issue 21)
    expect(skipped.stdout).toMatch(/"event":"cluster-unreconciled","cluster":"e2e","detail":"cluster e2e: this run could not take its lease: held by a second writer, pod-7-1-cafe/);
    expect(skipped.code).toBe(1);
    expect(e2e.emulator.requests().filter(isTokenWrite)).toEqual([]);
    await holder.release();
    const applied = await e2e.cli(['watch', '--once', '--apply']);
    expect(applied.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toContain('gitops-w');
    expect((await getDocument(conn, DEFAULT_LEASE_INDEX, e2e.emulator.clusterUuid)).found).toBe(false);
  });

  it('lease: off writes without a lease and warns', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b', 'gitops-d'), { lease: 'off' });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stderr).toContain('Warning: cluster e2e has lease: off in the manifest: nothing stops another escred from writing to it at the same time');
    expect(e2e.emulator.requests().some((r) => r.path.startsWith(`/${DEFAULT_LEASE_INDEX}/`))).toBe(false);
    expect(await e2e.indexTokens(FLEET)).toContain('gitops-d');
  });

  it('credentials that may not write the lease index: one error naming the index and the privileges, before any token write', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-e'), { auth: { basic: { username: 'tokens-only', password: { env: 'TOKENS_ONLY_PW' } } } });
    const apply = await e2e.cli(['apply', '--auto-approve'], { env: { TOKENS_ONLY_PW: 'tokens-only-pw' } });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('cluster e2e: the credentials may not use the lease index [escred-leases]');
    expect(apply.stderr).toContain('grant them the index privileges create_index, write and read on [escred-leases]');
    expect(e2e.emulator.requests().filter(isTokenWrite)).toEqual([]);
    expect(await e2e.indexTokens(FLEET)).not.toContain('gitops-e');
  });
});
