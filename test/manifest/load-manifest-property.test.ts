import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { LoadManifestResult } from '../../src/manifest/load-manifest.js';
import { loadText } from './manifest-fixture.js';

const garbage = fc.oneof(
  fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: garbage });
const optional = { requiredKeys: [] as never[] };

const secretRef = maybe(fc.oneof(fc.record({ env: fc.constantFrom('K', 'ES_KEY', '1X') }), fc.record({ file: fc.constantFrom('./k', '') })));
const token = fc.record({
  name: maybe(fc.constantFrom('gitops-a', 'a', '_x', 'a.b', 'manual')),
  protect: maybe(fc.boolean()),
  rotate: maybe(fc.record({ every: maybe(fc.constantFrom('30d', '1h', '0d', '1d12h')), overlap: maybe(fc.constantFrom('2d', '1h', '0s')) }, optional)),
}, optional);
const account = fc.record({
  prune: maybe(fc.constantFrom('none', 'owned')),
  owns: maybe(fc.oneof(fc.constant('gitops-*'), fc.array(fc.constantFrom('gitops-*', 'x*'), { maxLength: 2 }))),
  protect: maybe(fc.constant(['keep-*'])),
  tokens: maybe(fc.array(token, { maxLength: 3 })),
  fileTokens: maybe(fc.array(fc.record({ name: maybe(fc.constantFrom('b', 'c')), nodes: maybe(fc.constantFrom('*', ['*'], ['n1'], ['*', 'n1'])) }, optional), { maxLength: 2 })),
}, optional);
const cluster = fc.record({
  name: maybe(fc.constantFrom('prod', 'prod', 'Prod', 'staging')),
  url: maybe(fc.constantFrom('https://es:9200', 'ftp://x', 'https://u:p@es', 'https://[::1')),
  urls: maybe(fc.array(fc.constant('https://es:9200'), { maxLength: 2 })),
  auth: maybe(fc.record({ apiKey: secretRef, basic: maybe(fc.record({ username: fc.constant('elastic'), password: secretRef }, optional)), bearer: secretRef }, optional)),
  tls: maybe(fc.record({ caFile: fc.constant('./ca.pem'), caFingerprint: fc.constantFrom('ab'.repeat(32), 'zz'), insecure: fc.boolean() }, optional)),
  maxDeletions: maybe(fc.integer({ min: -2, max: 10 })),
  serviceAccounts: maybe(fc.dictionary(fc.constantFrom('elastic/fleet-server', 'elastic/kibana', 'fleet', 'x/y/z', 'elastic/nope'), account, { maxKeys: 3 })),
}, optional);
const manifest = fc.record({
  apiVersion: maybe(fc.constant('escred/v1')),
  secrets: maybe(fc.oneof(fc.record({ directory: fc.constant('./s') }), fc.record({ exec: fc.constant(['vault']) }))),
  clusters: maybe(fc.array(cluster, { maxLength: 3 })),
}, optional);

function checkInvariants(result: LoadManifestResult): void {
  const hasError = result.diagnostics.some((d) => d.severity === 'error');
  expect(result.desired === null).toBe(hasError);
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^ESCRED_[A-Z0-9_]+$/);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

describe('loadManifest never throws: any input gives a desired state or diagnostics', () => {
  it('manifest-shaped data with garbage mixed in', async () => {
    await fc.assert(fc.asyncProperty(manifest, async (data) => {
      checkInvariants(await loadText(stringify(data)));
    }), { numRuns: 150 });
  });

  it('arbitrary text, JSON and YAML-ish noise', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom('[', ']', '{', '}', ':', '-', ' ', '\n', '\t', '&a', '*a', '!!', '#', '"', "'", '---', 'a', '|', '>') , maxLength: 120 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => stringify(v)),
    );
    await fc.assert(fc.asyncProperty(text, async (input) => {
      const result = await loadText(input);
      checkInvariants(result);
    }), { numRuns: 200 });
  });

  it('arbitrary bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
      checkInvariants(await loadText(bytes));
    }), { numRuns: 100 });
  });

  it('an inline password is never echoed, whatever it is', async () => {
    const secret = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 8, maxLength: 20 });
    await fc.assert(fc.asyncProperty(secret, async (password) => {
      const text = `apiVersion: escred/v1\nsecrets: { directory: ./s }\nclusters:\n  - name: a\n    url: https://es\n    auth: { basic: { username: elastic, password: "${password}" } }\n`;
      const result = await loadText(text);
      expect(result.diagnostics.map((d) => d.code)).toEqual(['ESCRED_INLINE_SECRET']);
      expect(JSON.stringify(result.diagnostics)).not.toContain(password);
    }), { numRuns: 50 });
  });
});
