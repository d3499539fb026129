/**
 * Cluster privileges -> actions, and the 403 wording (spec section 6). Only the actions the
 * emulator serves are modelled.
 */
import { forbidden, type EsHttpError } from './es-errors.js';
import type { VersionProfile } from './version-profile.js';

export const ACTIONS = {
  getAccounts: 'cluster:admin/xpack/security/service_account/get',
  getCredentials: 'cluster:admin/xpack/security/service_account/credential/get',
  createToken: 'cluster:admin/xpack/security/service_account/token/create',
  deleteToken: 'cluster:admin/xpack/security/service_account/token/delete',
  clearCache: 'cluster:admin/xpack/security/cache/clear',
  createApiKey: 'cluster:admin/xpack/security/api_key/create',
  putUser: 'cluster:admin/xpack/security/user/put',
  getUsers: 'cluster:admin/xpack/security/user/get',
  deleteUser: 'cluster:admin/xpack/security/user/delete',
  setUserEnabled: 'cluster:admin/xpack/security/user/set_enabled',
  putRole: 'cluster:admin/xpack/security/role/put',
  getRoles: 'cluster:admin/xpack/security/role/get',
  deleteRole: 'cluster:admin/xpack/security/role/delete',
  hasPrivileges: 'cluster:admin/xpack/security/user/has_privileges',
  queryAccounts: 'cluster:admin/xpack/security/service_account/query',
  putUserManagedAccount: 'cluster:admin/xpack/security/user_managed_service_account/put',
  deleteUserManagedAccount: 'cluster:admin/xpack/security/user_managed_service_account/delete',
  createUserManagedToken: 'cluster:admin/xpack/security/user_managed_service_account/token/create',
  deleteUserManagedToken: 'cluster:admin/xpack/security/user_managed_service_account/token/delete',
  createAccessToken: 'cluster:admin/xpack/security/token/create',
  invalidateAccessToken: 'cluster:admin/xpack/security/token/invalidate',
  main: 'cluster:monitor/main',
  clusterHealth: 'cluster:monitor/health',
  nodesCapabilities: 'cluster:monitor/nodes/capabilities',
  nodesInfo: 'cluster:monitor/nodes/info',
} as const;

/** The small role table of the emulator; the harness users rely on these names. */
export const ROLE_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  superuser: ['all'],
  service_account_manager: ['manage_service_account'],
  security_reader: ['read_security'],
  security_manager: ['manage_security'],
  monitoring: ['monitor'],
  manage_only: ['manage'],
};

const SECURITY = 'cluster:admin/xpack/security/';

/** The served actions read_security grants (8.5+): the security GETs. */
const READ_SECURITY_ACTIONS = [ACTIONS.getAccounts, ACTIONS.getCredentials, ACTIONS.getUsers, ACTIONS.getRoles, ACTIONS.queryAccounts];

function globMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return regex.test(action);
}

function grants(privilege: string, action: string, profile: VersionProfile): boolean {
  switch (privilege) {
    case 'all':
      return true;
    case 'manage_security':
      return action.startsWith(SECURITY);
    case 'manage_service_account':
      return action.startsWith(`${SECURITY}service_account/`);
    case 'read_security':
      return profile.hasReadSecurity && READ_SECURITY_ACTIONS.some((granted) => action.startsWith(granted));
    case 'monitor':
      return action.startsWith('cluster:monitor/');
    case 'manage':
      // `manage` explicitly excludes the security actions.
      return action.startsWith('cluster:monitor/') || (action.startsWith('cluster:admin/') && !action.startsWith(SECURITY));
    case 'manage_token':
      return action.startsWith(`${SECURITY}token/`);
    case 'manage_own_api_key':
    case 'manage_api_key':
      return action.startsWith(`${SECURITY}api_key/`);
    default:
      return privilege.includes(':') && globMatches(privilege, action);
  }
}

export function isGranted(privileges: readonly string[], action: string, profile: VersionProfile): boolean {
  return privileges.some((privilege) => grants(privilege, action, profile));
}

/** Named privileges that grant the action, least to most privileged (as ES lists them). */
export function grantingPrivileges(action: string, profile: VersionProfile): string[] {
  switch (action) {
    case ACTIONS.getAccounts:
    case ACTIONS.getCredentials:
    case ACTIONS.queryAccounts:
      return profile.hasReadSecurity
        ? ['manage_service_account', 'read_security', 'manage_security', 'all']
        : ['manage_service_account', 'manage_security', 'all'];
    case ACTIONS.createToken:
    case ACTIONS.deleteToken:
      return ['manage_service_account', 'manage_security', 'all'];
    case ACTIONS.getUsers:
    case ACTIONS.getRoles:
      return profile.hasReadSecurity ? ['read_security', 'manage_security', 'all'] : ['manage_security', 'all'];
    case ACTIONS.clearCache:
    case ACTIONS.putUser:
    case ACTIONS.deleteUser:
    case ACTIONS.setUserEnabled:
    case ACTIONS.putRole:
    case ACTIONS.deleteRole:
    case ACTIONS.putUserManagedAccount:
    case ACTIONS.deleteUserManagedAccount:
    case ACTIONS.createUserManagedToken:
    case ACTIONS.deleteUserManagedToken:
      return ['manage_security', 'all'];
    case ACTIONS.createAccessToken:
    case ACTIONS.invalidateAccessToken:
      return ['manage_token', 'manage_security', 'all'];
    case ACTIONS.createApiKey:
      return ['manage_own_api_key', 'manage_api_key', 'manage_security', 'all'];
    default:
      return ['monitor', 'manage', 'all'];
  }
}

export function denied(action: string, subject: string, profile: VersionProfile): EsHttpError {
  return forbidden(`action [${action}] is unauthorized for ${subject}, this action is granted by the cluster privileges [${grantingPrivileges(action, profile).join(',')}]`);
}
