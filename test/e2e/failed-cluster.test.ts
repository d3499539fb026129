/**
 * Issue 12 item 5: a failure is never reported as success, and a cluster that hangs is given up on
 * in bounded time. A cluster that refuses connections, and a TCP listener that accepts and never
 * answers (written here: it holds every socket open and reads nothing back).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const CREDENTIALS_ROUTE = 'GET /_security/service/{namespace}/{service}/credential';
const fleet = { [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: [{ name: 'gitops-a' }, { name: 'gitops-b' }] } };

/** Accepts connections and never answers; counts the requests sent to it, so a test can see how often escred tried. */
async function startHangingListener(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      requests += chunk.toString('latin1').split('\r\n').filter((line) => /^(GET|POST|PUT|DELETE|HEAD) \S+ HTTP\/1\.1$/.test(line)).length;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: connections are refused at once. */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `https://127.0.0.1:${port}`;
}

describe('the only cluster refuses connections', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
    e2e.writeManifest(fleet, { url: await refusingUrl() });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('plan says it failed, never "No changes", and exits 1', async () => {
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.stdout).toContain('Plan failed for 1 of 1 cluster.');
    expect(plan.stdout).toMatch(/error: cluster e2e: GET \/ to https:\/\/127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);
    expect(plan.stdout).not.toContain('No changes');
    expect(plan.code).toBe(1);
    // the line that points at the errors is on their stream, after them
    expect(plan.stdout.trimEnd().split('\n').at(-1)).toBe('escred: 1 cluster(s) could not be planned; see the errors above');
    expect(plan.stderr).not.toContain('above');
  });

  it('plan --output json: stdout is the one JSON document with the error, the line on stderr points into it', async () => {
    const plan = await e2e.cli(['plan', '--output', 'json']);
    expect(JSON.parse(plan.stdout).summary.errors).toBe(1);
    expect(plan.stderr).toContain('escred: 1 cluster(s) could not be planned; their errors are in the plan on stdout');
    expect(plan.code).toBe(1);
  });

  it('plan --out does not save a plan with a failed cluster', async () => {
    const plan = await e2e.cli(['plan', '--out', 'plan.json']);
    expect(plan.stderr).toContain('escred: the plan was not saved to plan.json: 1 cluster(s) could not be planned');
    expect(plan.code).toBe(1);
    expect(existsSync(join(e2e.work, 'plan.json'))).toBe(false);
  });

  it('apply says the apply is incomplete, never "Apply complete!", and exits 1', async () => {
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.stdout).toContain('Apply incomplete: 1 of 1 cluster could not be observed (e2e), nothing was changed there');
    expect(apply.stdout).not.toContain('Apply complete!');
    expect(apply.code).toBe(1);
  });
});

describe('saved plans and apply against a healthy cluster', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
  });
  beforeEach(() => {
    e2e.emulator.clearFaults();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('a saved plan that has a failed cluster in it is refused, and nothing is written', async () => {
    e2e.writeManifest(fleet);
    expect((await e2e.cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    // as a plan saved by an older escred would be: one cluster failed, the plan still written
    const saved = JSON.parse(readFileSync(join(e2e.work, 'plan.json'), 'utf8'));
    saved.plan.clusters[0].error = { code: 'ESCRED_CONNECTION_FAILED', message: 'cluster e2e: GET / failed', isRetryable: true };
    saved.plan.summary.errors = 1;
    writeFileSync(join(e2e.work, 'plan.json'), JSON.stringify(saved));
    const apply = await e2e.cli(['apply', 'plan.json']);
    expect(apply.stderr).toContain('[ESCRED_PLAN_HAS_ERRORS]');
    expect(apply.stdout).not.toContain('Apply complete!');
    expect(apply.code).toBe(1);
    expect(await e2e.indexTokens(FLEET)).toEqual([]);
  });

  it('apply observes the cluster once: one GET / and one credentials GET per account, then the writes', async () => {
    e2e.writeManifest(fleet);
    e2e.emulator.resetCounters();
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.stdout).toContain('Apply complete! Resources: 2 created, 0 replaced, 0 deleted.');
    expect(apply.code).toBe(0);
    expect(e2e.emulator.counters()['GET /']).toBe(1);
    expect(e2e.emulator.counters()[CREDENTIALS_ROUTE]).toBe(1);
    // and what it reported is true: a fresh plan finds nothing to do
    expect((await e2e.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('a create that fails is reported, and the headline and the exit code agree', async () => {
    e2e.writeManifest({ [FLEET]: { tokens: [{ name: 'gitops-c' }] } });
    e2e.emulator.setFaults({ rules: [{ method: 'POST', path: '/credential/token/gitops-c', action: 'status', status: 400 }] });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.stdout).toContain('Apply failed.');
    expect(apply.stdout).not.toContain('Apply complete!');
    expect(apply.code).toBe(1);
  });

  it('a Retry-After longer than the time left is not waited for: the answer comes at once, after one request', async () => {
    e2e.writeManifest(fleet);
    e2e.emulator.resetCounters();
    e2e.emulator.setFaults({ rules: [{ method: 'GET', path: '/credential', action: 'status', status: 503, retryAfterSeconds: 30 }] });
    const plan = await e2e.cli(['plan', '--timeout', '5s']);
    expect(plan.stdout).toContain('Plan failed for 1 of 1 cluster.');
    expect(plan.stdout).toMatch(/error: cluster e2e: GET \/_security\/service\/elastic\/fleet-server\/credential.*503/);
    expect(e2e.emulator.counters()[CREDENTIALS_ROUTE]).toBe(1);
  });
});

describe('a cluster that accepts connections and never answers', () => {
  let e2e: E2e;
  let hanging: Awaited<ReturnType<typeof startHangingListener>>;
  beforeAll(async () => {
    e2e = await startE2e();
    hanging = await startHangingListener();
  });
  afterAll(async () => {
    await hanging?.close();
    await e2e?.close();
  });

  it('plan --timeout gives up once the time of the call is spent (no retries after it), says so on stderr meanwhile', async () => {
    e2e.writeManifest(fleet, { url: hanging.url });
    const before = hanging.requests();
    const plan = await e2e.cli(['plan', '--timeout', '3s']);
    expect(plan.stdout).toContain('Plan failed for 1 of 1 cluster.');
    expect(plan.stdout).toContain(`error: cluster e2e: GET / to ${hanging.url} timed out: no answer within 3 s`);
    expect(plan.stderr).toMatch(/still observing e2e \(\d+ s\)\.\.\./);
    expect(plan.code).toBe(1);
    expect(hanging.requests() - before).toBe(1);
  });

  it('over https, a TLS handshake that never completes is bounded by the same timeout', async () => {
    e2e.writeManifest(fleet, { url: hanging.url.replace('http:', 'https:') });
    const plan = await e2e.cli(['plan', '--timeout', '2s']);
    expect(plan.stdout).toContain('Plan failed for 1 of 1 cluster.');
    expect(plan.stdout).toContain('timed out: no answer within 2 s');
    expect(plan.code).toBe(1);
  });

  it('in JSON mode the progress line goes to stderr: stdout is the one plan document', async () => {
    e2e.writeManifest(fleet, { url: hanging.url });
    const plan = await e2e.cli(['plan', '--timeout', '3s', '--output', 'json']);
    expect(plan.stderr).toMatch(/still observing e2e \(\d+ s\)\.\.\./);
    expect(JSON.parse(plan.stdout).clusters[0].error.message).toContain('timed out: no answer within 3 s');
  });

  it("the manifest's cluster timeout bounds it too, and --timeout wins over it", async () => {
    e2e.writeManifest(fleet, { url: hanging.url, timeout: '1s' });
    expect((await e2e.cli(['plan'])).stdout).toContain('timed out: no answer within 1 s');
    expect((await e2e.cli(['plan', '--timeout', '2s'])).stdout).toContain('timed out: no answer within 2 s');
  });

  it.each([
    ['apply', ['apply', '--auto-approve']],
    ['rotate', ['rotate', 'e2e', FLEET, 'gitops-a', '--auto-approve']],
    ['import', ['import', 'e2e']],
    ['accounts', ['accounts']],
    ['watch --once', ['watch', '--once', '--listen', '127.0.0.1:0']],
  ])('%s takes --timeout and fails, naming the limit', async (_name, args) => {
    e2e.writeManifest(fleet, { url: hanging.url });
    const result = await e2e.cli([...args, '--timeout', '1s']);
    expect(result.stdout + result.stderr).toContain('timed out: no answer within 1 s');
    expect(result.stdout).not.toContain('Apply complete!');
    expect(result.code).toBe(1);
  });

  it('without --timeout the default gives its answer after one 15 s call, retries included', async () => {
    e2e.writeManifest(fleet, { url: hanging.url });
    const before = hanging.requests();
    const plan = await e2e.cli(['plan']);
    expect(plan.stdout).toContain('timed out: no answer within 15 s');
    expect(hanging.requests() - before).toBe(1);
    expect(plan.code).toBe(1);
  }, 40_000);
});
