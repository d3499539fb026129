import { PRINCIPAL } from '../es/principal.js';
import { isValidTokenName, invalidTokenNameMessage, MAX_TOKEN_NAME_LENGTH } from '../es/token-name.js';
import type { DesiredAccount, DesiredFileToken, DesiredToken, RotationPolicy, SourceRef } from '../model.js';
import { GENERATION_SUFFIX_LENGTH, generationTime } from '../ownership/generation-name.js';
import { deletionVerdict } from '../ownership/deletion-verdict.js';
import { normalizeUserManagedSpec } from './normalize-user-managed.js';
import { matchesAny } from '../ownership/glob.js';
import { DIAGNOSTIC_CODES, errorAt, warningAt, type DiagnosticCode } from './diagnostic.js';
import type { FileToken, IndexToken, ServiceAccount } from './generated/manifest-types.js';
import type { DataPath } from './node-locator.js';
import { type NormalizeContext, toList } from './normalize-context.js';
import { parseDuration } from './parse-duration.js';
import { checkTokenPatterns } from './pattern-rules.js';

/** any timestamp suffix: used to ask whether `owns` covers the generations of a rotated token */
const SAMPLE_GENERATION_SUFFIX = '-20260101T000000Z';

export function normalizeAccount(context: NormalizeContext, principal: string, raw: ServiceAccount, path: DataPath): DesiredAccount {
  const { locator, diagnostics } = context;
  const match = PRINCIPAL.exec(principal);
  if (!match) {
    diagnostics.push(errorAt(locator.key(path), DIAGNOSTIC_CODES.invalidPrincipal,
      `service account "${principal}" must be written namespace/service, e.g. elastic/fleet-server`));
  } else if (match[1] === 'elastic' && !context.knownAccounts.includes(principal)) {
    diagnostics.push(warningAt(locator.key(path), DIAGNOSTIC_CODES.unknownAccount,
      `"${principal}" is not a built-in service account of ${context.versionLabel}; known: ${context.knownAccounts.join(', ')}`));
  }
  const account: DesiredAccount = {
    principal, namespace: match?.[1] ?? '', service: match?.[2] ?? '',
    prune: raw.prune ?? 'none', owns: toList(raw.owns), protect: toList(raw.protect),
    tokens: [], fileTokens: [], source: locator.key(path),
  };
  if (raw.onValueLost === 'replace') account.onValueLost = 'replace';
  const userManaged = match ? normalizeUserManagedSpec(context, { namespace: account.namespace, service: account.service, text: principal }, raw, path) : undefined;
  if (userManaged) account.userManaged = userManaged;
  checkTokenPatterns(context, raw, path);
  if (account.prune === 'owned' && account.owns.length === 0) {
    diagnostics.push(errorAt(locator.value([...path, 'prune']), DIAGNOSTIC_CODES.pruneWithoutOwns,
      'prune: owned needs owns (the token names this manifest owns); without it nothing could be pruned safely'));
  }
  if (account.prune === 'owned' && account.owns.some((pattern) => /^\*+$/.test(pattern))) {
    diagnostics.push(warningAt(locator.value([...path, 'owns']), DIAGNOSTIC_CODES.ownsEverything,
      'owns "*" claims every token of this account, also those made outside escred (by Fleet, Kibana or by hand): ' +
      'with prune: owned, any token not listed here is deleted'));
  }
  account.tokens = normalizeTokens(context, account, raw.tokens ?? [], [...path, 'tokens']);
  account.fileTokens = normalizeFileTokens(context, account, raw.fileTokens ?? [], [...path, 'fileTokens']);
  checkKindClash(context, account);
  checkGenerationClash(context, account);
  return account;
}

function normalizeTokens(context: NormalizeContext, account: DesiredAccount, raw: IndexToken[], path: DataPath): DesiredToken[] {
  const tokens: DesiredToken[] = [];
  const byName = new Map<string, SourceRef>();
  raw.forEach((entry, index) => {
    const here = [...path, index];
    const token: DesiredToken = { name: entry.name, source: context.locator.value(here) };
    checkName(context, token, here, byName, DIAGNOSTIC_CODES.duplicateToken, 'token');
    if (entry.protect !== undefined) rejectTokenProtect(context, entry, here);
    if (entry.rotate) {
      const rotate = normalizeRotation(context, entry, [...here, 'rotate']);
      if (rotate) token.rotate = rotate;
    }
    checkOwnership(context, account, token, here);
    tokens.push(token);
  });
  return tokens;
}

function normalizeRotation(context: NormalizeContext, entry: IndexToken | FileToken, path: DataPath): RotationPolicy | undefined {
  const { locator, diagnostics } = context;
  const everyMs = parseDuration(entry.rotate?.every ?? '') ?? 0;
  const overlapMs = parseDuration(entry.rotate?.overlap ?? '') ?? 0;
  const problems: Array<[DataPath, string]> = [];
  if (everyMs <= 0) problems.push([[...path, 'every'], 'rotate.every must be longer than 0']);
  else if (overlapMs >= everyMs) {
    problems.push([[...path, 'overlap'], 'rotate.overlap must be shorter than rotate.every, or older generations would never be deleted']);
  }
  const longest = MAX_TOKEN_NAME_LENGTH - GENERATION_SUFFIX_LENGTH;
  if (entry.name.length > longest) {
    problems.push([[...path.slice(0, -1), 'name'],
      `a rotated token's name may have at most ${longest} characters: generations add ${GENERATION_SUFFIX_LENGTH} (-YYYYMMDDTHHMMSSZ)`]);
  }
  for (const [where, message] of problems) diagnostics.push(errorAt(locator.value(where), DIAGNOSTIC_CODES.invalidRotation, message));
  return problems.length === 0 ? { everyMs, overlapMs } : undefined;
}

/**
 * A flag on the token cannot keep "never deleted, even after it leaves the manifest": once the
 * entry is gone, so is the flag (and a local record would not exist on a fresh CI runner). The
 * account's `protect` patterns stay in the manifest, so that is where the promise lives.
 */
function rejectTokenProtect(context: NormalizeContext, entry: IndexToken, path: DataPath): void {
  const name = entry.rotate ? `${entry.name}-*` : entry.name;
  context.diagnostics.push(errorAt(context.locator.key([...path, 'protect']), DIAGNOSTIC_CODES.tokenProtect,
    `protect on a token is no longer supported: the flag would leave the manifest together with the token. ` +
    `Remove it and add "${name}" to this account's protect list (protect: ["${name}"]), which keeps the token even after it leaves the manifest`));
}

function checkOwnership(context: NormalizeContext, account: DesiredAccount, token: DesiredToken, path: DataPath): void {
  if (token.rotate) return checkRotationRetires(context, account, token.name, [...path, 'rotate']);
  if (account.prune !== 'owned' || account.owns.length === 0) return;
  if (matchesAny(account.owns, token.name) || matchesAny(account.protect, token.name)) return;
  context.diagnostics.push(warningAt(context.locator.value([...path, 'name']), DIAGNOSTIC_CODES.notOwned,
    `token ${token.name} is not matched by owns (${account.owns.join(', ')}): once removed from the manifest, it will never be pruned`));
}

/** Rotation deletes old generations under the same rule as prune; say so when that rule keeps them forever. */
function checkRotationRetires(context: NormalizeContext, account: DesiredAccount, name: string, path: DataPath): void {
  const verdict = deletionVerdict(account, `${name}${SAMPLE_GENERATION_SUFFIX}`);
  if (verdict.kind === 'allowed') return;
  const why = verdict.kind === 'protected' ? `protect '${verdict.pattern}' matches them`
    : verdict.kind === 'unowned' ? 'no owns pattern matches them' : 'prune is not owned';
  context.diagnostics.push(warningAt(context.locator.key(path), DIAGNOSTIC_CODES.rotationNotPruned,
    `older generations of ${name} (${name}-<timestamp>) will never be deleted: ${why}. Rotation deletes only what ` +
    `the account owns, under prune: owned; add "${name}-*" to owns and set prune: owned, or delete them by hand`));
}

/**
 * A declared name that is also a generation of a rotating token (`ci-20261201T000000Z` beside a
 * rotating `ci`) would be planned twice: kept as declared and retired by rotation. Linear in tokens.
 */
function checkGenerationClash(context: NormalizeContext, account: DesiredAccount): void {
  const rotating = new Map<string, SourceRef>();
  for (const token of [...account.tokens, ...account.fileTokens]) if (token.rotate) rotating.set(token.name, token.source);
  if (rotating.size === 0) return;
  for (const token of [...account.tokens, ...account.fileTokens]) {
    if (token.name.length <= GENERATION_SUFFIX_LENGTH) continue;
    const base = token.name.slice(0, -GENERATION_SUFFIX_LENGTH);
    const rotatingSource = rotating.get(base);
    if (!rotatingSource || generationTime(base, token.name) === null) continue;
    context.diagnostics.push({
      ...errorAt(token.source, DIAGNOSTIC_CODES.generationClash,
        `"${token.name}" is declared, and it is also a generation name of rotating token "${base}": rotation would ` +
        'retire it while the manifest keeps it. Rename it (generation names are <name>-<UTC timestamp>)'),
      related: [{ ...rotatingSource, message: `rotating token "${base}" declared here` }],
    });
  }
}

function normalizeFileTokens(context: NormalizeContext, account: DesiredAccount, raw: FileToken[], path: DataPath): DesiredFileToken[] {
  const tokens: DesiredFileToken[] = [];
  const byName = new Map<string, SourceRef>();
  raw.forEach((entry, index) => {
    const here = [...path, index];
    const token: DesiredFileToken = { name: entry.name, nodes: normalizeNodes(context, entry.nodes, [...here, 'nodes']), source: context.locator.value(here) };
    checkName(context, token, here, byName, DIAGNOSTIC_CODES.duplicateFileToken, 'file token');
    if (entry.rotate) {
      const rotate = normalizeRotation(context, entry, [...here, 'rotate']);
      if (rotate) token.rotate = rotate;
      if (rotate) checkRotationRetires(context, account, entry.name, [...here, 'rotate']);
    }
    tokens.push(token);
  });
  return tokens;
}

/**
 * The secret sink keys a value by cluster, account and token name, whatever its kind: an index token
 * and a file token of one name would overwrite each other's value.
 */
function checkKindClash(context: NormalizeContext, account: DesiredAccount): void {
  const indexNames = new Map(account.tokens.map((t) => [t.name, t.source]));
  for (const token of account.fileTokens) {
    const first = indexNames.get(token.name);
    if (!first) continue;
    context.diagnostics.push({
      ...errorAt(token.source, DIAGNOSTIC_CODES.tokenKindClash,
        `"${token.name}" is both an index token and a file token of this service account; their secrets would share one place in the sink: rename one`),
      related: [{ ...first, message: `index token "${token.name}" declared here` }],
    });
  }
}

function normalizeNodes(context: NormalizeContext, nodes: FileToken['nodes'], path: DataPath): DesiredFileToken['nodes'] {
  if (nodes === '*') return '*';
  if (nodes.includes('*')) {
    if (nodes.length > 1) {
      context.diagnostics.push(errorAt(context.locator.value(path), DIAGNOSTIC_CODES.fileTokenNodes,
        'nodes: "*" means every node and must stand alone; list node names or write ["*"]'));
    }
    return '*';
  }
  return [...new Set(nodes)].sort();
}

/** `earlier`: name -> where it was first declared in this account (a map: 100k tokens must stay linear). */
function checkName(
  context: NormalizeContext, token: { name: string; source: SourceRef }, path: DataPath, earlier: Map<string, SourceRef>,
  code: DiagnosticCode, what: string): void {
  const { name } = token;
  // located only for a diagnostic: a lookup per token of a 5,000-token manifest is time a plan waits (issue 16)
  const at = () => context.locator.value([...path, 'name']);
  if (!isValidTokenName(name)) context.diagnostics.push(errorAt(at(), DIAGNOSTIC_CODES.invalidTokenName, invalidTokenNameMessage(name)));
  const first = earlier.get(name);
  if (!first) {
    earlier.set(name, token.source);
    return;
  }
  context.diagnostics.push({ ...errorAt(at(), code, `duplicate ${what} name "${name}" in this service account`),
    related: [{ ...first, message: `"${name}" first declared here` }] });
}
