/**
 * The sink adapters against the real `vault` and `kubectl`, when they are installed and pointed at
 * something this test may write to. Skipped otherwise, and the skipped suite's name says why.
 *
 * Environment:
 *   vault on PATH, VAULT_ADDR and VAULT_TOKEN set (e.g. `vault server -dev`)
 *   ESCRED_TEST_VAULT_MOUNT    the KV v2 mount (default secret)
 *   kubectl on PATH, with a current context, and
 *   ESCRED_TEST_K8S_NAMESPACE  an existing namespace the test may create and delete Secrets in
 *                              (required: kubectl's current context could be anything)
 *
 * Without a cluster, a kubectl on PATH still checks the adapter's argv: pointed at a closed port,
 * kubectl parses every flag and reads the Secret from stdin before it fails to connect, and it
 * would fail with "unknown flag" on anything it does not accept.
 *
 * Each suite stores two values under a unique prefix (Vault) or unique token names (Kubernetes),
 * reads and lists them, deletes one, checks the other is untouched, and removes what it made.
 */
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecSinkKey } from '../../src/sinks/exec-sink-protocol.js';
import { kubernetesAdapter } from '../../src/sinks/kubernetes-adapter.js';
import type { SinkAdapter } from '../../src/sinks/sink-adapter.js';
import { vaultKv2Adapter } from '../../src/sinks/vault-kv2-adapter.js';

const RUN = `it${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function onPath(binary: string): boolean {
  return (process.env['PATH'] ?? '').split(':').some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function vaultSkipReason(): string | undefined {
  if (!onPath('vault')) return 'vault is not on PATH';
  if (!process.env['VAULT_ADDR'] || !process.env['VAULT_TOKEN']) return 'VAULT_ADDR and VAULT_TOKEN are not both set';
  return undefined;
}

function kubernetesSkipReason(): string | undefined {
  if (!onPath('kubectl')) return 'kubectl is not on PATH';
  if (!process.env['ESCRED_TEST_K8S_NAMESPACE']) return 'ESCRED_TEST_K8S_NAMESPACE is not set';
  return undefined;
}

function roundTrip(adapter: () => SinkAdapter, keys: [ExecSinkKey, ExecSinkKey]) {
  const made: ExecSinkKey[] = [];
  afterAll(async () => {
    for (const key of made) await adapter().delete(key).catch(() => undefined);
  });
  it('check, store, read, list, delete: each key on its own, a delete removes only its own', async () => {
    const sink = adapter();
    await sink.check();
    for (const [index, key] of keys.entries()) {
      made.push(key);
      await sink.store(key, 'index', `escred-real-cli-test-value-${RUN}-${index}`);
    }
    expect(await sink.read(keys[0])).toBe(`escred-real-cli-test-value-${RUN}-0`);
    const listed = (await sink.list()).map((k) => `${k.cluster}/${k.serviceAccount}/${k.token}`);
    expect(listed).toEqual(expect.arrayContaining(keys.map((k) => `${k.cluster}/${k.serviceAccount}/${k.token}`)));
    await sink.delete(keys[0]);
    expect(await sink.read(keys[0])).toBeNull();
    expect(await sink.read(keys[1])).toBe(`escred-real-cli-test-value-${RUN}-1`);
    await sink.delete(keys[0]); // absent is success
  });
}

const KEYS: [ExecSinkKey, ExecSinkKey] = [
  { cluster: 'it', serviceAccount: 'elastic/fleet-server', token: `${RUN}-a` },
  { cluster: 'it', serviceAccount: 'elastic/kibana', token: `${RUN}-b` },
];

const vaultSkip = vaultSkipReason();
describe.skipIf(vaultSkip !== undefined)(`vault-kv2 against the real vault CLI${vaultSkip ? ` (skipped: ${vaultSkip})` : ''}`, () => {
  roundTrip(() => vaultKv2Adapter({ mount: process.env['ESCRED_TEST_VAULT_MOUNT'] ?? 'secret', prefix: `escred-test/${RUN}` }), KEYS);
});

const kubernetesSkip = kubernetesSkipReason();
describe.skipIf(kubernetesSkip !== undefined)(`kubernetes against the real kubectl${kubernetesSkip ? ` (skipped: ${kubernetesSkip})` : ''}`, () => {
  roundTrip(() => kubernetesAdapter({ namespace: process.env['ESCRED_TEST_K8S_NAMESPACE'] ?? 'default' }), KEYS);
});

describe.skipIf(!onPath('kubectl'))(`the real kubectl accepts every call the kubernetes adapter makes${onPath('kubectl') ? '' : ' (skipped: kubectl is not on PATH)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'escred-kubectl-argv-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // a cluster at a port nothing listens on: kubectl gets as far as connecting, never further
  writeFileSync(kubeconfig, ['apiVersion: v1', 'kind: Config', 'clusters: [{name: closed, cluster: {server: "https://127.0.0.1:1"}}]',
    'users: [{name: none, user: {token: not-a-secret}}]', 'contexts: [{name: closed, context: {cluster: closed, user: none}}]', 'current-context: closed', ''].join('\n'));
  const saved = process.env['KUBECONFIG'];
  beforeAll(() => {
    process.env['KUBECONFIG'] = kubeconfig; // only while this suite runs: the real-cluster suite above uses the user's
  });
  afterAll(() => {
    if (saved === undefined) delete process.env['KUBECONFIG'];
    else process.env['KUBECONFIG'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const adapter = kubernetesAdapter({ namespace: 'search', context: 'closed' });
  it.each([
    ['store', () => adapter.store(KEYS[0], 'index', 'not-a-real-value')],
    ['read', () => adapter.read(KEYS[0])],
    ['list', () => adapter.list()],
    ['delete', () => adapter.delete(KEYS[0])],
  ])('%s: fails only at connecting', async (_action, call) => {
    const failure = (await call().then(() => undefined, (error: unknown) => error)) as Error;
    expect(failure.message).not.toMatch(/unknown (shorthand )?flag|unknown command|required flag|Usage:/);
    expect(failure.message).toMatch(/127\.0\.0\.1:1|connection refused/);
  }, 60_000);
});
