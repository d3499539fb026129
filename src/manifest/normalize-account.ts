import { isValidTokenName, invalidTokenNameMessage, MAX_TOKEN_NAME_LENGTH } from '../es/token-name.js';
import type { DesiredAccount, DesiredFileToken, DesiredToken, RotationPolicy, SourceRef } from '../model.js';
import { GENERATION_SUFFIX_LENGTH } from '../plan/generation-name.js';
import { matchesAny } from '../plan/glob.js';
import { DIAGNOSTIC_CODES, errorAt, warningAt } from './diagnostic.js';
import type { FileToken, IndexToken, ServiceAccount } from './generated/manifest-types.js';
import type { DataPath } from './node-locator.js';
import { type NormalizeContext, toList } from './normalize-context.js';
import { parseDuration } from './parse-duration.js';

const PRINCIPAL = /^([^/\s]+)\/([^/\s]+)$/;
/** any timestamp suffix: used to ask whether `owns` covers the generations of a rotated token */
const SAMPLE_GENERATION_SUFFIX = '-20260101T000000Z';

export function normalizeAccount(context: NormalizeContext, principal: string, raw: ServiceAccount, path: DataPath): DesiredAccount {
  const { locator, diagnostics } = context;
  const match = PRINCIPAL.exec(principal);
  if (!match) {
    diagnostics.push(errorAt(locator.key(path), DIAGNOSTIC_CODES.invalidPrincipal,
      `service account "${principal}" must be written namespace/service, e.g. elastic/fleet-server`));
  } else if (!context.knownAccounts.includes(principal)) {
    diagnostics.push(warningAt(locator.key(path), DIAGNOSTIC_CODES.unknownAccount,
      `"${principal}" is not a built-in service account of ${context.versionLabel}; known: ${context.knownAccounts.join(', ')}`));
  }
  const account: DesiredAccount = {
    principal, namespace: match?.[1] ?? '', service: match?.[2] ?? '',
    prune: raw.prune ?? 'none', owns: toList(raw.owns), protect: toList(raw.protect),
    tokens: [], fileTokens: [], source: locator.key(path),
  };
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
  account.fileTokens = normalizeFileTokens(context, raw.fileTokens ?? [], [...path, 'fileTokens']);
  checkKindClash(context, account);
  return account;
}

function normalizeTokens(context: NormalizeContext, account: DesiredAccount, raw: IndexToken[], path: DataPath): DesiredToken[] {
  const tokens: DesiredToken[] = [];
  const byName = new Map<string, SourceRef>();
  raw.forEach((entry, index) => {
    const here = [...path, index];
    const token: DesiredToken = { name: entry.name, isProtected: entry.protect ?? false, source: context.locator.value(here) };
    checkName(context, token, here, byName, DIAGNOSTIC_CODES.duplicateToken, 'token');
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
  if ('protect' in entry && entry.protect === true) {
    // Allowed (the planner keeps protected generations and warns), but it means old tokens pile up.
    diagnostics.push(warningAt(locator.value([...path.slice(0, -1), 'protect']), DIAGNOSTIC_CODES.rotateProtected,
      `token ${entry.name} is protected and rotated: older generations are never deleted and pile up until removed by hand`));
  }
  return problems.length === 0 ? { everyMs, overlapMs } : undefined;
}

function checkOwnership(context: NormalizeContext, account: DesiredAccount, token: DesiredToken, path: DataPath): void {
  if (account.prune !== 'owned' || account.owns.length === 0 || token.isProtected) return;
  const name = token.rotate ? `${token.name}${SAMPLE_GENERATION_SUFFIX}` : token.name;
  if (matchesAny(account.owns, name) || matchesAny(account.protect, name)) return;
  const owns = account.owns.join(', ');
  const message = token.rotate
    ? `the generations of token ${token.name} (${token.name}-<timestamp>) are not matched by owns (${owns}): ` +
      'once removed from the manifest, they will never be pruned'
    : `token ${token.name} is not matched by owns (${owns}): once removed from the manifest, it will never be pruned`;
  context.diagnostics.push(warningAt(context.locator.value([...path, 'name']), DIAGNOSTIC_CODES.notOwned, message));
}

function normalizeFileTokens(context: NormalizeContext, raw: FileToken[], path: DataPath): DesiredFileToken[] {
  const tokens: DesiredFileToken[] = [];
  const byName = new Map<string, SourceRef>();
  raw.forEach((entry, index) => {
    const here = [...path, index];
    const token: DesiredFileToken = { name: entry.name, nodes: normalizeNodes(context, entry.nodes, [...here, 'nodes']), source: context.locator.value(here) };
    checkName(context, token, here, byName, DIAGNOSTIC_CODES.duplicateFileToken, 'file token');
    if (entry.rotate) {
      const rotate = normalizeRotation(context, entry, [...here, 'rotate']);
      if (rotate) token.rotate = rotate;
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
  code: string, what: string): void {
  const { name } = token;
  const at = context.locator.value([...path, 'name']);
  if (!isValidTokenName(name)) context.diagnostics.push(errorAt(at, DIAGNOSTIC_CODES.invalidTokenName, invalidTokenNameMessage(name)));
  const first = earlier.get(name);
  if (!first) {
    earlier.set(name, token.source);
    return;
  }
  context.diagnostics.push({ ...errorAt(at, code, `duplicate ${what} name "${name}" in this service account`),
    related: [{ ...first, message: `"${name}" first declared here` }] });
}
