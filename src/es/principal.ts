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
