/** Facts about service-account principals, shared by the manifest, the planner and the CLI. */

/** `namespace/service`: two non-empty parts without '/' or white space */
export const PRINCIPAL = /^([^/\s]+)\/([^/\s]+)$/;

/** Elasticsearch reserves `elastic`, in any case, for built-in accounts: escred never writes an account there. */
export function isReservedNamespace(namespace: string): boolean {
  return namespace.toLowerCase() === 'elastic';
}

export function namespaceOf(principal: string): string {
  return principal.split('/')[0] ?? '';
}

/**
 * Validation.UserManagedServiceAccounts (user-managed-service-accounts.md section 2): the namespace
 * and the service name of a user-managed account each match this, at most
 * MAX_ACCOUNT_COMPONENT_LENGTH characters. Shared by the manifest, its patterns and the emulator.
 */
export const ACCOUNT_COMPONENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const MAX_ACCOUNT_COMPONENT_LENGTH = 128;
