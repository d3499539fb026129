/**
 * What the rest of the emulator needs to know about an authenticated principal: its cluster
 * privileges, how a 403 names it (spec section 6) and its `_authenticate` body (spec section 7).
 */
import type { Principal } from './auth.js';
import type { UserRecord } from './security/native-users.js';
import type { AccountAuthor } from './security/user-managed-accounts.js';
import { denied, isGranted } from './privileges.js';
import { roleDescriptorFor } from './role-descriptors.js';
import { resolveRoles, type ResolvedRoles, type StoredRole } from './security/native-roles.js';
import type { RecordStore } from './security/record-store.js';
import type { VersionProfile } from './version-profile.js';

/** What authorization reads: the version and the native roles (looked up at each request). */
export interface PrivilegeContext {
  profile: VersionProfile;
  roles: RecordStore<StoredRole>;
}

/** The roles behind a principal; built-in service accounts have their fixed descriptor instead. */
export function principalRoles(principal: Principal, ctx: PrivilegeContext): ResolvedRoles {
  if (principal.kind === 'service_account') {
    if (principal.userManagedRoles) return resolveRoles(principal.userManagedRoles, ctx.roles);
    const descriptor = roleDescriptorFor(principal.principal, ctx.profile.version);
    return { found: [], missing: [], cluster: descriptor?.cluster ?? [], indices: descriptor?.indices ?? [], applications: descriptor?.applications ?? [] };
  }
  return resolveRoles(principal.user.roles, ctx.roles);
}

export function clusterPrivileges(principal: Principal, ctx: PrivilegeContext): string[] {
  return principalRoles(principal, ctx).cluster;
}

function userSubject(user: UserRecord, ctx: PrivilegeContext): string {
  if (!ctx.profile.isEffectiveRoles) return `user [${user.username}] with roles [${user.roles.join(',')}]`;
  // [unsure] 8.5+ effective roles order; sorted here. Unknown roles are reported separately.
  const { found, missing } = resolveRoles(user.roles, ctx.roles);
  const suffix = missing.length > 0 ? ` (assigned roles [${missing.join(',')}] were not found)` : '';
  return `user [${user.username}] with effective roles [${[...found].sort().join(',')}]${suffix}`;
}

export function subjectText(principal: Principal, ctx: PrivilegeContext): string {
  switch (principal.kind) {
    case 'service_account':
      // [unsure] a user-managed account may be named with its roles; worded here as a built-in one.
      return `${ctx.profile.isServiceAccountSubject ? 'service account' : 'user'} [${principal.principal}]`;
    case 'api_key':
      return `API key id [${principal.apiKey.id}] of user [${principal.user.username}]`;
    default:
      return userSubject(principal.user, ctx);
  }
}

/** Throws the 403 of spec section 6 when the principal lacks the action. */
export function authorize(principal: Principal, action: string, ctx: PrivilegeContext): void {
  if (!isGranted(clusterPrivileges(principal, ctx), action, ctx.profile)) throw denied(action, subjectText(principal, ctx), ctx.profile);
}

function realmOf(user: UserRecord): { name: string; type: string } {
  return user.isReserved ? { name: 'reserved', type: 'reserved' } : { name: 'default_native', type: 'native' };
}

export function authenticateBody(principal: Principal, profile: VersionProfile): Record<string, unknown> {
  if (principal.kind === 'service_account') {
    const realm = { name: '_service_account', type: '_service_account' };
    const token: Record<string, string> = { name: principal.tokenName };
    if (profile.hasTokenType) token.type = principal.source === 'file' ? '_service_account_file' : '_service_account_index';
    const isUserManaged = principal.userManagedRoles !== undefined;
    return {
      username: principal.principal,
      roles: [...(principal.userManagedRoles ?? [])],
      // 20_user_managed.yml@03f56605: full_name and metadata of a user-managed account.
      full_name: `${isUserManaged ? 'User-managed service account' : 'Service account'} - ${principal.principal}`,
      email: null,
      // [unsure] whether an OAuth2 access token of the account reports the service token it was granted for
      ...(principal.isAccessToken ? {} : { token }),
      metadata: isUserManaged ? { _user_managed_service_account: true } : { _elastic_service_account: true },
      enabled: true,
      authentication_realm: realm,
      lookup_realm: realm,
      authentication_type: 'token',
    };
  }
  const { user } = principal;
  const body: Record<string, unknown> = {
    username: user.username,
    roles: [...user.roles],
    full_name: user.fullName,
    email: user.email,
    metadata: user.metadata,
    enabled: user.enabled,
  };
  if (principal.kind === 'api_key') {
    const realm = { name: '_es_api_key', type: '_es_api_key' };
    return { ...body, authentication_realm: realm, lookup_realm: realm, authentication_type: 'api_key', api_key: { id: principal.apiKey.id, name: principal.apiKey.name } };
  }
  return { ...body, authentication_realm: realmOf(user), lookup_realm: realmOf(user), authentication_type: 'realm' };
}

/**
 * Who a write to a user-managed account is attributed to (ServiceAccountAuthor.fromAuthentication [code]): the
 * effective user; an API key's owner from the owner's realm, with the key; a service account as its own user,
 * named as `_authenticate` names it ([inferred] for service accounts: no test writes as one).
 */
export function authorOf(principal: Principal, profile: VersionProfile): AccountAuthor {
  if (principal.kind === 'service_account') {
    const view = authenticateBody(principal, profile);
    return { principal: principal.principal, full_name: String(view.full_name), realm: '_service_account', realm_type: '_service_account' };
  }
  const { user } = principal;
  const realm = realmOf(user);
  return {
    principal: user.username,
    ...(user.fullName ? { full_name: user.fullName } : {}),
    ...(user.email ? { email: user.email } : {}),
    realm: realm.name,
    realm_type: realm.type,
    ...(principal.kind === 'api_key' ? { api_key: { id: principal.apiKey.id, ...(principal.apiKey.name ? { name: principal.apiKey.name } : {}) } } : {}),
  };
}
