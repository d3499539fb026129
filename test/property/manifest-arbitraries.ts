/** fast-check arbitraries for manifest fragments (mostly valid, some garbage) and observed states. */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { DesiredCluster, ObservedCluster } from '../../src/model.js';
import { seededRandom } from '../support/seeded-random.js';

const garbage = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
/** mostly the valid value, sometimes garbage in its place */
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 19, arbitrary }, { weight: 1, arbitrary: garbage });

export const PRINCIPALS = ['elastic/fleet-server', 'elastic/kibana', 'elastic/auto-ops', 'elastic/fleet-server-remote'];
export const TOKEN_POOL = ['gitops-a', 'gitops-b', 'gitops-keep-1', 'manual-1', 'ci-x', 'gitops-c'];

// no token-level protect: it is a manifest error now (test/manifest/manifest-rules.test.ts has it), and with
// ~10 tokens a manifest even a rare one kept most generated manifests from reaching the planner
const token = fc.record({ name: maybe(fc.constantFrom(...TOKEN_POOL)) }, { requiredKeys: ['name'] });
const account = fc.record({
  prune: maybe(fc.constantFrom('none', 'owned')),
  owns: maybe(fc.oneof(fc.constant('gitops-*'), fc.constant('*'), fc.array(fc.constantFrom('gitops-*', 'ci-*', 'manual-1'), { minLength: 1, maxLength: 2 }))),
  protect: maybe(fc.array(fc.constantFrom('gitops-keep-*', 'ci-*'), { minLength: 1, maxLength: 2 })),
  tokens: maybe(fc.uniqueArray(token, { maxLength: 4, selector: (t) => t.name })),
}, { requiredKeys: [] });

export const clusterFragment = fc.record({
  name: maybe(fc.constantFrom('prod', 'staging', 'dev')),
  url: maybe(fc.constantFrom('https://es.example.com:9200', 'https://127.0.0.1:9201')),
  auth: maybe(fc.oneof(
    fc.constant({ apiKey: { env: 'ES_API_KEY' } }),
    fc.constant({ basic: { username: 'elastic', password: { env: 'ES_PASSWORD' } } }),
    fc.constant({ bearer: { file: './token' } }),
  )),
  maxDeletions: fc.option(maybe(fc.integer({ min: 0, max: 3 })), { nil: undefined }),
  serviceAccounts: maybe(fc.dictionary(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...PRINCIPALS) }, { weight: 1, arbitrary: fc.constantFrom('x/y', 'nope') }),
    account, { maxKeys: 3 })),
}, { requiredKeys: ['name', 'url', 'auth'] });

export const secretsFragment = fc.oneof(fc.constant({ directory: './secrets' }), fc.constant({ exec: ['vault', 'kv', 'put'] }), garbage);

export const fileNoise = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: fc.constantFrom('[', ']', '{', '}', ':', '-', ' ', '\n', '\t', '&a', '*a', '!!', '#', '"', '---', 'clusters', 'secrets'), maxLength: 80 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
  fc.uint8Array({ maxLength: 60 }),
);

/**
 * What a cluster might report for a desired cluster, from a seed: missing accounts, listed and
 * unlisted, owned, protected and unowned tokens, unknown accounts lists, failing nodes; or nothing
 * at all (the cluster was not observed).
 */
export function observedFor(cluster: DesiredCluster, seed: number): ObservedCluster[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (random() < 0.1) return [];
  const names = [...TOKEN_POOL, 'gitops-z', 'gitops-keep-2', 'other'];
  return [{
    name: cluster.name, clusterUuid: 'uuid', clusterName: 'es', version: pick(['9.4.0', '8.19.0', '7.17.0']),
    nodes: random() < 0.3 ? null : [{ id: 'a', name: 'node-0' }, { id: 'b', name: 'node-1' }],
    accounts: random() < 0.2 ? null : PRINCIPALS.filter(() => random() < 0.9),
    serviceAccounts: cluster.serviceAccounts.filter(() => random() < 0.9).map((a) => ({
      principal: a.principal,
      indexTokens: [...new Set(names.filter(() => random() < 0.4))].sort(),
      fileTokens: {},
      format: 'nodes' as const,
      nodes: random() < 0.2 ? { total: 2, successful: 1, failed: 1, failures: [{ nodeId: 'b', reason: 'down' }] } : { total: 2, successful: 2, failed: 0, failures: [] },
    })),
  }];
}
