import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, resolveManifestPaths } from '../../src/manifest/load-manifest.js';

const root = path.resolve(import.meta.dirname, '../..');
const examples = path.join(root, 'examples');
/** workflows, deployments and dashboards, not manifests: test/gitops/ checks them */
const NOT_MANIFESTS = new Set(['github', 'kubernetes', 'grafana']);

async function load(...args: string[]) {
  return loadManifest(await resolveManifestPaths(args, examples), { cwd: examples });
}

describe('examples', () => {
  it('every example file and folder validates without diagnostics', async () => {
    // .escred/ is the state folder an apply of examples/quickstart.yaml leaves beside it (the demo's, say)
    const entries = (await readdir(examples, { withFileTypes: true })).filter((e) => !NOT_MANIFESTS.has(e.name) && !e.name.startsWith('.'));
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const entry of entries) {
      const result = await load(entry.name);
      expect({ example: entry.name, diagnostics: result.diagnostics }).toEqual({ example: entry.name, diagnostics: [] });
      expect(result.desired).not.toBeNull();
    }
  });

  it('every example names the schema for editors', async () => {
    const files = (await readdir(examples, { recursive: true })).filter((f) => f.endsWith('.yaml') && !NOT_MANIFESTS.has(f.split(path.sep)[0]!));
    for (const file of files) {
      const text = await readFile(path.join(examples, file), 'utf8');
      const depth = file.split(path.sep).length - 1;
      expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${'../'.repeat(depth + 1)}schemas/manifest.schema.json`);
    }
  });

  it('quickstart: one cluster "demo", the demo emulator\'s password file and CA, two accounts', async () => {
    const { desired } = await load('quickstart.yaml');
    const demo = desired?.clusters[0];
    expect(demo).toMatchObject({
      name: 'demo', urls: ['https://127.0.0.1:9200'], maxDeletions: 5,
      auth: { kind: 'basic', username: 'elastic', password: { file: path.join(root, '.escred/demo/emulator/elastic-password') } },
      tls: { isInsecure: false, caFile: path.join(root, '.escred/demo/emulator/ca.pem') },
    });
    expect(desired?.secrets).toEqual({ kind: 'directory', directory: path.join(root, '.escred/demo/secrets') });
    expect(demo?.serviceAccounts.map((a) => [a.principal, a.prune, a.owns, a.protect, a.tokens.map((t) => t.name)])).toEqual([
      ['elastic/fleet-server', 'owned', ['gitops-*'], ['gitops-fleet-b'], ['gitops-fleet-a', 'gitops-fleet-b']],
      ['elastic/kibana', 'none', [], [], ['gitops-kibana']],
    ]);
  });

  it('multi-cluster: merged from a folder, failover URLs, fingerprint normalized', async () => {
    const { desired } = await load('multi-cluster');
    expect(desired?.files.map((f) => path.basename(f))).toEqual(['prod.yaml', 'secrets.yaml', 'staging.yaml']);
    expect(desired?.secrets.kind).toBe('exec');
    const [prod, staging] = desired?.clusters ?? [];
    expect(prod?.urls).toHaveLength(2);
    expect(prod?.tls.caFingerprint).toBe('3f0e5a2b9c71d4881a6fc2e307b594dd4e8a11f06c23b75990ae3dc87205e14b');
    expect(prod?.auth.kind).toBe('apiKey');
    expect(staging?.auth).toEqual({ kind: 'bearer', token: { file: path.join(examples, 'multi-cluster/staging-token') } });
  });

  it('file-tokens: every node, a node list, and a rotated index token', async () => {
    const { desired } = await load('file-tokens.yaml');
    const account = desired?.clusters[0]?.serviceAccounts[0];
    expect(account?.fileTokens.map((t) => [t.name, t.nodes])).toEqual([['bootstrap', '*'], ['edge-ingest', ['es-edge-0', 'es-edge-1']]]);
    expect(account?.tokens[0]?.rotate).toEqual({ everyMs: 30 * 86_400_000, overlapMs: 2 * 86_400_000 });
  });
});
