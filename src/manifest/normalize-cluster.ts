import type { AuditPolicy, AuthConfig, DesiredCluster, LeaseConfig, TlsConfig } from '../model.js';
import { DIAGNOSTIC_CODES, errorAt, warningAt } from './diagnostic.js';
import type { Auth, Cluster, Tls } from './generated/manifest-types.js';
import type { DataPath } from './node-locator.js';
import { normalizeAccount } from './normalize-account.js';
import { normalizeAccountOwnership } from './normalize-user-managed.js';
import { normalizeLease } from './normalize-lease.js';
import { normalizePolicy } from './normalize-policy.js';
import { parseDuration } from './parse-duration.js';
import { reservedNameDiagnostic } from './reserved-cluster-names.js';
import { type NormalizeContext, resolvePath, resolveSecretRef } from './normalize-context.js';

export const DEFAULT_MAX_DELETIONS = 5;

/** One schema-valid cluster entry -> DesiredCluster, reporting the rules the schema cannot express. */
/** `fileLease`: the file's top-level `lease`, the default when the cluster has none of its own */
export function normalizeCluster(context: NormalizeContext, raw: Cluster, path: DataPath, fileLease?: LeaseConfig, filePolicy?: AuditPolicy): DesiredCluster {
  const cluster: DesiredCluster = {
    name: raw.name,
    urls: normalizeUrls(context, raw, path),
    auth: normalizeAuth(context, raw.auth),
    tls: normalizeTls(context, raw.tls, [...path, 'tls']),
    maxDeletions: raw.maxDeletions ?? DEFAULT_MAX_DELETIONS,
    serviceAccounts: Object.entries(raw.serviceAccounts ?? {}).map(([principal, account]) =>
      normalizeAccount(context, principal, account, [...path, 'serviceAccounts', principal])),
    userManagedAccounts: normalizeAccountOwnership(context, raw.userManagedAccounts, [...path, 'userManagedAccounts']),
    source: context.locator.value(path),
  };
  const reserved = reservedNameDiagnostic(raw.name, context.locator.value([...path, 'name']));
  if (reserved) context.diagnostics.push(reserved);
  if (raw.clusterUuid !== undefined) cluster.clusterUuid = raw.clusterUuid;
  const lease = raw.lease !== undefined ? normalizeLease(context, raw.lease, [...path, 'lease']) : fileLease;
  if (lease !== undefined) cluster.lease = lease;
  const policy = normalizePolicy(raw.policy) ?? filePolicy;
  if (policy !== undefined) cluster.policy = policy;
  if (raw.timeout !== undefined) {
    const timeoutMs = parseDuration(raw.timeout);
    if (timeoutMs === undefined || timeoutMs === 0) {
      context.diagnostics.push(errorAt(context.locator.value([...path, 'timeout']), DIAGNOSTIC_CODES.schema,
        'timeout must be longer than 0s, e.g. 10s'));
    } else {
      cluster.timeoutMs = timeoutMs;
    }
  }
  return cluster;
}

function normalizeUrls(context: NormalizeContext, raw: Cluster, path: DataPath): string[] {
  const { locator, diagnostics } = context;
  if (raw.url !== undefined && raw.urls !== undefined) {
    diagnostics.push(errorAt(locator.key([...path, 'urls']), DIAGNOSTIC_CODES.urlConflict,
      'give either url or urls (a failover list), not both'));
  } else if (raw.url === undefined && raw.urls === undefined) {
    diagnostics.push(errorAt(locator.value(path), DIAGNOSTIC_CODES.urlConflict, `cluster ${raw.name} needs url or urls`));
  }
  const entries: Array<[string, DataPath]> = raw.url !== undefined
    ? [[raw.url, [...path, 'url']]]
    : (raw.urls ?? []).map((url, index) => [url, [...path, 'urls', index]]);
  return entries.map(([url, where]) => checkUrl(context, url, where));
}

function checkUrl(context: NormalizeContext, text: string, path: DataPath): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // The schema pattern admits a few strings that are still not URLs, e.g. "https://exa mple".
  }
  const at = context.locator.value(path);
  if (!url) {
    context.diagnostics.push(errorAt(at, DIAGNOSTIC_CODES.invalidUrl, 'not a valid URL'));
  } else if (url.username !== '' || url.password !== '') {
    context.diagnostics.push(errorAt(at, DIAGNOSTIC_CODES.inlineSecret,
      'credentials written into the URL; remove them and use auth with {env} or {file}'));
  } else if (url.search !== '' || url.hash !== '') {
    context.diagnostics.push(errorAt(at, DIAGNOSTIC_CODES.invalidUrl, 'a cluster URL takes no query string or fragment'));
  } else if (url.protocol === 'http:') {
    // Allowed for local test clusters, but the credentials (and new token values) cross the wire in clear.
    context.diagnostics.push(warningAt(at, DIAGNOSTIC_CODES.plainHttp,
      'http:// sends credentials and new token values unencrypted; use https://'));
  }
  // A path prefix (behind a proxy) is kept; only the trailing slash goes, so joins give one slash.
  return text.replace(/\/+$/, '');
}

function normalizeAuth(context: NormalizeContext, auth: Auth): AuthConfig {
  if (auth.basic) {
    return { kind: 'basic', username: auth.basic.username, password: resolveSecretRef(context, auth.basic.password) };
  }
  if (auth.bearer) return { kind: 'bearer', token: resolveSecretRef(context, auth.bearer) };
  return { kind: 'apiKey', apiKey: resolveSecretRef(context, auth.apiKey ?? {}) };
}

function normalizeTls(context: NormalizeContext, raw: Tls | undefined, path: DataPath): TlsConfig {
  const tls: TlsConfig = { isInsecure: raw?.insecure === true };
  if (!raw) return tls;
  const chosen = [raw.caFile !== undefined && 'caFile', raw.caFingerprint !== undefined && 'caFingerprint',
    raw.insecure === true && 'insecure: true'].filter((x): x is string => typeof x === 'string');
  if (chosen.length > 1) {
    context.diagnostics.push(errorAt(context.locator.key(path), DIAGNOSTIC_CODES.tlsConflict,
      `tls: choose one of caFile, caFingerprint or insecure: true (found ${chosen.join(' and ')})`));
  }
  if (raw.insecure === true && chosen.length === 1) {
    // allowed for throw-away clusters; like http://, it hands the credentials to anyone in between
    context.diagnostics.push(warningAt(context.locator.value([...path, 'insecure']), DIAGNOSTIC_CODES.tlsInsecure,
      'tls.insecure: true turns certificate verification off: anyone between escred and the cluster can read the credentials ' +
      'and new token values; use caFile or caFingerprint'));
  }
  if (raw.caFile !== undefined) tls.caFile = resolvePath(context, raw.caFile);
  if (raw.caFingerprint !== undefined) tls.caFingerprint = raw.caFingerprint.replace(/:/g, '').toLowerCase();
  return tls;
}
