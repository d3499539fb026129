import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadManifest, resolveManifestPaths } from '../../src/manifest/load-manifest.js';
import { CLUSTER, loadFiles, tempDir, yamlLines } from './manifest-fixture.js';

const SECRETS = yamlLines('apiVersion: escred/v1', 'secrets:', '  directory: ./secrets');
// each cluster at its own URL: two at one URL get a warning (cluster-url-rules.test.ts)
const clusterFile = (name: string) => yamlLines('apiVersion: escred/v1', 'clusters:', `  - name: ${name}`, `    url: https://${name}:9200`, ...CLUSTER.slice(2));

describe('several files merge into one desired state', () => {
  it('concatenates clusters in file order and takes secrets from the one file that has it', async () => {
    const result = await loadFiles({ 'a-secrets.yaml': SECRETS, 'b-prod.yaml': clusterFile('prod'), 'c-staging.yaml': clusterFile('staging') });
    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.clusters.map((c) => [c.name, path.basename(c.source.file), c.source.line])).toEqual([
      ['prod', 'b-prod.yaml', 3], ['staging', 'c-staging.yaml', 3]]);
    expect(result.desired?.secrets).toEqual({ kind: 'directory', directory: path.join(result.dir, 'secrets') });
    expect(result.desired?.files.map((f) => path.basename(f))).toEqual(['a-secrets.yaml', 'b-prod.yaml', 'c-staging.yaml']);
  });

  it('a cluster name defined in two files points at both', async () => {
    const result = await loadFiles({ 'a.yaml': SECRETS + 'clusters:\n' + yamlLines(...CLUSTER), 'b.yaml': clusterFile('prod') });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toEqual({
      severity: 'error', code: 'ESCRED_DUPLICATE_CLUSTER', message: 'duplicate cluster name "prod"',
      file: path.join(result.dir, 'b.yaml'), line: 3, col: 5,
      related: [{ file: path.join(result.dir, 'a.yaml'), line: 5, col: 5, message: 'cluster "prod" first defined here' }],
    });
    expect(result.desired).toBeNull();
  });

  it('secrets defined in two files points at both', async () => {
    const result = await loadFiles({ 'a.yaml': SECRETS, 'b.yaml': SECRETS });
    expect(result.diagnostics).toEqual([{
      severity: 'error', code: 'ESCRED_DUPLICATE_SECRETS', message: 'secrets is defined more than once; define it in one file',
      file: path.join(result.dir, 'b.yaml'), line: 2, col: 1,
      related: [{ file: path.join(result.dir, 'a.yaml'), line: 2, col: 1, message: 'secrets first defined here' }],
    }]);
  });

  it('reports the problems of every file in one run, sorted by file and position', async () => {
    const result = await loadFiles({
      'b.yaml': yamlLines('apiVersion: escred/v1', 'colour: red', 'size: 3'),
      'a.yaml': yamlLines('apiVersion: escred/v9', 'secrets: { directory: ./s }'),
    });
    expect(result.diagnostics.map((d) => [path.basename(d.file), d.line, d.code])).toEqual([
      ['a.yaml', 1, 'ESCRED_SCHEMA'], ['b.yaml', 2, 'ESCRED_SCHEMA'], ['b.yaml', 3, 'ESCRED_SCHEMA']]);
  });

  it('resolves relative paths against the folder of the file that holds them', async () => {
    const temp = await tempDir();
    try {
      await mkdir(path.join(temp.dir, 'team'));
      const inner = path.join(temp.dir, 'team', 'prod.yaml');
      await writeFile(inner, yamlLines('apiVersion: escred/v1', 'secrets:', '  exec: [./bin/store, --flag]', 'clusters:',
        '  - name: prod', '    url: https://es:9200/', '    auth: { bearer: { file: ../token } }', '    tls: { caFile: certs/ca.pem }'));
      const result = await loadManifest(['team/prod.yaml'], { cwd: temp.dir });
      expect(result.diagnostics).toEqual([]);
      const cluster = result.desired?.clusters[0];
      expect(result.desired?.secrets).toEqual({ kind: 'exec', command: [path.join(temp.dir, 'team', 'bin', 'store'), '--flag'] });
      expect(cluster?.auth).toEqual({ kind: 'bearer', token: { file: path.join(temp.dir, 'token') } });
      expect(cluster?.tls).toEqual({ isInsecure: false, caFile: path.join(temp.dir, 'team', 'certs', 'ca.pem') });
      expect(cluster?.urls).toEqual(['https://es:9200']);
      expect(result.desired?.files).toEqual([inner]);
    } finally {
      await temp.remove();
    }
  });

  it('a bare exec command is left for PATH lookup', async () => {
    const result = await loadFiles({ 'a.yaml': yamlLines('apiVersion: escred/v1', 'secrets: { exec: [vault, kv, put] }') });
    expect(result.desired?.secrets).toEqual({ kind: 'exec', command: ['vault', 'kv', 'put'] });
  });
});

describe('resolveManifestPaths', () => {
  it('expands directories to their *.yaml and *.yml files (not recursive), sorted, without duplicates', async () => {
    const temp = await tempDir();
    try {
      await mkdir(path.join(temp.dir, 'm', 'nested'), { recursive: true });
      for (const name of ['m/b.yml', 'm/a.yaml', 'm/notes.txt', 'm/nested/c.yaml', 'z.yaml']) await temp.write(name, '');
      const files = await resolveManifestPaths(['z.yaml', 'm', 'm/a.yaml'], temp.dir);
      expect(files).toEqual(['m/a.yaml', 'm/b.yml', 'z.yaml'].map((f) => path.join(temp.dir, f)));
    } finally {
      await temp.remove();
    }
  });

  it('a missing path throws a ConfigError naming it', async () => {
    await expect(resolveManifestPaths(['nope.yaml'], '/tmp')).rejects.toThrow(
      new ConfigError('manifest path nope.yaml: no such file or directory'));
    await expect(resolveManifestPaths(['nope.yaml'], '/tmp')).rejects.toBeInstanceOf(ConfigError);
  });

  it('a directory without manifests throws', async () => {
    const temp = await tempDir();
    try {
      await expect(resolveManifestPaths([temp.dir], '/')).rejects.toThrow(/has no \*\.yaml or \*\.yml files/);
    } finally {
      await temp.remove();
    }
  });
});
