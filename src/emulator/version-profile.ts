/**
 * Everything that differs between Elasticsearch versions, decided once from the version string
 * (spec sections 0, 4, 5, 6, 7, 9, 13). Route code asks the profile, never compares versions itself.
 */
import { builtInAccountsFor, parseVersion } from '../es/built-in-accounts.js';

export interface VersionProfile {
  version: string;
  major: number;
  minor: number;
  /** built-in service accounts of this version (spec section 5) */
  accounts: string[];
  /** 7.15+: credentials aggregated over all nodes under nodes_credentials (spec 4.1); before: flat, local node (4.2) */
  isNodesCredentialsFormat: boolean;
  /** 8.5+: the read_security privilege exists and grants GET accounts / GET credentials */
  hasReadSecurity: boolean;
  /** 8.0+: denials say `service account [..]` instead of `user [..]` for SA tokens */
  isServiceAccountSubject: boolean;
  /** 8.5+: `with effective roles [..]` instead of `with roles [..]` */
  isEffectiveRoles: boolean;
  /** 7.13-7.15: service-account APIs and authentication require HTTPS in production mode (spec 9) */
  hasHttpTlsCheck: boolean;
  /** 7.14+: `token.type` in the authenticate response */
  hasTokenType: boolean;
  /** 7.14+: X-elastic-product header (spec 13) */
  hasProductHeader: boolean;
  /** 8.14+ [inferred from the RestNodesCapabilitiesAction history]: GET /_capabilities exists */
  hasCapabilitiesApi: boolean;
  /** 9.6+: user-managed service accounts (user-managed-service-accounts.md section 0) */
  hasUserManagedAccounts: boolean;
  /** 8.16+ [inferred]: `unassigned_primary_shards` in the cluster health body */
  hasUnassignedPrimaryShards: boolean;
  /** majors accepted in `compatible-with=N` media types */
  compatibleMajors: number[];
}

function isAtLeast(major: number, minor: number, wantMajor: number, wantMinor: number): boolean {
  return major !== wantMajor ? major > wantMajor : minor >= wantMinor;
}

export function versionProfile(version: string): VersionProfile {
  const [major, minor] = parseVersion(version);
  const atLeast = (wantMajor: number, wantMinor: number): boolean => isAtLeast(major, minor, wantMajor, wantMinor);
  return {
    version,
    major,
    minor,
    accounts: builtInAccountsFor(version),
    isNodesCredentialsFormat: atLeast(7, 15),
    hasReadSecurity: atLeast(8, 5),
    isServiceAccountSubject: atLeast(8, 0),
    isEffectiveRoles: atLeast(8, 5),
    hasHttpTlsCheck: atLeast(7, 13) && !atLeast(7, 16),
    hasTokenType: atLeast(7, 14),
    hasProductHeader: atLeast(7, 14),
    hasCapabilitiesApi: atLeast(8, 14),
    hasUserManagedAccounts: atLeast(9, 6),
    hasUnassignedPrimaryShards: atLeast(8, 16),
    // REST API compatibility: the current major and the previous one (8.x accepts 7 and 8, 9.x 8 and 9);
    // [inferred] a 7.x server accepts only 7.
    compatibleMajors: major >= 8 ? [major - 1, major] : [major],
  };
}

export const SUPPORTED_VERSION_HINT = 'at least 7.13; profiles checked: 7.14, 7.17, 8.19, 9.4, 9.6 (user-managed service accounts)';

export function assertSupportedVersion(version: string): void {
  const [major, minor] = parseVersion(version);
  if (!isAtLeast(major, minor, 7, 13)) {
    throw new Error(`Elasticsearch ${version} has no service accounts (${SUPPORTED_VERSION_HINT})`);
  }
}
