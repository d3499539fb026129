import type { DesiredState } from '../model.js';
import { DIAGNOSTIC_CODES, errorAt, type Diagnostic } from './diagnostic.js';
import type { ManifestFragment } from './normalize-manifest.js';

/**
 * Merges the files' fragments: clusters are concatenated (a name may be defined once across all
 * files), `secrets` must be defined in exactly one file. Duplicates point at both places.
 */
export function mergeFragments(fragments: readonly ManifestFragment[], files: readonly string[]): {
  desired?: DesiredState; diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const withSecrets = fragments.filter((f) => f.secrets !== undefined);
  for (const duplicate of withSecrets.slice(1)) {
    const first = withSecrets[0]!.secrets!;
    diagnostics.push({
      ...errorAt(duplicate.secrets!.at, DIAGNOSTIC_CODES.duplicateSecrets, 'secrets is defined more than once; define it in one file'),
      related: [{ ...first.at, message: 'secrets first defined here' }],
    });
  }
  const clusters = fragments.flatMap((f) => f.clusters);
  const byName = new Map<string, (typeof clusters)[number]>();
  for (const cluster of clusters) {
    const first = byName.get(cluster.name);
    if (!first) {
      byName.set(cluster.name, cluster);
      continue;
    }
    diagnostics.push({
      ...errorAt(cluster.source, DIAGNOSTIC_CODES.duplicateCluster, `duplicate cluster name "${cluster.name}"`),
      related: [{ ...first.source, message: `cluster "${cluster.name}" first defined here` }],
    });
  }
  const secrets = withSecrets[0]?.secrets?.config;
  if (!secrets) {
    const at = { file: files[0] ?? '', line: 1, col: 1 };
    diagnostics.push(errorAt(at, DIAGNOSTIC_CODES.missingSecrets,
      'no secrets sink: one manifest file must define secrets (directory: path, or exec: [command, ...])'));
    return { diagnostics };
  }
  return { desired: { secrets, clusters, files: [...files] }, diagnostics };
}
