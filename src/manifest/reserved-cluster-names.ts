import { DIAGNOSTIC_CODES, errorAt, type Diagnostic, type DiagnosticPosition } from './diagnostic.js';

/**
 * The lease room (the lease index in each cluster) keeps documents of its own next to the leases:
 * the replica registry. Before issue 21 leases were kept under the manifest's cluster name, and
 * escred still reads a lease under that name once (legacy-lease.ts), so a cluster named like one of
 * these documents would read the registry as its lease: such a name is a manifest error.
 */
export const REPLICA_REGISTRY_ID = 'escred-replicas';

export const RESERVED_CLUSTER_NAMES: ReadonlySet<string> = new Set([REPLICA_REGISTRY_ID]);

export function reservedNameDiagnostic(name: string, at: DiagnosticPosition): Diagnostic | undefined {
  if (!RESERVED_CLUSTER_NAMES.has(name)) return undefined;
  return errorAt(at, DIAGNOSTIC_CODES.reservedName,
    `cluster name "${name}" is reserved: the lease index keeps a document of escred's own under that name; choose another name`);
}
