/**
 * A Kubernetes Secret per token through `kubectl`, in one namespace. The Secret is named after its
 * key (readable part + a hash, as Secret names allow only lower-case DNS labels) and carries the
 * label `app.kubernetes.io/managed-by: escred` and `escred.dev/key: <hash>`; deletes select on both
 * labels, so escred never deletes a Secret it did not make. The key itself is in annotations.
 * Values travel on stdin (`kubectl apply -f -`), never in argv. Server-side apply, so no
 * `last-applied-configuration` annotation keeps a second copy of the value. One Secret per token
 * (not per account) so that concurrent stores never rewrite each other's object.
 */
import { createHash } from 'node:crypto';
import { isValidKey, keyString, type ExecSinkKey } from './exec-sink-protocol.js';
import { BackingCliError, callCli, failure, type CliCall, type SinkAdapter } from './sink-adapter.js';

export interface KubernetesOptions {
  namespace: string;
  /** kubeconfig context; default the current one */
  context?: string;
  /** the CLI to run; default `kubectl` from PATH */
  binary?: string;
}

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const KEY_LABEL = 'escred.dev/key';
const ANNOTATION = { cluster: 'escred.dev/cluster', serviceAccount: 'escred.dev/service-account', token: 'escred.dev/token' } as const;
const DATA_KEY = 'token';
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

interface SecretObject {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

export function kubernetesAdapter(options: KubernetesOptions): SinkAdapter {
  const binary = options.binary ?? 'kubectl';
  if (!NAMESPACE.test(options.namespace)) throw new BackingCliError(`--namespace must be a Kubernetes namespace name, got ${JSON.stringify(options.namespace)}`);
  const scope = ['--namespace', options.namespace, ...(options.context ? ['--context', options.context] : [])];
  const owned = `${MANAGED_BY}=escred`;

  const run = async (call: CliCall) => {
    const outcome = await callCli(binary, call);
    if (outcome.code !== 0) throw failure(binary, call, outcome);
    return outcome.stdout;
  };
  const listOwned = async (): Promise<SecretObject[]> => {
    const items = (JSON.parse(await run({ argv: ['get', 'secrets', ...scope, '-l', owned, '-o', 'json'] })) as { items?: SecretObject[] }).items;
    if (!Array.isArray(items)) throw new BackingCliError(`${binary} get secrets did not answer a List`);
    return items;
  };

  return {
    async check() {
      await listOwned();
    },
    async store(key, kind, value) {
      const manifest = JSON.stringify(secretFor(key, kind, value, options.namespace));
      await run({ argv: ['apply', ...scope, '--server-side', '--field-manager=escred', '-f', '-', '-o', 'name'], stdin: manifest, secret: value });
    },
    async delete(key) {
      await run({ argv: ['delete', 'secret', ...scope, '-l', `${owned},${KEY_LABEL}=${hashOf(key)}`, '--ignore-not-found'] });
    },
    async read(key) {
      const text = await run({ argv: ['get', 'secret', secretName(key), ...scope, '--ignore-not-found', '-o', 'json'] });
      if (text.trim() === '') return null; // --ignore-not-found: absent is exit 0 with nothing printed
      const secret = JSON.parse(text) as SecretObject;
      if (secret.metadata?.labels?.[MANAGED_BY] !== 'escred' || secret.metadata.labels[KEY_LABEL] !== hashOf(key)) {
        throw new BackingCliError(`Secret ${secretName(key)} in ${options.namespace} exists but is not escred's (labels ${owned}, ${KEY_LABEL}=${hashOf(key)})`);
      }
      const data = secret.data?.[DATA_KEY];
      return data ? Buffer.from(data, 'base64').toString('utf8') : null;
    },
    async list() {
      return (await listOwned()).flatMap((secret) => {
        const a = secret.metadata?.annotations ?? {};
        const key = { cluster: a[ANNOTATION.cluster] ?? '', serviceAccount: a[ANNOTATION.serviceAccount] ?? '', token: a[ANNOTATION.token] ?? '' };
        return isValidKey(key) && secret.metadata?.labels?.[KEY_LABEL] === hashOf(key) && secret.data?.[DATA_KEY] ? [key] : [];
      });
    },
  };
}

/** `escred-<readable key>-<hash>`: lower-case, at most 253 characters, unique per key. */
export function secretName(key: ExecSinkKey): string {
  const readable = `${key.cluster}-${key.serviceAccount}-${key.token}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 200);
  return `escred-${readable}-${hashOf(key).slice(0, 10)}`;
}

export function hashOf(key: ExecSinkKey): string {
  return createHash('sha256').update(keyString(key)).digest('hex').slice(0, 40);
}

function secretFor(key: ExecSinkKey, kind: string, value: string, namespace: string) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretName(key),
      namespace,
      labels: { [MANAGED_BY]: 'escred', [KEY_LABEL]: hashOf(key) },
      annotations: { [ANNOTATION.cluster]: key.cluster, [ANNOTATION.serviceAccount]: key.serviceAccount, [ANNOTATION.token]: key.token, 'escred.dev/kind': kind },
    },
    type: 'Opaque',
    data: { [DATA_KEY]: Buffer.from(value, 'utf8').toString('base64') },
  };
}
