/**
 * Index privileges for the document APIs: which named privilege grants which index action
 * (IndexPrivilege's automata), matched against the index groups of the principal's roles, and
 * the 403 as AuthorizationDenialMessages words it: "action [a] is unauthorized for <subject> on
 * indices [i], this action is granted by the index privileges [p,...]" (least to most privileged,
 * IndexPrivilege.findPrivilegesThatGrant over sortByAccessLevel).
 * [unsure] the item-level bulk checks (create_doc may only create: indices:data/write/index:op_type/*)
 * are not modelled; restricted indices are not modelled (no document index here is restricted).
 */
import type { Principal } from '../auth.js';
import { forbidden, type EsHttpError } from '../es-errors.js';
import { principalRoles, subjectText, type PrivilegeContext } from '../principal-view.js';

export const INDEX_ACTIONS = {
  index: 'indices:data/write/index',
  delete: 'indices:data/write/delete',
  get: 'indices:data/read/get',
  autoCreate: 'indices:admin/auto_create',
} as const;

/** IndexPrivilege's patterns for the privileges that can grant a served action. */
const PRIVILEGE_PATTERNS: Readonly<Record<string, readonly string[]>> = {
  all: ['indices:*'],
  read: ['indices:data/read/*'],
  create: ['indices:data/write/index*', 'indices:data/write/bulk*'],
  create_doc: ['indices:data/write/index', 'indices:data/write/index[*', 'indices:data/write/index:op_type/create', 'indices:data/write/bulk*'],
  index: ['indices:data/write/index*', 'indices:data/write/bulk*', 'indices:data/write/update*'],
  delete: ['indices:data/write/delete*', 'indices:data/write/bulk*'],
  write: ['indices:data/write/*', 'indices:admin/mapping/auto_put'],
  monitor: ['indices:monitor/*'],
  manage: ['indices:monitor/*', 'indices:admin/*'],
  create_index: ['indices:admin/create', 'indices:admin/auto_create', 'indices:admin/data_stream/create'],
  auto_configure: ['indices:admin/mapping/auto_put', 'indices:admin/auto_create'],
};

/** Least to most privileged, as sortByAccessLevel orders the ones above. */
const ACCESS_ORDER = ['create_doc', 'auto_configure', 'create_index', 'create', 'delete', 'read', 'index', 'write', 'manage', 'all'];

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\\\?/g, '.'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

function matchesAny(patterns: readonly string[], value: string): boolean {
  return patterns.some((pattern) => globToRegExp(pattern).test(value));
}

/** An index name pattern of a role: a wildcard expression or a /Lucene regexp/ (read as a JS one). */
function indexPatternMatches(pattern: string, indexName: string): boolean {
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      return new RegExp(`^(?:${pattern.slice(1, -1)})$`).test(indexName);
    } catch {
      return false;
    }
  }
  return globToRegExp(pattern).test(indexName);
}

function privilegeGrants(privilege: string, action: string): boolean {
  const patterns = PRIVILEGE_PATTERNS[privilege.toLowerCase()];
  if (patterns) return matchesAny(patterns, action);
  return privilege.startsWith('indices:') && matchesAny([privilege], action);
}

export function grantingIndexPrivileges(action: string): string[] {
  return ACCESS_ORDER.filter((privilege) => privilegeGrants(privilege, action));
}

export function hasIndexPrivilege(principal: Principal, action: string, indexName: string, ctx: PrivilegeContext): boolean {
  return principalRoles(principal, ctx).indices.some(
    (group) => group.names.some((name) => indexPatternMatches(name, indexName)) && group.privileges.some((privilege) => privilegeGrants(privilege, action)),
  );
}

export function indexDenied(principal: Principal, action: string, indexName: string, ctx: PrivilegeContext): EsHttpError {
  const granted = grantingIndexPrivileges(action).join(',');
  return forbidden(`action [${action}] is unauthorized for ${subjectText(principal, ctx)} on indices [${indexName}], this action is granted by the index privileges [${granted}]`);
}

export function authorizeIndex(principal: Principal, action: string, indexName: string, ctx: PrivilegeContext): void {
  if (!hasIndexPrivilege(principal, action, indexName, ctx)) throw indexDenied(principal, action, indexName, ctx);
}
