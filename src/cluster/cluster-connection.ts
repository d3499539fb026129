import { Agent } from 'undici';
import type { WriteOptions } from './write-options.js';
import { deleteUserManagedAccount, putUserManagedAccount } from './user-account-calls.js';
import { authenticateBearer, type BearerIdentity } from './authenticate-bearer.js';
import { accountPath, tokenPath } from './service-paths.js';
import { ConfigError, EscredError } from '../errors.js';
import type { DesiredCluster, ObservedAccount, ObservedNode, UserManagedAccountSpec } from '../model.js';
import { buildAuthHeader } from './auth-header.js';
import { checkProductHeader, type ClusterInfo } from './check-cluster-info.js';
import { ConnectionError, createOutcomeUnknown } from './connection-error.js';
import { isRecord } from './elasticsearch-error.js';
import { badResponse, EsTransport, headerValue, type EsResponse, type HttpMethod, type SendOptions } from './es-transport.js';
import { parseCredentials } from './parse-credentials.js';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry-policy.js';
import { buildTlsConnect } from './tls-connect.js';
import { ERROR_CODES } from '../error-codes.js';

export type { ClusterInfo } from './check-cluster-info.js';

export interface ClusterConnectionOptions {
  /**
   * the longest one call may take: connect, TLS, answer and retries included (`--timeout`); it wins
   * over the manifest's cluster `timeout`; default DEFAULT_TIMEOUT_MS
   */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** where auth `env` references are looked up; default process.env */
  env?: NodeJS.ProcessEnv;
  /** sockets per origin; default 8 */
  connections?: number;
  /** X-Opaque-Id of every request, e.g. `escred/<holder id>` of the lease (issue 15) */
  opaqueId?: string;
}

/** Provides apply's TokenApi port (src/apply/apply-ports.ts), which only the write gate holds. */
export interface ClusterConnection {
  /** PUT: create or replace; `created: false` is success (the account existed) */
  putUserManagedAccount(principal: string, spec: UserManagedAccountSpec): Promise<{ created: boolean }>;
  /** DELETE without force; 404 {found:false} is an answer */
  deleteUserManagedAccount(principal: string): Promise<{ found: boolean }>;
  /** the manifest's name for the cluster */
  readonly clusterName: string;
  info(): Promise<ClusterInfo>;
  getCredentials(principal: string): Promise<ObservedAccount>;
  listNodes(): Promise<ObservedNode[]>;
  getServiceAccounts(): Promise<Record<string, { role_descriptor: unknown }>>;
  /** retried only on 429/503 (answered before any write); a lost answer is an EscredError with code ESCRED_CREATE_OUTCOME_UNKNOWN */
  createToken(principal: string, name: string, options?: WriteOptions): Promise<{ name: string; value: string }>;
  /** 404 {found:false} is an answer, not an error */
  deleteToken(principal: string, name: string, options?: WriteOptions): Promise<{ found: boolean }>;
  /** GET /_security/_authenticate with this bearer instead of the cluster's credentials (verified rotation) */
  authenticateBearer(bearer: string): Promise<BearerIdentity>;
  /** any other call, through the same retries, timeouts and failover (POST is never re-sent once it may have arrived) */
  send(method: HttpMethod, path: string, options?: SendOptions): Promise<EsResponse>;
  /** requests sent so far, retries included */
  requestCount(): number;
  close(): Promise<void>;
}

/**
 * A cluster that accepts connections and never answers costs this much per call, once: retries only
 * go on while there is time left. 15 s is far above a healthy answer (Elasticsearch answers the
 * calls escred makes in milliseconds) and keeps a hanging cluster's plan well under a minute.
 */
export const DEFAULT_TIMEOUT_MS = 15_000;
const USER_AGENT = 'escred';

/**
 * One connection per cluster: its own undici Agent (never the global dispatcher), credentials and
 * TLS material resolved now, so that a missing variable or CA file fails before any request.
 */
export function createClusterConnection(cluster: DesiredCluster, options: ClusterConnectionOptions = {}): ClusterConnection {
  const urls = normalizeUrls(cluster);
  const timeoutMs = options.timeoutMs ?? cluster.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const authorization = buildAuthHeader(cluster.auth, { env: options.env ?? process.env, clusterName: cluster.name });
  const connect = buildTlsConnect(cluster.tls, { clusterName: cluster.name, timeoutMs });
  const agent = new Agent({ connect, connections: options.connections ?? 8, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const transport = new EsTransport({
    clusterName: cluster.name, urls, dispatcher: agent, authorization, auth: cluster.auth, timeoutMs,
    retry: { ...DEFAULT_RETRY_OPTIONS, ...options.retry }, userAgent: USER_AGENT,
    ...(options.opaqueId === undefined ? {} : { opaqueId: options.opaqueId }),
  });
  const get = async (path: string) => (await transport.send('GET', path)).body;
  const unexpected = (method: HttpMethod, path: string, what: string) => badResponse(cluster.name, `${method} ${path}`, what);

  return {
    clusterName: cluster.name,
    async info() {
      const response = await transport.send('GET', '/');
      const info = parseInfo(response.body);
      if (!info) throw unexpected('GET', '/', 'no cluster_name, cluster_uuid and version.number: is this Elasticsearch?');
      checkProductHeader(cluster, info.version, headerValue(response.headers['x-elastic-product']));
      return info;
    },
    async getCredentials(principal) {
      const path = `${accountPath(principal)}/credential`;
      const account = parseCredentials(principal, await get(path));
      if (typeof account === 'string') throw unexpected('GET', path, account);
      return account;
    },
    async listNodes() {
      const path = '/_cat/nodes?format=json&h=id,name&full_id=true';
      const body = await get(path);
      if (!Array.isArray(body)) throw unexpected('GET', path, 'not a JSON array');
      return body.filter(isRecord).map((n) => ({ id: String(n.id), name: String(n.name) }));
    },
    async getServiceAccounts() {
      const body = await get('/_security/service');
      if (!isRecord(body)) throw unexpected('GET', '/_security/service', 'not a JSON object');
      return body as Record<string, { role_descriptor: unknown }>;
    },
    async createToken(principal, name, writeOptions = {}) {
      const path = tokenPath(principal, name) + refreshQuery(writeOptions);
      let body: unknown;
      try {
        body = (await transport.send('POST', path)).body;
      } catch (error) {
        if (error instanceof ConnectionError && error.mayHaveBeenSent) throw createOutcomeUnknown(error, `${principal}/${name}`);
        throw error;
      }
      const token = isRecord(body) && isRecord(body.token) ? body.token : undefined;
      // Never echo the body: it holds the secret. The token probably exists with a value we cannot
      // read, which apply handles like a lost answer (same code): check, then replace.
      if (!token || typeof token.value !== 'string' || typeof token.name !== 'string') {
        throw new EscredError(ERROR_CODES.createOutcomeUnknown, `cluster ${cluster.name}: POST ${path}: the answer has no token name and value; ` +
          'the token may exist with a value escred cannot read');
      }
      if (token.name !== name) {
        // An answer for another token (a proxy that mixed up answers, or a server that made another
        // name): its value is dropped, never stored under `name` and never shown. The token that was
        // made stays: this create's intent stays in the apply journal, so the next plan replaces `name`
        // if it exists (nobody has its value) or creates it; a token under the other name is pruned
        // like any undeclared one where the account owns it, else left alone with a warning.
        throw unexpected('POST', path, `the answer names token ${JSON.stringify(token.name.slice(0, 300))}, not ${name}; ` +
          'its value was dropped, and the next apply replaces or creates this token');
      }
      return { name: token.name, value: token.value };
    },
    async deleteToken(principal, name, writeOptions = {}) {
      const path = tokenPath(principal, name) + refreshQuery(writeOptions);
      const response = await transport.send('DELETE', path, { acceptStatuses: [404] });
      if (response.status === 404) return { found: false };
      return { found: isRecord(response.body) ? response.body.found !== false : true };
    },
    send: (method, path, sendOptions) => transport.send(method, path, sendOptions),
    authenticateBearer: (bearer) => authenticateBearer(transport, bearer),
    putUserManagedAccount(principal, spec) {
      return putUserManagedAccount(this, principal, spec);
    },
    deleteUserManagedAccount(principal) {
      return deleteUserManagedAccount(this, principal);
    },
    requestCount: () => transport.requestCount(),
    close: () => agent.close(),
  };
}

function parseInfo(body: unknown): ClusterInfo | undefined {
  if (!isRecord(body) || !isRecord(body.version)) return undefined;
  const { cluster_name: clusterName, cluster_uuid: clusterUuid } = body;
  const { number: version, build_flavor: buildFlavor } = body.version;
  if (typeof clusterName !== 'string' || typeof clusterUuid !== 'string' || typeof version !== 'string') return undefined;
  return { clusterName, clusterUuid, version, buildFlavor: typeof buildFlavor === 'string' ? buildFlavor : 'default' };
}

function normalizeUrls(cluster: DesiredCluster): string[] {
  if (cluster.urls.length === 0) throw new ConfigError(`cluster ${cluster.name}: no url`);
  return cluster.urls.map((raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch (error) {
      throw new ConfigError(`cluster ${cluster.name}: url ${raw} is not a valid URL`, { cause: error });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`cluster ${cluster.name}: url ${raw} must be http or https`);
    if (url.username || url.password) throw new ConfigError(`cluster ${cluster.name}: url must not hold credentials; use auth`);
    // The official client refuses this too: a fingerprint cannot be checked without TLS.
    if (url.protocol === 'http:' && cluster.tls.caFingerprint !== undefined) {
      throw new ConfigError(`cluster ${cluster.name}: tls.caFingerprint needs an https url, not ${raw}`);
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });
}

/** No `refresh` given: none sent, so Elasticsearch's default (wait_for) applies. */
function refreshQuery(options: WriteOptions): string {
  return options.refresh === undefined ? '' : `?refresh=${options.refresh}`;
}

