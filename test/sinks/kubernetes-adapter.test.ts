/** The Kubernetes adapter against the stand-in `kubectl` (test/sinks/stand-ins.ts cites the kubectl docs it follows). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOf, kubernetesAdapter, secretName } from '../../src/sinks/kubernetes-adapter.js';
import { installStandIns, type StandIns } from './stand-ins.js';

const A = { cluster: 'prod', serviceAccount: 'elastic/fleet-server', token: 'gitops-a' };
const B = { cluster: 'prod_eu', serviceAccount: 'elastic/kibana', token: 'Gitops_B' };
const VALUE = (n: number) => `AAEAAWVsYXN0aWMva2liYW5hL2dpdG9wcy1iOnNlY3JldC0${n}`;

describe('escred sink kubernetes', () => {
  let dir: string;
  let standIns: StandIns;
  const saved = { ...process.env };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'escred-kubectl-'));
    standIns = installStandIns(dir);
    Object.assign(process.env, standIns.env);
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const adapter = kubernetesAdapter({ namespace: 'search' });
  const since = (from: number) => standIns.calls().slice(from).map((argv) => argv.join(' '));
  const stored = (name: string) => JSON.parse(readFileSync(join(dir, 'state', 'search', `${name}.json`), 'utf8'));

  it('stores one labelled Secret per token through kubectl apply -f - (server-side), the value never in argv', async () => {
    const from = standIns.calls().length;
    await adapter.store(A, 'index', VALUE(1));
    await adapter.store(B, 'file', VALUE(2));
    expect(since(from)).toEqual([
      'kubectl apply --namespace search --server-side --field-manager=escred -f - -o name',
      'kubectl apply --namespace search --server-side --field-manager=escred -f - -o name',
    ]);
    expect(standIns.calls().flat().some((arg) => arg.includes(VALUE(1)) || arg.includes(VALUE(2)))).toBe(false);
    const secret = stored(secretName(A));
    expect(secret.metadata).toMatchObject({
      name: `escred-prod-elastic-fleet-server-gitops-a-${hashOf(A).slice(0, 10)}`,
      labels: { 'app.kubernetes.io/managed-by': 'escred', 'escred.dev/key': hashOf(A) },
      annotations: { 'escred.dev/cluster': 'prod', 'escred.dev/service-account': 'elastic/fleet-server', 'escred.dev/token': 'gitops-a' },
    });
    expect(Buffer.from(secret.data.token, 'base64').toString()).toBe(VALUE(1));
    // names Kubernetes refuses (upper case, '_') still map to a valid, distinct name
    expect(secretName(B)).toMatch(/^escred-prod-eu-elastic-kibana-gitops-b-[0-9a-f]{10}$/);
  });

  it('reads each value back, null when absent', async () => {
    expect(await adapter.read(A)).toBe(VALUE(1));
    expect(await adapter.read(B)).toBe(VALUE(2));
    expect(await adapter.read({ ...A, token: 'never' })).toBeNull();
  });

  it('lists the keys of the Secrets escred labelled, and nothing else', async () => {
    // a Secret someone else made in the namespace, without escred's labels
    writeFileSync(join(dir, 'state', 'search', 'db-password.json'), JSON.stringify({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-password', namespace: 'search', annotations: { 'escred.dev/cluster': 'prod' } }, data: { token: 'eA==' } }));
    const from = standIns.calls().length;
    expect((await adapter.list()).map((k) => k.token).sort()).toEqual(['Gitops_B', 'gitops-a']);
    expect(since(from)).toEqual(['kubectl get secrets --namespace search -l app.kubernetes.io/managed-by=escred -o json']);
  });

  it('delete selects on both labels, so it removes only its own Secret', async () => {
    const from = standIns.calls().length;
    await adapter.delete(A);
    expect(since(from)).toEqual([`kubectl delete secret --namespace search -l app.kubernetes.io/managed-by=escred,escred.dev/key=${hashOf(A)} --ignore-not-found`]);
    expect(readdirSync(join(dir, 'state', 'search')).sort()).toEqual([`${secretName(B)}.json`, 'db-password.json'].sort());
    await expect(adapter.delete(A)).resolves.toBeUndefined(); // absent is success
    expect(await adapter.read(A)).toBeNull();
  });

  it('a Secret at escred\'s name without escred\'s labels is refused on read, not trusted', async () => {
    writeFileSync(join(dir, 'state', 'search', `${secretName(A)}.json`), JSON.stringify({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: secretName(A), namespace: 'search' }, data: { token: 'eA==' } }));
    await expect(adapter.read(A)).rejects.toThrow(/exists but is not escred's/);
  });

  it('--context goes to every call', async () => {
    const from = standIns.calls().length;
    await kubernetesAdapter({ namespace: 'search', context: 'prod-eu' }).list();
    expect(since(from)).toEqual(['kubectl get secrets --namespace search --context prod-eu -l app.kubernetes.io/managed-by=escred -o json']);
  });

  it.each([['Search'], ['a_b'], ['']])('refuses the namespace %j', (namespace) => {
    expect(() => kubernetesAdapter({ namespace })).toThrow(/--namespace must be a Kubernetes namespace name/);
  });
});
