import path from 'node:path';
import type { DesiredCluster, SecretSinkConfig } from '../model.js';
import type { DiagnosticPosition } from './diagnostic.js';
import type { ManifestFile, SecretSink } from './generated/manifest-types.js';
import { normalizeCluster } from './normalize-cluster.js';
import { normalizeLease } from './normalize-lease.js';
import { normalizePolicy } from './normalize-policy.js';
import { type NormalizeContext, resolvePath } from './normalize-context.js';

/** What one file contributes to the merged desired state. */
export interface ManifestFragment {
  file: string;
  secrets?: { config: SecretSinkConfig; at: DiagnosticPosition };
  clusters: DesiredCluster[];
}

export function normalizeManifest(context: NormalizeContext, raw: ManifestFile): ManifestFragment {
  const fileLease = normalizeLease(context, raw.lease, ['lease']);
  const filePolicy = normalizePolicy(raw.policy);
  const fragment: ManifestFragment = {
    file: context.locator.file,
    clusters: (raw.clusters ?? []).map((cluster, index) => normalizeCluster(context, cluster, ['clusters', index], fileLease, filePolicy)),
  };
  if (raw.secrets) fragment.secrets = { config: normalizeSink(context, raw.secrets), at: context.locator.key(['secrets']) };
  return fragment;
}

function normalizeSink(context: NormalizeContext, sink: SecretSink): SecretSinkConfig {
  if (sink.directory !== undefined) return { kind: 'directory', directory: resolvePath(context, sink.directory) };
  const [command = '', ...args] = sink.exec ?? [];
  // A command with a slash is a path next to the manifest; a bare name is found in PATH by the sink.
  const isRelativePath = command.includes('/') && !path.isAbsolute(command);
  return { kind: 'exec', command: [isRelativePath ? resolvePath(context, command) : command, ...args] };
}
