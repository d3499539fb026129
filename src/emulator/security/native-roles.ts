/**
 * Roles: reserved (ReservedRolesStore, the few the emulator needs), the emulator's fixed file roles
 * (roles.yml stand-ins the harness users hold) and native roles (PUT/GET/DELETE /_security/role).
 * Resolution order as CompositeRolesStore: reserved, then file, then native; unknown names grant nothing.
 */
import { ROLE_PRIVILEGES } from '../privileges.js';
import type { RecordStore } from './record-store.js';

export interface IndexGroup {
  names: string[];
  privileges: string[];
  allow_restricted_indices: boolean;
  field_security?: unknown;
  query?: unknown;
}

export interface ApplicationGroup {
  application: string;
  privileges: string[];
  resources: string[];
}

export interface StoredRole {
  cluster: string[];
  indices: IndexGroup[];
  applications: ApplicationGroup[];
  run_as: string[];
  metadata: Record<string, unknown>;
  description?: string;
}

const ALL_INDICES: IndexGroup = { names: ['*'], privileges: ['all'], allow_restricted_indices: true };

/** [unsure] only superuser is modelled in full; the other reserved roles are listed with no privileges. */
export const RESERVED_ROLES: Readonly<Record<string, StoredRole>> = {
  superuser: {
    cluster: ['all'],
    indices: [ALL_INDICES],
    applications: [{ application: '*', privileges: ['*'], resources: ['*'] }],
    run_as: ['*'],
    metadata: { _reserved: true },
  },
  ...Object.fromEntries(
    [
      'apm_system', 'beats_admin', 'beats_system', 'editor', 'ingest_admin', 'kibana_admin', 'kibana_system', 'kibana_user', 'logstash_admin',
      'logstash_system', 'machine_learning_admin', 'machine_learning_user', 'monitoring_user', 'remote_monitoring_agent',
      'remote_monitoring_collector', 'reporting_user', 'snapshot_user', 'transport_client', 'viewer', 'watcher_admin', 'watcher_user',
    ].map((name) => [name, { cluster: [], indices: [], applications: [], run_as: [], metadata: { _reserved: true } } satisfies StoredRole]),
  ),
};

export function isReservedRole(name: string): boolean {
  return Object.hasOwn(RESERVED_ROLES, name);
}

export interface ResolvedRoles {
  /** names that resolved (the "effective roles" of 8.5+ denials) */
  found: string[];
  missing: string[];
  cluster: string[];
  indices: IndexGroup[];
  applications: ApplicationGroup[];
}

function lookup(name: string, natives: RecordStore<StoredRole>): StoredRole | undefined {
  if (isReservedRole(name)) return RESERVED_ROLES[name];
  const fileRole = ROLE_PRIVILEGES[name];
  if (fileRole) return { cluster: [...fileRole], indices: [], applications: [], run_as: [], metadata: {} };
  return natives.get(name);
}

/** The union of the named roles, looked up now: a role edited or created since takes effect on the next request. */
export function resolveRoles(names: readonly string[], natives: RecordStore<StoredRole>): ResolvedRoles {
  const resolved: ResolvedRoles = { found: [], missing: [], cluster: [], indices: [], applications: [] };
  for (const name of new Set(names)) {
    const role = lookup(name, natives);
    if (!role) {
      resolved.missing.push(name);
      continue;
    }
    resolved.found.push(name);
    resolved.cluster.push(...role.cluster);
    resolved.indices.push(...role.indices);
    resolved.applications.push(...role.applications);
  }
  return resolved;
}

/** GET /_security/role body of one role, keys in RoleDescriptor.toXContent order. */
export function roleJson(role: StoredRole, hasDescription: boolean): Record<string, unknown> {
  const json: Record<string, unknown> = {
    cluster: [...role.cluster],
    indices: role.indices.map((group) => ({ ...group })),
    applications: role.applications.map((group) => ({ ...group })),
    run_as: [...role.run_as],
    metadata: role.metadata,
    transient_metadata: { enabled: true },
  };
  if (hasDescription && role.description !== undefined) json.description = role.description;
  return json;
}
