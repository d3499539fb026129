/**
 * The reconciler end to end against a real Elasticsearch, when one is configured (same environment
 * variables as real-cluster.test.ts; skipped unless ESCRED_TEST_ES_URL is set): the built CLI
 * plans, applies, finds no change, then prunes what it made. Tokens are named
 * escred-it-<run>-*, owned by that pattern only, so nothing else on the cluster can be touched;
 * afterAll deletes them whatever happened. Values go to a temporary directory sink, never printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { createClusterConnection } from '../../src/cluster/cluster-connection.js';
import { isRealClusterConfigured, realCluster, realClusterManifestEntry } from './real-cluster-env.js';

const env = process.env;
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const RUN = `escred-it-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const FLEET = 'elastic/fleet-server';

function clusterEntry(tokens: string[]): Record<string, unknown> {
  return realClusterManifestEntry({ [FLEET]: { prune: 'owned', owns: `${RUN}-*`, tokens: tokens.map((name) => ({ name })) } });
}

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!isRealClusterConfigured)('escred plan and apply against a real Elasticsearch cluster', () => {
  const work = mkdtempSync(join(tmpdir(), 'escred-it-'));
  const writeManifest = (tokens: string[]) =>
    writeFileSync(join(work, 'escred.yaml'), stringify({ apiVersion: 'escred/v1', secrets: { directory: './secrets' }, clusters: [clusterEntry(tokens)] }));

  afterAll(async () => {
    const connection = createClusterConnection(realCluster());
    try {
      const left = (await connection.getCredentials(FLEET)).indexTokens.filter((t) => t.startsWith(RUN));
      for (const token of left) await connection.deleteToken(FLEET, token);
    } finally {
      await connection.close();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('creates, converges, and prunes only its own tokens, every value in the sink and nowhere else', async () => {
    writeManifest([`${RUN}-a`, `${RUN}-b`]);
    const plan = await run(['plan', '--detailed-exitcode'], work);
    expect(plan.code).toBe(2);
    const apply = await run(['apply', '--auto-approve'], work);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    const value = readFileSync(join(work, 'secrets', 'real', FLEET, `${RUN}-a`), 'utf8');
    expect(value).toMatch(/^AAEAA/);
    expect(apply.stdout + plan.stdout).not.toContain(value);
    expect((await run(['plan', '--detailed-exitcode'], work)).code).toBe(0);

    writeManifest([`${RUN}-a`]);
    const prune = await run(['apply', '--auto-approve', '--output', 'json'], work);
    expect(prune.code).toBe(0);
    expect(JSON.parse(prune.stdout).changes).toEqual([
      { cluster: 'real', principal: FLEET, token: `${RUN}-b`, action: 'delete', outcome: 'deleted' }]);
  });
});
