/**
 * A problem found in a manifest, with the place it was written (Terraform-style diagnostics):
 * collected for every file, then reported together, sorted by file, line and column.
 */
export interface DiagnosticPosition {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

export interface RelatedInformation extends DiagnosticPosition {
  message: string;
}

export interface Diagnostic extends DiagnosticPosition {
  severity: 'error' | 'warning';
  /** stable, e.g. ESCRED_DUPLICATE_CLUSTER; see DIAGNOSTIC_CODES */
  code: string;
  /** never contains a secret value */
  message: string;
  related?: RelatedInformation[];
}

/** Every code a diagnostic can carry; tests and the JSON output rely on them staying stable. */
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
  reservedName: 'ESCRED_RESERVED_NAME',
} as const;

export function errorAt(position: DiagnosticPosition, code: string, message: string): Diagnostic {
  return { severity: 'error', code, message, file: position.file, line: position.line, col: position.col };
}

export function warningAt(position: DiagnosticPosition, code: string, message: string): Diagnostic {
  return { severity: 'warning', code, message, file: position.file, line: position.line, col: position.col };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** By file, line, column; errors before warnings at the same place; otherwise stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}
