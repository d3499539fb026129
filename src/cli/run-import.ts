import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isScalar, type YAMLMap } from 'yaml';
import { attributionLines } from '../cluster/account-summary.js';
import type { ObservedUserManagedAccount } from '../model.js';
import type { ImportedCluster } from '../reconcile/import-cluster.js';
import { ConfigError } from '../errors.js';
import { importCluster } from '../reconcile/import-cluster.js';
import { openPass } from '../reconcile/open-pass.js';
import { connectionOptions } from './commands/timeout-option.js';
import { reportError } from './report-error.js';
import { OUTPUT_FORMAT_VERSION } from './views/json-output.js';
import { writeErr, writeOut } from './terminal.js';

const SCHEMA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas', 'manifest.schema.json');

/** `escred import CLUSTER`: returns the exit code. */
export async function runImport(
  clusterName: string, options: { file?: string[]; out?: string; force?: boolean; timeout?: number; output?: 'human' | 'json' },
): Promise<number> {
  const isJson = options.output === 'json';
  try {
    const out = options.out ? resolve(options.out) : undefined;
    if (out && existsSync(out) && !options.force) throw new ConfigError(`${options.out} exists; pass --force to overwrite it`);
    const pass = await openPass({ manifestArgs: options.file ?? [], cwd: process.cwd(), isApplying: false, connection: connectionOptions(options) });
    try {
      const cluster = pass.desired.clusters.find((c) => c.name === clusterName);
      const connection = pass.connections.get(clusterName);
      if (!cluster || !connection) {
        throw new ConfigError(`the manifest declares no cluster ${clusterName} (it has: ${pass.desired.clusters.map((c) => c.name).join(', ')})`);
      }
      const folder = out ? dirname(out) : process.cwd();
      const imported = await importCluster(pass.desired, cluster, connection, { relativeTo: folder });
      const text = [
        `# yaml-language-server: $schema=${relative(folder, SCHEMA)}`,
        `# Imported by escred import from cluster ${clusterName} (uuid ${imported.clusterUuid}, Elasticsearch ${imported.version}).`,
        '# prune: none and no owns: applying this manifest deletes nothing. Values of existing tokens are not',
        '# known to escred (Elasticsearch shows them once); plan warns about them until they are rotated.',
        manifestYaml(imported),
      ].join('\n');
      if (out) {
        await writeFile(out, text, { flag: options.force ? 'w' : 'wx' });
        writeErr(`Wrote ${options.out}.`);
      }
      if (isJson) {
        writeOut(JSON.stringify({
          formatVersion: OUTPUT_FORMAT_VERSION, cluster: clusterName, clusterUuid: imported.clusterUuid, version: imported.version,
          manifest: imported.manifest, userManagedAccounts: imported.userManaged.map(attributionOf), ...(out ? { out } : {}),
        }, null, 2));
      } else if (!out) {
        writeOut(text);
      }
      return 0;
    } finally {
      await pass.close();
    }
  } catch (error) {
    reportError(error, { output: options.output ?? 'human' });
    return 1;
  }
}

/** The manifest as YAML, each user-managed account preceded by who created and last changed it (issue 22). */
function manifestYaml(imported: ImportedCluster): string {
  const doc = new Document(imported.manifest);
  const accounts = doc.getIn(['clusters', 0, 'serviceAccounts'], true) as YAMLMap | undefined;
  const byPrincipal = new Map(imported.userManaged.map((a) => [a.principal, a]));
  for (const pair of accounts?.items ?? []) {
    const account = isScalar(pair.key) ? byPrincipal.get(String(pair.key.value)) : undefined;
    const lines = account ? attributionLines(account, ' ') : [];
    if (isScalar(pair.key) && lines.length > 0) pair.key.commentBefore = lines.join('\n');
  }
  return doc.toString();
}

function attributionOf(account: ObservedUserManagedAccount): Record<string, unknown> {
  const { principal, description, creator, createdAt, editor, editedAt } = account;
  return { principal, description, creator, createdAt, editor, editedAt };
}
