/** 401 and 403 from the cluster: a clear error naming the call and what is missing, and no change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const fleet = { [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: [{ name: 'gitops-a' }] } };
const basic = (username: string) => ({ auth: { basic: { username, password: { env: 'E2E_USER_PASSWORD' } } } });

describe('authentication and authorization errors', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({
      users: [
        { username: 'reader', password: 'reader-password', roles: ['security_reader', 'monitoring'] },
        { username: 'mon', password: 'mon-password', roles: ['monitoring'] },
      ],
    });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('401: a wrong password fails plan with exit 1 and says authentication failed', async () => {
    e2e.writeManifest(fleet, basic('reader'));
    const plan = await e2e.cli(['plan'], { env: { E2E_USER_PASSWORD: 'wrong' } });
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(/401/);
    expect(plan.stdout + plan.stderr).toMatch(/unable to authenticate user \[reader\]/);
  });

  it('a missing environment variable fails before any call, naming the variable', async () => {
    e2e.writeManifest(fleet, basic('reader'));
    const before = e2e.emulator.counters().total ?? 0;
    const plan = await e2e.cli(['plan'], { env: { E2E_USER_PASSWORD: '' } });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('E2E_USER_PASSWORD');
    expect(e2e.emulator.counters().total ?? 0).toBe(before);
  });

  it('403 on observe: a user who may not read service accounts gets the privilege it needs', async () => {
    e2e.writeManifest(fleet, basic('mon'));
    const plan = await e2e.cli(['plan'], { env: { E2E_USER_PASSWORD: 'mon-password' } });
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(/403/);
    expect(plan.stdout + plan.stderr).toMatch(/read_security|manage_service_account/);
  });

  it('403 on create: a read-only user can plan, but apply fails loudly and creates nothing', async () => {
    // lease: off, so that the create is the first write (with a lease, the lease index refuses first: test/e2e/lease.test.ts)
    e2e.writeManifest(fleet, { ...basic('reader'), lease: 'off' });
    const env = { E2E_USER_PASSWORD: 'reader-password' };
    expect((await e2e.cli(['plan', '--detailed-exitcode'], { env })).code).toBe(2);
    const apply = await e2e.cli(['apply', '--auto-approve'], { env });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toMatch(/gitops-a: failed: .*403.*manage_service_account/);
    expect(await e2e.indexTokens(FLEET)).toEqual([]);
  });
});
