/**
 * Every ESCRED_* code escred throws, reports or checks, in one place (undici's lib/core/errors.js is
 * the model: one file names every code; callers test codes through it, never with `startsWith` or
 * by duck-typing a status). The codes are stable: the JSON outputs carry them and users script
 * against them (docs/json-output.md). test/error-codes.test.ts checks that every ESCRED_*
 * string in src/ is declared here, and that each code is declared once.
 * A code used in two roles (an error that is also a plan warning) is declared in its first group
 * and referenced from the other.
 */

/** Codes of errors (EscredError and its subclasses) and of cluster plan errors. */
export const ERROR_CODES = {
  /** a failure that carries no code of its own (JSON outputs) */
  unknown: 'ESCRED_ERROR',
  usage: 'ESCRED_USAGE',
  config: 'ESCRED_CONFIG',
  manifestInvalid: 'ESCRED_MANIFEST_INVALID',
  applyCancelled: 'ESCRED_APPLY_CANCELLED',
  /** the local journal.json cannot be read as one */
  journalCorrupt: 'ESCRED_JOURNAL_CORRUPT',
  /** a watch pass that stopped before its plan was made */
  passNotPlanned: 'ESCRED_PASS_NOT_PLANNED',
  // preconditions for writing (SafetyError) and plan errors
  planStale: 'ESCRED_PLAN_STALE',
  planWrongCluster: 'ESCRED_PLAN_WRONG_CLUSTER',
  planHasErrors: 'ESCRED_PLAN_HAS_ERRORS',
  /** a saved plan's action the planner would not make from the manifest it names */
  planNotReplanned: 'ESCRED_PLAN_NOT_REPLANNED',
  rotateProtected: 'ESCRED_ROTATE_PROTECTED',
  maxDeletions: 'ESCRED_MAX_DELETIONS',
  /** a declared account that is missing still has tokens its own rules do not let escred delete (issue 22) */
  leftoverTokens: 'ESCRED_LEFTOVER_TOKENS',
  /** issue 23: a new or kept value did not authenticate as its token: nothing older is retired */
  verifyFailed: 'ESCRED_VERIFY_FAILED',
  noAuthenticateApi: 'ESCRED_NO_AUTHENTICATE_API',
  /** escred revoke named a protected token without --include-protected */
  revokeProtected: 'ESCRED_REVOKE_PROTECTED',
  /** a revoke delete of a token this run's escred revoke does not name (the write gate) */
  gateNotRevoked: 'ESCRED_GATE_NOT_REVOKED',
  /** escred report: a cluster the pass has no observation of */
  notObserved: 'ESCRED_NOT_OBSERVED',
  // issue 21: what a cluster is, whatever a manifest calls it
  /** GET / gave no cluster UUID (`_na_`: no elected master yet) */
  noClusterUuid: 'ESCRED_NO_CLUSTER_UUID',
  /** one manifest names one Elasticsearch cluster twice */
  clusterNamedTwice: 'ESCRED_CLUSTER_NAMED_TWICE',
  /** a cluster a daemon holds answers with another UUID now */
  clusterChanged: 'ESCRED_CLUSTER_CHANGED',
  /** a declared cluster no replica of the fleet has held for its lease duration plus a pass */
  clusterUnreconciled: 'ESCRED_CLUSTER_UNRECONCILED',
  privilegeManageSecurity: 'ESCRED_PRIVILEGE_MANAGE_SECURITY',
  // the cluster and the connection to it
  /** no answer: refused, reset, timed out, DNS; retryable */
  connectionFailed: 'ESCRED_CONNECTION_FAILED',
  /** the server's certificate was not accepted (CA, host name, pinned fingerprint); not retryable */
  tlsFailed: 'ESCRED_TLS_FAILED',
  tlsFingerprintMismatch: 'ESCRED_TLS_FINGERPRINT_MISMATCH',
  createOutcomeUnknown: 'ESCRED_CREATE_OUTCOME_UNKNOWN',
  createConflictKept: 'ESCRED_CREATE_CONFLICT_KEPT',
  badResponse: 'ESCRED_BAD_RESPONSE',
  noConnection: 'ESCRED_NO_CONNECTION',
  observeFailed: 'ESCRED_OBSERVE_FAILED',
  serverless: 'ESCRED_SERVERLESS',
  unsupportedVersion: 'ESCRED_UNSUPPORTED_VERSION',
  clusterUuidMismatch: 'ESCRED_CLUSTER_UUID_MISMATCH',
  notElasticsearch: 'ESCRED_NOT_ELASTICSEARCH',
  userManagedUnsupported: 'ESCRED_USER_MANAGED_UNSUPPORTED',
  noAccountApi: 'ESCRED_NO_ACCOUNT_API',
  // the secret sink (isSinkError)
  sinkFailed: 'ESCRED_SINK_FAILED',
  sinkUnavailable: 'ESCRED_SINK_UNAVAILABLE',
  sinkNotReadable: 'ESCRED_SINK_NOT_READABLE',
  sinkValueInvalid: 'ESCRED_SINK_VALUE_INVALID',
  /** refused before any write (rotation needs a sink that can list): not a sink failure during apply */
  sinkCannotList: 'ESCRED_SINK_CANNOT_LIST',
  // the write gate's refusals (WriteRefusedError), one per rule; maxDeletions above too
  gateUndeclared: 'ESCRED_GATE_UNDECLARED',
  gateDeclared: 'ESCRED_GATE_DECLARED',
  gateProtected: 'ESCRED_GATE_PROTECTED',
  gateUnowned: 'ESCRED_GATE_UNOWNED',
  gateNotPruned: 'ESCRED_GATE_NOT_PRUNED',
  gateNotMadeHere: 'ESCRED_GATE_NOT_MADE_HERE',
  gateNotEscreds: 'ESCRED_GATE_NOT_ESCREDS',
  gateReserved: 'ESCRED_GATE_RESERVED',
  // file tokens and service_tokens files
  serviceTokensWrite: 'ESCRED_SERVICE_TOKENS_WRITE',
  serviceTokensGroup: 'ESCRED_SERVICE_TOKENS_GROUP',
  serviceTokensLine: 'ESCRED_SERVICE_TOKENS_LINE',
  serviceTokensInvalid: 'ESCRED_SERVICE_TOKENS_INVALID',
  nodeListUnavailable: 'ESCRED_NODE_LIST_UNAVAILABLE',
  unknownNode: 'ESCRED_UNKNOWN_NODE',
  // leases (issue 15)
  leaseHeld: 'ESCRED_LEASE_HELD',
  leaseLost: 'ESCRED_LEASE_LOST',
  leaseForbidden: 'ESCRED_LEASE_FORBIDDEN',
  leaseRecord: 'ESCRED_LEASE_RECORD',
} as const;

/** The codes of the secret sink's failures: any of them stops the whole apply. */
export const SINK_ERROR_CODES: ReadonlySet<string> = new Set([
  ERROR_CODES.sinkFailed, ERROR_CODES.sinkUnavailable, ERROR_CODES.sinkNotReadable, ERROR_CODES.sinkValueInvalid,
]);

/** Elasticsearch answered with this error status (ElasticsearchError). */
export type HttpStatusCode = `ESCRED_ES_${number}`;

export function httpStatusCode(status: number): HttpStatusCode {
  return `ESCRED_ES_${status}`;
}

/** Every code a manifest diagnostic can carry; tests and the JSON output rely on them staying stable. */
export const DIAGNOSTIC_CODES = {
  fileUnreadable: 'ESCRED_FILE_UNREADABLE',
  fileTooLarge: 'ESCRED_FILE_TOO_LARGE',
  notUtf8: 'ESCRED_NOT_UTF8',
  emptyFile: 'ESCRED_EMPTY_FILE',
  yamlSyntax: 'ESCRED_YAML_SYNTAX',
  duplicateKey: 'ESCRED_DUPLICATE_KEY',
  multiDocument: 'ESCRED_MULTI_DOCUMENT',
  aliasLimit: 'ESCRED_ALIAS_LIMIT',
  tooDeep: 'ESCRED_TOO_DEEP',
  schema: 'ESCRED_SCHEMA',
  inlineSecret: 'ESCRED_INLINE_SECRET',
  invalidTokenName: 'ESCRED_INVALID_TOKEN_NAME',
  invalidPrincipal: 'ESCRED_INVALID_PRINCIPAL',
  unknownAccount: 'ESCRED_UNKNOWN_ACCOUNT',
  duplicateCluster: 'ESCRED_DUPLICATE_CLUSTER',
  duplicateToken: 'ESCRED_DUPLICATE_TOKEN',
  duplicateFileToken: 'ESCRED_DUPLICATE_FILE_TOKEN',
  tokenKindClash: 'ESCRED_TOKEN_KIND_CLASH',
  duplicateSecrets: 'ESCRED_DUPLICATE_SECRETS',
  missingSecrets: 'ESCRED_MISSING_SECRETS',
  urlConflict: 'ESCRED_URL_CONFLICT',
  /** a warning, not an error: two names for one cluster can be meant (a migration), but rarely are */
  sharedUrl: 'ESCRED_SHARED_URL',
  invalidUrl: 'ESCRED_INVALID_URL',
  tlsConflict: 'ESCRED_TLS_CONFLICT',
  pruneWithoutOwns: 'ESCRED_PRUNE_WITHOUT_OWNS',
  notOwned: 'ESCRED_NOT_OWNED',
  tokenProtect: 'ESCRED_TOKEN_PROTECT',
  builtInAccountSpec: 'ESCRED_BUILT_IN_ACCOUNT_SPEC',
  userManagedFileTokens: 'ESCRED_USER_MANAGED_FILE_TOKENS',
  userManagedRoles: 'ESCRED_USER_MANAGED_ROLES',
  generationClash: 'ESCRED_GENERATION_NAME_CLASH',
  rotationNotPruned: 'ESCRED_ROTATION_NOT_PRUNED',
  invalidRotation: 'ESCRED_INVALID_ROTATION',
  fileTokenNodes: 'ESCRED_FILE_TOKEN_NODES',
  tooManyDiagnostics: 'ESCRED_TOO_MANY_DIAGNOSTICS',
  ownsEverything: 'ESCRED_OWNS_EVERYTHING',
  plainHttp: 'ESCRED_PLAIN_HTTP',
  userManagedDescription: 'ESCRED_USER_MANAGED_DESCRIPTION',
  ownsKibanaAccounts: 'ESCRED_OWNS_KIBANA_ACCOUNTS',
  tlsInsecure: 'ESCRED_TLS_INSECURE',
  patternCharacter: 'ESCRED_PATTERN_CHARACTER',
  patternMatchesNothing: 'ESCRED_PATTERN_MATCHES_NOTHING',
  reservedName: 'ESCRED_RESERVED_NAME',
} as const;

/** Codes of the plan's warnings (PlanWarning). */
export const PLAN_WARNING_CODES = {
  /** the manifest names an account the cluster does not have (also a manifest diagnostic) */
  unknownAccount: DIAGNOSTIC_CODES.unknownAccount,
  roleMissing: 'ESCRED_ROLE_MISSING',
  nodesUnknown: 'ESCRED_NODES_UNKNOWN',
  /** a file token's drift cannot be checked without the node list (also an error when delivering) */
  nodeListUnavailable: ERROR_CODES.nodeListUnavailable,
  unownedToken: 'ESCRED_UNOWNED_TOKEN',
  notPruned: 'ESCRED_NOT_PRUNED',
  unownedAccount: 'ESCRED_UNOWNED_ACCOUNT',
  accountNotPruned: 'ESCRED_ACCOUNT_NOT_PRUNED',
  secretNotInSink: 'ESCRED_SECRET_NOT_IN_SINK',
  generationNotSecured: 'ESCRED_GENERATION_NOT_SECURED',
  generationKept: 'ESCRED_GENERATION_KEPT',
  protectedNotReplaced: 'ESCRED_PROTECTED_NOT_REPLACED',
  accountKept: 'ESCRED_ACCOUNT_KEPT',
  /** an account Kibana created or last changed, which owns claims only through a wildcard (issue 22) */
  kibanaAccountKept: 'ESCRED_KIBANA_ACCOUNT_KEPT',
  /** issue 23: escred revoke named a token the cluster does not have */
  revokeNotFound: 'ESCRED_REVOKE_NOT_FOUND',
  revokeProtected: ERROR_CODES.revokeProtected,
  /** issue 23: a token breaks the manifest's policy */
  policyViolation: 'ESCRED_POLICY_VIOLATION',
} as const;

type ValueOf<T> = T[keyof T];
export type ErrorCode = ValueOf<typeof ERROR_CODES> | HttpStatusCode;
export type DiagnosticCode = ValueOf<typeof DIAGNOSTIC_CODES>;
export type PlanWarningCode = ValueOf<typeof PLAN_WARNING_CODES>;
export type EscredCode = ErrorCode | DiagnosticCode | PlanWarningCode;

const ALL_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ERROR_CODES), ...Object.values(DIAGNOSTIC_CODES), ...Object.values(PLAN_WARNING_CODES),
]);

/** A code of this catalogue (an Elasticsearch status code included). */
export function isEscredCode(code: unknown): code is EscredCode {
  return typeof code === 'string' && (ALL_CODES.has(code) || /^ESCRED_ES_[1-5]\d\d$/.test(code));
}
