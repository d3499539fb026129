/**
 * Kibana's own user-managed service accounts (issue 22): Kibana's "Service accounts" page creates accounts
 * itself (the docs' example principal is `kibana/automation-client`) and keeps a credential of its own for each,
 * stored encrypted in Kibana. escred must not claim them by a wildcard: deleting one breaks what depends on it.
 */

/** The namespace Kibana's accounts live in. */
export const KIBANA_NAMESPACE = 'kibana';
/** Kibana's own built-in service account: an account it created or last changed is Kibana's. */
export const KIBANA_SERVICE_ACCOUNT = 'elastic/kibana';

/** A valid service name (Validation.UserManagedServiceAccounts): letters, digits, `_`, `-`, not starting with `_` or `-`. */
const SERVICE_CHARS = /^[A-Za-z0-9_-]*$/;

/**
 * Whether an ownership glob (only `*` is special) can match some account `kibana/<service>`: the pattern must
 * take `kibana/` as its start, and what remains must be able to spell a service name (no second `/`).
 */
export function canMatchKibanaNamespace(pattern: string): boolean {
  return matchesFrom(pattern, `${KIBANA_NAMESPACE}/`);
}

function matchesFrom(pattern: string, prefix: string): boolean {
  if (prefix === '') return canSpellService(pattern);
  if (pattern === '') return false;
  if (pattern[0] === '*') return matchesFrom(pattern.slice(1), prefix) || matchesFrom(pattern, prefix.slice(1));
  return pattern[0] === prefix[0] && matchesFrom(pattern.slice(1), prefix.slice(1));
}

function canSpellService(rest: string): boolean {
  const literal = rest.replaceAll('*', '');
  if (!SERVICE_CHARS.test(literal)) return false;
  // a service name is not empty and starts with a letter or digit; a leading `*` can supply that character
  return rest.startsWith('*') || /^[A-Za-z0-9]/.test(literal);
}
