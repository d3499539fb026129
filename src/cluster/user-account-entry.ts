/**
 * One user-managed account as `GET /_security/service` and the query API report it (Elasticsearch 9.6+):
 * roles, enabled, description, attribution, and every other field kept as it came, so that a PUT, which
 * replaces the account wholesale, can send it back (issue 22; docs/user-managed-accounts-es-main.md).
 */
import type { AccountAuthor, ObservedUserManagedAccount } from '../model.js';
import { isRecord } from './elasticsearch-error.js';

/**
 * Fields escred reads but never writes: the server sets them (`type`, the attribution, `_sort` of the query API;
 * `managed_by` is what 20_user_managed.yml@b94f54cb calls `type` [unsure which shipped]) or escred manages them.
 * Anything else the cluster reports is sent back as it was.
 */
const NOT_KEPT = new Set(['username', 'type', 'managed_by', 'roles', 'enabled', 'description', 'creator', 'created_at', 'editor', 'edited_at', '_sort']);

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `creator` / `editor` (ServiceAccountAuthor [code]): absent values are left out by the cluster. */
export function parseAuthor(value: unknown): AccountAuthor | undefined {
  if (!isRecord(value) || typeof value.principal !== 'string') return undefined;
  const apiKey = isRecord(value.api_key) && typeof value.api_key.id === 'string'
    ? { id: value.api_key.id, ...(typeof value.api_key.name === 'string' ? { name: value.api_key.name } : {}) } : undefined;
  const fullName = optionalString(value.full_name);
  const email = optionalString(value.email);
  return {
    principal: value.principal, ...(fullName ? { fullName } : {}), ...(email ? { email } : {}),
    realm: optionalString(value.realm) ?? '', realmType: optionalString(value.realm_type) ?? '', ...(apiKey ? { apiKey } : {}),
  };
}

function epochMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function parseAccountEntry(principal: string, record: Record<string, unknown>): ObservedUserManagedAccount {
  const roles = Array.isArray(record.roles) ? record.roles.filter((r): r is string => typeof r === 'string') : [];
  const kept = Object.entries(record).filter(([field]) => !NOT_KEPT.has(field));
  const description = optionalString(record.description);
  const creator = parseAuthor(record.creator);
  const editor = parseAuthor(record.editor);
  const createdAt = epochMs(record.created_at);
  const editedAt = epochMs(record.edited_at);
  return {
    principal, roles: [...new Set(roles)].sort(), isEnabled: record.enabled !== false,
    ...(description === undefined ? {} : { description }),
    ...(kept.length > 0 ? { keptFields: Object.fromEntries(kept) } : {}),
    ...(creator ? { creator } : {}), ...(createdAt === undefined ? {} : { createdAt }),
    ...(editor ? { editor } : {}), ...(editedAt === undefined ? {} : { editedAt }),
  };
}
