/**
 * User-managed service accounts (9.6+, user-managed-service-accounts.md): the stored document and the
 * validation rules of Validation.UserManagedServiceAccounts (section 2). Documents live in the security
 * index as `service_account-<ns>/<svc>`; here one RecordStore keyed by principal.
 */
import { ACCOUNT_COMPONENT, MAX_ACCOUNT_COMPONENT_LENGTH } from '../../es/principal.js';
import { ROLE_NAME_RULE, isValidRoleName } from './role-parser.js';

/**
 * Who wrote an account (ServiceAccountAuthor.java@c2d47c6b [code], docs/user-managed-accounts-es-main.md):
 * the effective user; through an API key, the key's owner from the owner's realm, with the key by id and name.
 * Stored and rendered alike: absent values are left out, never null.
 */
export interface AccountAuthor {
  principal: string;
  full_name?: string;
  email?: string;
  realm: string;
  realm_type: string;
  api_key?: { id: string; name?: string };
}

export interface StoredAccount {
  username: string;
  /** sorted and de-duplicated, as ES stores them (`sortedDistinct`) */
  roles: string[];
  enabled: boolean;
  /** absent: none; `""` is kept apart from none (PutUserManagedServiceAccountRequestTests [test]) */
  description?: string;
  /** set at creation and kept by every replacement (23_user_managed_attribution.yml@31080cc5 [test]) */
  creator?: AccountAuthor;
  /** epoch ms */
  created_at?: number;
  /** absent until the first replacement */
  editor?: AccountAuthor;
  edited_at?: number;
}

/** The fields of an account as GET and the query API report them, in that order (type first). */
export function accountView(account: StoredAccount): Record<string, unknown> {
  const { description, creator, created_at, editor, edited_at } = account;
  return {
    type: 'user_managed', roles: [...account.roles], enabled: account.enabled,
    ...(description === undefined ? {} : { description }),
    ...(creator ? { creator } : {}), ...(created_at === undefined ? {} : { created_at }),
    ...(editor ? { editor } : {}), ...(edited_at === undefined ? {} : { edited_at }),
  };
}

/**
 * [inferred] the cap: the request tests name MAX_DESCRIPTION_LENGTH and say it counts as role descriptions are
 * counted; role descriptions are capped at 1000 characters. Its value on main was not read.
 */
export const MAX_DESCRIPTION_LENGTH = 1000;

export function descriptionErrors(description: string | undefined): string[] {
  if (description === undefined || description.length <= MAX_DESCRIPTION_LENGTH) return [];
  return [`a service account description may not be more than ${MAX_DESCRIPTION_LENGTH} characters long, but [${description.length}] were given`];
}

const MAX_ROLES = 1000;

function componentErrors(label: string, value: string): string[] {
  if (value === '') return [`service account ${label} is missing`];
  if (value.length > MAX_ACCOUNT_COMPONENT_LENGTH) {
    // [unsure] the tail after "but [<value>]" (spec section 7, point 4).
    return [`service account ${label} may not be more than ${MAX_ACCOUNT_COMPONENT_LENGTH} characters long, but [${value}] is ${value.length} characters long`];
  }
  if (!ACCOUNT_COMPONENT.test(value)) {
    return [`service account ${label} [${value}] must begin with a letter or digit and may contain only letters, digits, hyphens (-) and underscores (_)`];
  }
  return [];
}

/** Errors of a `ns/svc` pair, all at once; the reserved namespace is `elastic` in any case. */
export function principalErrors(namespace: string, service: string): string[] {
  const errors = [...componentErrors('namespace', namespace), ...componentErrors('service name', service)];
  if (namespace.toLowerCase() === 'elastic') errors.push('the [elastic] namespace is reserved for built-in service accounts');
  return errors;
}

export function isValidPrincipal(principal: string): boolean {
  const [namespace = '', service = '', ...rest] = principal.split('/');
  return rest.length === 0 && principalErrors(namespace, service).length === 0;
}

/** Roles: at most 1000, counted before de-duplication; each a native role name (reserved names allowed). */
export function roleErrors(roles: readonly string[]): string[] {
  const errors: string[] = [];
  if (roles.length > MAX_ROLES) errors.push(`a service account may not have more than ${MAX_ROLES} roles, but [${roles.length}] were given`);
  for (const role of new Set(roles)) if (!isValidRoleName(role)) errors.push(ROLE_NAME_RULE);
  return errors;
}

export function sortedDistinct(roles: readonly string[]): string[] {
  return [...new Set(roles)].sort();
}

/** `elastic` compared case-insensitively picks the built-in actions (RestCreateServiceAccountTokenAction [code]). */
export function isBuiltInNamespace(namespace: string): boolean {
  return namespace.toLowerCase() === 'elastic';
}
