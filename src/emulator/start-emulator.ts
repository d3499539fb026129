/**
 * Starts an in-process emulated Elasticsearch cluster (issue 3): N nodes behind one HTTP(S)
 * endpoint, persistent index tokens, per-node service_tokens files, fault injection and counters.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { StoredRole } from './security/native-roles.js';
import { RESERVED_USERS, UserDirectory, hashPassword, isPasswordOf, type StoredUser } from './security/native-users.js';
import { AccessTokens } from './security/access-tokens.js';
import { RecordStore } from './security/record-store.js';
import type { StoredAccount } from './security/user-managed-accounts.js';
import { seedAccounts } from './security/seed-accounts.js';
import { loadClusterState } from './cluster-state.js';
import type { EmulatorNode, EmulatorState } from './emulator-state.js';
import { FaultInjector, parseFaultSpec, type FaultSpec } from './fault-injector.js';
import { createEmulatorServer } from './http-server.js';
import { IndexTokenStore } from './index-token-store.js';
import { SecurityIndexRefresh } from './refresh/security-index-refresh.js';
import { UnrefreshedWrites } from './refresh/unrefreshed-writes.js';
import { NodeFileTokens } from './node-file-tokens.js';
import { CLUSTER_INFO_ROUTES, registerApiKey } from './routes/cluster-info.js';
import { serviceAccountRoutes } from './routes/service-accounts.js';
import { USER_MANAGED_ACCOUNT_ROUTES } from './routes/user-managed-accounts.js';
import { OAUTH2_TOKEN_ROUTES } from './routes/oauth2-token.js';
import { QUERY_SERVICE_ACCOUNT_ROUTES } from './routes/query-service-accounts.js';
import { SERVICE_TOKEN_ROUTES } from './routes/service-tokens.js';
import { capabilitiesRoute } from './routes/capabilities.js';
import { CLUSTER_HEALTH_ROUTES } from './routes/cluster-health.js';
import type { Route } from './router.js';
import { HAS_PRIVILEGES_ROUTES } from './routes/has-privileges.js';
import { ROLE_ROUTES } from './routes/roles.js';
import { USER_ROUTES } from './routes/users.js';
import { openDocuments, type RecordedRequest } from './documents/documents.js';
import { loadTlsMaterial } from './tls-material.js';
import { assertSupportedVersion, versionProfile, type VersionProfile } from './version-profile.js';

export type { FaultRule, FaultSpec } from './fault-injector.js';

export interface EmulatorUser {
  username: string;
  password: string;
  roles: string[];
}

export interface EmulatorOptions {
  dataDir: string;
  port?: number;
  host?: string;
  isTls?: boolean;
  nodeCount?: number;
  /** node names, e.g. yamlRestTest-0,...; default node-0..node-(nodeCount-1). Sets the node count. */
  nodeNames?: string[];
  esVersion?: string;
  clusterName?: string;
  users?: EmulatorUser[];
  superuserPassword?: string;
  serviceTokensReloadMs?: number;
  /**
   * the security index's `index.refresh_interval`; default 1000, Elasticsearch's (refresh/).
   * Tests that do not look at refresh may shorten it: every `wait_for` write waits for the next tick.
   */
  refreshIntervalMs?: number;
  faults?: FaultSpec;
}

export interface RunningEmulator {
  url: string;
  caFile?: string;
  caFingerprint?: string;
  clusterName: string;
  clusterUuid: string;
  version: string;
  nodes: ReadonlyArray<{ id: string; name: string }>;
  superuser: { username: string; password: string };
  createApiKey(name: string, username?: string): Promise<{ id: string; apiKey: string; encoded: string }>;
  /** 9.6+: many user-managed accounts at once, written by the superuser (tests and benchmarks; as a bulk write would) */
  seedUserManagedAccounts(accounts: ReadonlyArray<{ principal: string; roles?: string[]; description?: string }>): Promise<void>;
  setFaults(faults: FaultSpec): void;
  clearFaults(): void;
  counters(): Record<string, number>;
  resetCounters(): void;
  serviceTokensPath(nodeName: string): string;
  reloadServiceTokens(): Promise<void>;
  /** the security index's refresh clock (refresh/): interval, refreshes so far, wait_for writes waiting, a forced refresh */
  securityRefresh: { intervalMs: number; count(): number; waiting(): number; refreshNow(): void };
  /** the requests handled so far, with their X-Opaque-Id (control endpoint excluded) */
  requests(): RecordedRequest[];
  clearRequests(): void;
  stop(): Promise<void>;
}

export const DEFAULT_ES_VERSION = '9.4.0';

/** The route table of a version: a route the version does not have gets ES's "no handler found". */
function routesFor(profile: VersionProfile, documentRoutes: Route[]): Route[] {
  const routes: Route[] = [
    ...documentRoutes,
    ...CLUSTER_INFO_ROUTES, ...CLUSTER_HEALTH_ROUTES, ...serviceAccountRoutes(profile.hasUserManagedAccounts), ...SERVICE_TOKEN_ROUTES,
    ...USER_ROUTES, ...ROLE_ROUTES, ...HAS_PRIVILEGES_ROUTES,
  ];
  // the token API exists on every version; modelled only where its user-managed grant does (9.6+)
  if (profile.hasUserManagedAccounts) routes.push(...USER_MANAGED_ACCOUNT_ROUTES, ...QUERY_SERVICE_ACCOUNT_ROUTES, ...OAUTH2_TOKEN_ROUTES);
  if (profile.hasCapabilitiesApi) routes.push(capabilitiesRoute(() => routes));
  return routes;
}

/** The security-index documents: native users (with the configured ones written in) and roles. */
async function openSecurityStores(options: EmulatorOptions, superuserPassword: string): Promise<{ users: UserDirectory; roles: RecordStore<StoredRole> }> {
  const userStore = await RecordStore.open<StoredUser>(join(options.dataDir, 'native-users.json'));
  for (const user of options.users ?? []) {
    if (RESERVED_USERS.includes(user.username)) throw new Error(`the user "${user.username}" is reserved; set superuserPassword for "elastic"`);
  }
  for (const user of options.users ?? []) {
    const stored = userStore.get(user.username);
    if (stored && isPasswordOf(user.password, stored.passwordHash) && stored.roles.join(',') === user.roles.join(',') && stored.enabled) continue;
    const record: StoredUser = { username: user.username, passwordHash: hashPassword(user.password), roles: [...user.roles], full_name: null, email: null, metadata: {}, enabled: true };
    await userStore.put(user.username, record);
  }
  const roles = await RecordStore.open<StoredRole>(join(options.dataDir, 'native-roles.json'));
  return { users: new UserDirectory(userStore, superuserPassword), roles };
}

async function createNodes(dataDir: string, nodeIds: Record<string, string>, names: string[], onChange: () => void): Promise<EmulatorNode[]> {
  const nodes: EmulatorNode[] = [];
  for (const name of names) {
    const dir = join(dataDir, 'nodes', name);
    await mkdir(dir, { recursive: true });
    const files = new NodeFileTokens(name, join(dir, 'service_tokens'), onChange);
    await files.reload(true);
    nodes.push({ id: nodeIds[name] ?? name, name, files });
  }
  return nodes;
}

interface Resolved {
  version: string;
  host: string;
  isTls: boolean;
  nodeCount: number;
  nodeNames: string[];
}

/** Node names become folder names and appear in responses: ES's node.name charset, kept simple. */
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function resolveNodeNames(options: EmulatorOptions): string[] {
  if (options.nodeNames === undefined) {
    const nodeCount = options.nodeCount ?? 3;
    if (!Number.isInteger(nodeCount) || nodeCount < 1) throw new Error('nodeCount must be a positive integer');
    return Array.from({ length: nodeCount }, (_, i) => `node-${i}`);
  }
  const names = options.nodeNames;
  if (names.length === 0) throw new Error('nodeNames must name at least one node');
  const bad = names.find((name) => !NODE_NAME.test(name));
  if (bad !== undefined) throw new Error(`node name '${bad}' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`node name '${duplicate}' is given twice`);
  if (options.nodeCount !== undefined && options.nodeCount !== names.length) {
    throw new Error(`nodeCount ${options.nodeCount} does not match the ${names.length} node names`);
  }
  return [...names];
}

function resolveOptions(options: EmulatorOptions): Resolved {
  const version = options.esVersion ?? DEFAULT_ES_VERSION;
  assertSupportedVersion(version);
  const nodeNames = resolveNodeNames(options);
  return { version, host: options.host ?? '127.0.0.1', isTls: options.isTls ?? true, nodeCount: nodeNames.length, nodeNames };
}

async function buildState(options: EmulatorOptions, resolved: Resolved): Promise<{ state: EmulatorState; superuserPassword: string }> {
  const profile = versionProfile(resolved.version);
  await mkdir(options.dataDir, { recursive: true });
  const { nodeNames } = resolved;
  const persisted = await loadClusterState({ dataDir: options.dataDir, nodeNames, superuserPassword: options.superuserPassword });
  const faults = new FaultInjector(nodeNames);
  if (options.faults) faults.set(parseFaultSpec(options.faults));
  const verifiedCache = new Set<string>();
  const nodes = await createNodes(options.dataDir, persisted.nodeIds, nodeNames, () => verifiedCache.clear());
  const securityRefresh = new SecurityIndexRefresh(options.refreshIntervalMs);
  const indexStore = await IndexTokenStore.open(join(options.dataDir, 'index-tokens.json'), securityRefresh);
  const { users, roles } = await openSecurityStores(options, persisted.superuserPassword);
  const userManagedAccounts = await RecordStore.open<StoredAccount>(join(options.dataDir, 'user-managed-accounts.json'));
  userManagedAccounts.followRefresh(new UnrefreshedWrites(securityRefresh));
  const state: EmulatorState = {
    profile,
    clusterName: options.clusterName ?? 'escred-emulator',
    clusterUuid: persisted.clusterUuid,
    securityIndexUuid: persisted.securityIndexUuid,
    nodes,
    faults,
    users,
    roles,
    securityRefresh,
    userManagedAccounts,
    apiKeys: new Map(),
    indexStore,
    hasSecurityIndex: () => indexStore.size > 0 || users.store.size > 0 || roles.size > 0 || userManagedAccounts.size > 0,
    // Production mode in ES terms: more than one node and no HTTPS (spec section 9).
    isTlsCheckFailing: profile.hasHttpTlsCheck && !resolved.isTls && resolved.nodeCount > 1,
    verifiedCache,
    accessTokens: new AccessTokens(),
    coordinatingFileTokens: () => nodes.find((node) => !faults.isNodeFailing(node.name))?.files,
  };
  return { state, superuserPassword: persisted.superuserPassword };
}

/** Polls every node's service_tokens file; one pass at a time. Returns the stop function. */
function pollServiceTokens(reloadAll: () => Promise<void>, intervalMs: number): () => void {
  let isPolling = false;
  const poller = setInterval(() => {
    if (isPolling) return;
    isPolling = true;
    reloadAll()
      .catch(() => undefined)
      .finally(() => {
        isPolling = false;
      });
  }, intervalMs);
  poller.unref();
  return () => clearInterval(poller);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const { state, superuserPassword } = await buildState(options, resolved);
  const tls = resolved.isTls ? await loadTlsMaterial(options.dataDir, resolved.host) : undefined;
  const counters = new Map<string, number>();
  const stopping = new AbortController();
  const documents = await openDocuments(options.dataDir);
  const server = createEmulatorServer({ state, routes: routesFor(state.profile, documents.routes), counters, signal: stopping.signal, ...(tls ? { tls: { key: tls.key, cert: tls.certChain } } : {}) });
  documents.requestLog.attach(server);
  const port = await listen(server, options.port ?? 0, resolved.host);
  const reloadAll = async (): Promise<void> => {
    for (const node of state.nodes) await node.files.reload();
  };
  const stopPolling = pollServiceTokens(reloadAll, options.serviceTokensReloadMs ?? 1000);
  const urlHost = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `${resolved.isTls ? 'https' : 'http'}://${urlHost}:${port}`,
    ...(tls ? { caFile: tls.caFile, caFingerprint: tls.caFingerprint } : {}),
    clusterName: state.clusterName,
    clusterUuid: state.clusterUuid,
    version: resolved.version,
    nodes: state.nodes.map((node) => ({ id: node.id, name: node.name })),
    superuser: { username: 'elastic', password: superuserPassword },
    async createApiKey(name, username = 'elastic') {
      if (!state.users.has(username)) throw new Error(`unknown user [${username}]`);
      const created = registerApiKey(state, name, username);
      return { id: created.id, apiKey: created.apiKey, encoded: created.encoded };
    },
    seedUserManagedAccounts: (accounts) => seedAccounts(state, accounts),
    setFaults: (spec) => state.faults.set(parseFaultSpec(spec)),
    clearFaults: () => state.faults.clear(),
    counters: () => Object.fromEntries(counters),
    resetCounters: () => counters.clear(),
    serviceTokensPath: (nodeName) => join(options.dataDir, 'nodes', nodeName, 'service_tokens'),
    reloadServiceTokens: reloadAll,
    securityRefresh: {
      intervalMs: state.securityRefresh.intervalMs,
      count: () => state.securityRefresh.refreshes,
      waiting: () => state.securityRefresh.waiting,
      refreshNow: () => state.securityRefresh.refresh(),
    },
    requests: () => documents.requestLog.list(),
    clearRequests: () => documents.requestLog.clear(),
    async stop() {
      stopPolling();
      state.securityRefresh.stop();
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await state.indexStore.settle();
      await state.users.store.settle();
      await state.roles.settle();
      await state.userManagedAccounts.settle();
      await documents.store.settle();
    },
  };
}
