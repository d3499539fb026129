/**
 * Issue 14's rows of the fault matrix: user-managed account writes under faults (a PUT whose answer
 * is lost after it committed, 503 on PUT, SIGKILL between the account and its tokens), then a clean
 * rerun. Invariants: accounts and tokens match the manifest, every sink value authenticates as its
 * account, the unowned account is untouched, and no secret is in any output (the harness's close()).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/emulator/start-emulator.js';
import { startE2e, type CliResult, type E2e } from '../support/e2e-harness.js';

const ACCOUNT_PUT = { method: 'PUT', path: '/_security/service/team/ingest' };
const MANIFEST = {
  'team/ingest': { roles: ['logs-writer'], tokens: [{ name: 't1' }, { name: 't2' }] },
  'team/search': { roles: [], tokens: [{ name: 's1' }] },
};

interface AccountRow {
  name: string;
  faults?: FaultSpec;
  /** SIGKILL the CLI as soon as this line is printed */
  killWhen?: RegExp;
  firstCode?: number;
  firstSays?: RegExp;
  /** the manifest's lease setting for this row */
  lease?: 'off';
  /** PUTs of team/ingest the first apply sent: proof that the answered or lost ones were sent again */
  putsSent?: number;
}

const PUT_ROUTE = 'PUT /_security/service/{namespace}/{service}';

const ROWS: AccountRow[] = [
  { name: 'a PUT whose answer is lost after it committed: sent again (PUT is idempotent), created: false is success',
    faults: { rules: [{ ...ACCOUNT_PUT, action: 'lose-response', times: 1 }] }, firstCode: 0, putsSent: 3 },
  { name: '503 on the account PUT (Retry-After): retried until made', faults: { rules: [{ ...ACCOUNT_PUT, action: 'status', status: 503, retryAfterSeconds: 0, times: 2 }] }, firstCode: 0, putsSent: 4 },
  { name: 'every account PUT answered 503: its tokens are held back, apply fails, nothing half made',
    faults: { rules: [{ ...ACCOUNT_PUT, action: 'status', status: 503, retryAfterSeconds: 0, times: 99 }] }, firstCode: 1,
    firstSays: /t1: skipped: held back: account team\/ingest could not be written/ },
  // a killed holder's lease is taken over only after its duration (test/e2e/lease*.test.ts); the subject here is the account writes
  { name: 'SIGKILL between the account and its tokens', killWhen: /account team\/ingest: created/, faults: { latencyMs: 30 }, lease: 'off' },
];

describe('fault matrix: user-managed account writes', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  it.each(ROWS)('$name', async (row) => {
    const env = (e2e = await startE2e({ esVersion: '9.6.0', nodeCount: 1 }));
    await env.es('PUT', '/_security/role/logs-writer', { cluster: ['monitor'] });
    await env.es('PUT', '/_security/service/other/app', { roles: [] });
    env.writeManifest(MANIFEST, { userManagedAccounts: { prune: 'owned', owns: ['team/*'] }, ...(row.lease ? { lease: row.lease } : {}) });
    if (row.faults) env.emulator.setFaults(row.faults);
    env.emulator.resetCounters();
    const first: CliResult = await env.cli(['apply', '--auto-approve'], row.killWhen ? { killWhen: row.killWhen } : {});
    if (row.killWhen) expect(first.signal === 'SIGKILL' || first.code === 0, `${first.signal} ${first.code}`).toBe(true);
    else expect(first.code, first.stdout + first.stderr).toBe(row.firstCode);
    if (row.firstSays) expect(first.stdout).toMatch(row.firstSays);
    if (row.putsSent !== undefined) expect(env.emulator.counters()[PUT_ROUTE]).toBe(row.putsSent); // two accounts: one PUT for team/search
    expect(first.stderr).not.toMatch(/TypeError|ReferenceError|Unhandled|at .*\.js:\d+/);

    env.emulator.clearFaults();
    const rerun = await env.cli(['apply', '--auto-approve']);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    const accounts = (await env.es('GET', '/_security/service?type=user_managed')).json;
    expect(Object.keys(accounts).sort()).toEqual(['other/app', 'team/ingest', 'team/search']);
    expect(accounts).toMatchObject({ // and each has its creator and created_at (issue 22)
      'other/app': { type: 'user_managed', roles: [], enabled: true },
      'team/ingest': { type: 'user_managed', roles: ['logs-writer'], enabled: true },
      'team/search': { type: 'user_managed', roles: [], enabled: true },
    });
    for (const [principal, token] of [['team/ingest', 't1'], ['team/ingest', 't2'], ['team/search', 's1']] as const) {
      expect((await env.whoIs(env.sinkValue(principal, token))).username, `${principal}/${token}`).toBe(principal);
    }
    expect((await env.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });
});
