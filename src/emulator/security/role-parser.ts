/**
 * PUT /_security/role body -> StoredRole, as RoleDescriptor.parse and PutRoleRequest.validate do it:
 * an unknown field is a parse_exception naming the role; an unknown cluster privilege, a reserved
 * name or a `_` metadata key is a validation failure. Wording [inferred] from ES's messages.
 */
import { simpleError } from '../es-errors.js';
import type { VersionProfile } from '../version-profile.js';
import { isStringArray, stringList, validationFailed, type JsonObject } from './json-body.js';
import { isReservedRole, type ApplicationGroup, type IndexGroup, type StoredRole } from './native-roles.js';

/** ClusterPrivilegeResolver names (the common ones; [unsure] complete per version). */
const CLUSTER_PRIVILEGES = [
  'all', 'cancel_task', 'create_snapshot', 'cross_cluster_replication', 'cross_cluster_search', 'delegate_pki', 'grant_api_key', 'manage',
  'manage_api_key', 'manage_autoscaling', 'manage_ccr', 'manage_enrich', 'manage_ilm', 'manage_index_templates', 'manage_ingest_pipelines',
  'manage_logstash_pipelines', 'manage_ml', 'manage_oidc', 'manage_own_api_key', 'manage_pipeline', 'manage_rollup', 'manage_saml',
  'manage_security', 'manage_service_account', 'manage_slm', 'manage_token', 'manage_transform', 'manage_watcher', 'monitor', 'monitor_ml',
  'monitor_rollup', 'monitor_snapshot', 'monitor_transform', 'monitor_watcher', 'none', 'read_ccr', 'read_ilm', 'read_pipeline', 'read_slm',
  'transport_client',
];

export function clusterPrivilegeNames(profile: VersionProfile): string[] {
  const names = [...CLUSTER_PRIVILEGES, ...(profile.hasReadSecurity ? ['read_security', 'manage_user_profile', 'read_fleet_secrets'] : [])];
  return names.sort();
}

const ROLE_FIELDS = ['cluster', 'indices', 'index', 'applications', 'application', 'run_as', 'metadata', 'transient_metadata', 'global', 'description'];

function parseFailure(name: string, detail: string): Error {
  return simpleError(400, 'parse_exception', `failed to parse role [${name}]. ${detail}`);
}

function parseIndexGroup(name: string, raw: unknown): IndexGroup {
  if (typeof raw !== 'object' || raw === null) throw parseFailure(name, 'expected an object for an indices entry');
  const entry = raw as JsonObject;
  for (const field of Object.keys(entry)) {
    if (!['names', 'privileges', 'field_security', 'query', 'allow_restricted_indices'].includes(field)) {
      throw parseFailure(name, `unexpected field [${field}]`);
    }
  }
  const names = stringList(entry.names);
  const privileges = stringList(entry.privileges);
  if (!names) throw parseFailure(name, 'missing required [names] field');
  if (!privileges) throw parseFailure(name, 'missing required [privileges] field');
  const group: IndexGroup = { names, privileges, allow_restricted_indices: entry.allow_restricted_indices === true };
  if (entry.field_security !== undefined) group.field_security = entry.field_security;
  if (entry.query !== undefined) group.query = entry.query;
  return group;
}

function parseApplication(name: string, raw: unknown): ApplicationGroup {
  const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as JsonObject;
  const privileges = stringList(entry.privileges);
  const resources = stringList(entry.resources);
  if (typeof entry.application !== 'string' || !privileges || !resources) {
    throw parseFailure(name, 'an application entry needs [application], [privileges] and [resources]');
  }
  return { application: entry.application, privileges, resources };
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function parseRole(name: string, body: JsonObject, profile: VersionProfile): StoredRole {
  for (const field of Object.keys(body)) if (!ROLE_FIELDS.includes(field)) throw parseFailure(name, `unexpected field [${field}]`);
  const cluster = body.cluster === undefined ? [] : stringList(body.cluster);
  if (!cluster) throw parseFailure(name, 'expected field [cluster] to be an array of strings');
  const runAs = body.run_as === undefined ? [] : stringList(body.run_as);
  if (!runAs) throw parseFailure(name, 'expected field [run_as] to be an array of strings');
  const metadata = (body.metadata ?? {}) as Record<string, unknown>;
  const role: StoredRole = {
    cluster,
    indices: listOf(body.indices ?? body.index).map((entry) => parseIndexGroup(name, entry)),
    applications: listOf(body.applications ?? body.application).map((entry) => parseApplication(name, entry)),
    run_as: runAs,
    metadata,
  };
  if (typeof body.description === 'string') role.description = body.description;
  validateRole(name, role, profile);
  return role;
}

/** NativeRealmValidationUtil.validateRoleName (user-managed-service-accounts.md section 2 gives the text). */
export const ROLE_NAME_RULE =
  'Role names must be at least 1 and no more than 507 characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, ' +
  'punctuation, and printable symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.';

export function isValidRoleName(name: string): boolean {
  return /^[\x21-\x7e]([\x20-\x7e]{0,505}[\x21-\x7e])?$/.test(name);
}

function validateRole(name: string, role: StoredRole, profile: VersionProfile): void {
  const errors: string[] = [];
  if (!isValidRoleName(name)) errors.push(ROLE_NAME_RULE);
  if (isReservedRole(name)) errors.push(`Role [${name}] is reserved and may not be used.`);
  const known = clusterPrivilegeNames(profile);
  for (const privilege of role.cluster) {
    // An action pattern is "cluster:..." (or "indices:..."); anything else must be a named privilege.
    if (known.includes(privilege) || /^cluster:/.test(privilege)) continue;
    errors.push(
      `unknown cluster privilege [${privilege.toLowerCase()}]. a privilege must be either one of the predefined cluster privilege names ` +
        `[${known.join(',')}] or a pattern over one of the available cluster actions`,
    );
  }
  if (Object.keys(role.metadata).some((key) => key.startsWith('_'))) errors.push('role descriptor metadata keys may not start with [_]');
  if (!isStringArray(role.run_as)) errors.push('run_as must be a list of strings');
  if (errors.length > 0) throw validationFailed(errors);
}
