/**
 * What the rest of the emulator needs to know about an authenticated principal: its cluster
 * privileges, how a 403 names it (spec section 6) and its `_authenticate` body (spec section 7).
 */
import type { Principal, UserRecord } from './auth.js';
import { denied, isGranted, ROLE_PRIVILEGES } from './privileges.js';
import { roleDescriptorFor } from './role-descriptors.js';
import type { VersionProfile } from './version-profile.js';

export function clusterPrivileges(principal: Principal, profile: VersionProfile): string[] {
  if (principal.kind === 'service_account') return roleDescriptorFor(principal.principal, profile.version)?.cluster ?? [];
  return principal.user.roles.flatMap((role) => ROLE_PRIVILEGES[role] ?? []);
}

function userSubject(user: UserRecord, profile: VersionProfile): string {
  if (!profile.isEffectiveRoles) return `user [${user.username}] with roles [${user.roles.join(',')}]`;
  // [unsure] 8.5+ effective roles order; sorted here. Unknown roles are reported separately.
  const known = user.roles.filter((role) => role in ROLE_PRIVILEGES).sort();
  const unknown = user.roles.filter((role) => !(role in ROLE_PRIVILEGES));
  const suffix = unknown.length > 0 ? ` (assigned roles [${unknown.join(',')}] were not found)` : '';
  return `user [${user.username}] with effective roles [${known.join(',')}]${suffix}`;
}

export function subjectText(principal: Principal, profile: VersionProfile): string {
  switch (principal.kind) {
    case 'service_account':
      return `${profile.isServiceAccountSubject ? 'service account' : 'user'} [${principal.principal}]`;
    case 'api_key':
      return `API key id [${principal.apiKey.id}] of user [${principal.user.username}]`;
    default:
      return userSubject(principal.user, profile);
  }
}

/** Throws the 403 of spec section 6 when the principal lacks the action. */
export function authorize(principal: Principal, action: string, profile: VersionProfile): void {
  if (!isGranted(clusterPrivileges(principal, profile), action, profile)) throw denied(action, subjectText(principal, profile), profile);
}

function realmOf(user: UserRecord): { name: string; type: string } {
  return user.isReserved ? { name: 'reserved', type: 'reserved' } : { name: 'default_native', type: 'native' };
}

export function authenticateBody(principal: Principal, profile: VersionProfile): Record<string, unknown> {
  if (principal.kind === 'service_account') {
    const realm = { name: '_service_account', type: '_service_account' };
    const token: Record<string, string> = { name: principal.tokenName };
    if (profile.hasTokenType) token.type = principal.source === 'file' ? '_service_account_file' : '_service_account_index';
    return {
      username: principal.principal,
      roles: [],
      full_name: `Service account - ${principal.principal}`,
      email: null,
      token,
      metadata: { _elastic_service_account: true },
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
    full_name: null,
    email: null,
    metadata: user.isReserved ? { _reserved: true } : {},
    enabled: true,
  };
  if (principal.kind === 'api_key') {
    const realm = { name: '_es_api_key', type: '_es_api_key' };
    return { ...body, authentication_realm: realm, lookup_realm: realm, authentication_type: 'api_key', api_key: { id: principal.apiKey.id, name: principal.apiKey.name } };
  }
  return { ...body, authentication_realm: realmOf(user), lookup_realm: realmOf(user), authentication_type: 'realm' };
}
