/**
 * Manifest rules for user-managed service accounts (Elasticsearch 9.6+, spec
 * user-managed-service-accounts.md sections 1-2 and 9): any namespace but `elastic` names one.
 */
import { ACCOUNT_COMPONENT, MAX_ACCOUNT_COMPONENT_LENGTH, isReservedNamespace } from '../es/principal.js';
import { canMatchKibanaNamespace, KIBANA_NAMESPACE } from '../es/kibana-accounts.js';
import type { AccountOwnership, DesiredUserManagedSpec } from '../model.js';
import { DIAGNOSTIC_CODES, errorAt, warningAt } from './diagnostic.js';
import type { AccountOwnership as RawOwnership, ServiceAccount } from './generated/manifest-types.js';
import type { DataPath } from './node-locator.js';
import { type NormalizeContext, toList } from './normalize-context.js';
import { checkAccountPatterns } from './pattern-rules.js';

/** [inferred] Validation.UserManagedServiceAccounts.MAX_DESCRIPTION_LENGTH (docs/user-managed-accounts-es-main.md) */
const MAX_DESCRIPTION_LENGTH = 1000;

/**
 * The account spec of a user-managed account, or undefined for a built-in one. Reports the rules
 * Elasticsearch applies (its own wording where it has one) at the offending key.
 */
export function normalizeUserManagedSpec(
  context: NormalizeContext, principal: { namespace: string; service: string; text: string }, raw: ServiceAccount, path: DataPath,
): DesiredUserManagedSpec | undefined {
  const { locator, diagnostics } = context;
  if (isReservedNamespace(principal.namespace)) {
    if (principal.namespace !== 'elastic') {
      diagnostics.push(errorAt(locator.key(path), DIAGNOSTIC_CODES.invalidPrincipal,
        `the [elastic] namespace is reserved for built-in service accounts: write elastic/${principal.service} in lower case`));
    }
    for (const field of ['roles', 'enabled', 'description'] as const) {
      if (raw[field] === undefined) continue;
      diagnostics.push(errorAt(locator.key([...path, field]), DIAGNOSTIC_CODES.builtInAccountSpec,
        `${field} is for user-managed service accounts; built-in ${principal.text} has fixed privileges and is always enabled`));
    }
    return undefined;
  }
  for (const [what, value] of [['namespace', principal.namespace], ['service name', principal.service]] as const) {
    const problem = value.length > MAX_ACCOUNT_COMPONENT_LENGTH ? `may not be more than ${MAX_ACCOUNT_COMPONENT_LENGTH} characters long`
      : ACCOUNT_COMPONENT.test(value) ? undefined : 'must begin with a letter or digit and may contain only letters, digits, hyphens (-) and underscores (_)';
    if (problem) diagnostics.push(errorAt(locator.key(path), DIAGNOSTIC_CODES.invalidPrincipal, `service account ${what} [${value}] ${problem}`));
  }
  if (raw.fileTokens !== undefined) {
    diagnostics.push(errorAt(locator.key([...path, 'fileTokens']), DIAGNOSTIC_CODES.userManagedFileTokens,
      `${principal.text} is a user-managed service account: Elasticsearch never authenticates file tokens for it; declare index tokens (tokens:) instead`));
  }
  if (raw.roles === undefined) {
    diagnostics.push(errorAt(locator.key(path), DIAGNOSTIC_CODES.userManagedRoles,
      `${principal.text} is a user-managed service account (its namespace is not elastic): declare its roles, e.g. roles: [logs-writer] (roles: [] grants nothing)`));
    return undefined;
  }
  if (raw.description !== undefined && raw.description.length > MAX_DESCRIPTION_LENGTH) {
    // Elasticsearch counts UTF-16 code units, as JavaScript does (PutUserManagedServiceAccountRequestTests [test])
    diagnostics.push(errorAt(locator.value([...path, 'description']), DIAGNOSTIC_CODES.userManagedDescription,
      `a service account description may not be more than ${MAX_DESCRIPTION_LENGTH} characters long, but [${raw.description.length}] were given`));
  }
  return { roles: [...new Set(raw.roles)].sort(), ...(raw.enabled === undefined ? {} : { isEnabled: raw.enabled }),
    ...(raw.description === undefined ? {} : { description: raw.description }) };
}

export function normalizeAccountOwnership(context: NormalizeContext, raw: RawOwnership | undefined, path: DataPath): AccountOwnership {
  const ownership: AccountOwnership = { prune: raw?.prune ?? 'none', owns: toList(raw?.owns), protect: toList(raw?.protect) };
  if (ownership.prune === 'owned' && ownership.owns.length === 0) {
    context.diagnostics.push(errorAt(context.locator.value([...path, 'prune']), DIAGNOSTIC_CODES.pruneWithoutOwns,
      'prune: owned needs owns (the account principals this manifest owns, e.g. team/*); without it no account could be pruned safely'));
  }
  checkAccountPatterns(context, raw, path);
  // `*` and `*/*` both match every principal (a principal has exactly one `/`)
  if (ownership.prune === 'owned' && ownership.owns.some((pattern) => /^\*+(\/\*+)?$/.test(pattern))) {
    context.diagnostics.push(warningAt(context.locator.value([...path, 'owns']), DIAGNOSTIC_CODES.ownsEverything,
      'owns "*" claims every user-managed service account of this cluster, also those made outside escred (by hand or by other tools): ' +
      'with prune: owned, any such account not declared here is deleted'));
  }
  ownership.owns.forEach((pattern, i) => {
    if (!canMatchKibanaNamespace(pattern)) return;
    const at = typeof raw?.owns === 'string' ? [...path, 'owns'] : [...path, 'owns', i];
    context.diagnostics.push(warningAt(context.locator.value(at), DIAGNOSTIC_CODES.ownsKibanaAccounts,
      `owns '${pattern}' can match Kibana's own accounts (namespace ${KIBANA_NAMESPACE}): Kibana creates them on its Service accounts page ` +
      `and keeps their credentials itself; escred never deletes one Kibana created or last changed unless owns names it without a wildcard`));
  });
  return ownership;
}
