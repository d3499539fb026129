/** The real cluster the integration tests use, from the ESCRED_TEST_ES_* variables (see real-cluster.test.ts). */
import type { AuthConfig, DesiredAccount, DesiredCluster } from '../../src/model.js';

const env = process.env;
const here = { file: 'test/integration', line: 1, col: 1 };

export const isRealClusterConfigured = Boolean(env.ESCRED_TEST_ES_URL);

export function realClusterUrls(): string[] {
  return (env.ESCRED_TEST_ES_URL ?? '').split(',').map((u) => u.trim()).filter(Boolean);
}

export function realClusterAuth(): AuthConfig {
  if (env.ESCRED_TEST_ES_API_KEY) return { kind: 'apiKey', apiKey: { env: 'ESCRED_TEST_ES_API_KEY' } };
  return { kind: 'basic', username: env.ESCRED_TEST_ES_USERNAME ?? 'elastic', password: { env: 'ESCRED_TEST_ES_PASSWORD' } };
}

export function realCluster(accounts: DesiredAccount[] = []): DesiredCluster {
  return {
    name: 'real', urls: realClusterUrls(), auth: realClusterAuth(),
    tls: {
      ...(env.ESCRED_TEST_ES_CA_FILE ? { caFile: env.ESCRED_TEST_ES_CA_FILE } : {}),
      ...(env.ESCRED_TEST_ES_CA_FINGERPRINT ? { caFingerprint: env.ESCRED_TEST_ES_CA_FINGERPRINT } : {}),
      isInsecure: env.ESCRED_TEST_ES_INSECURE === 'true',
    },
    maxDeletions: 1, serviceAccounts: accounts, userManagedAccounts: { prune: 'none', owns: [], protect: [] }, source: here,
  };
}

/** The same cluster as a manifest entry (YAML-ready), as a user would write it. */
export function realClusterManifestEntry(serviceAccounts: Record<string, unknown>): Record<string, unknown> {
  const cluster = realCluster();
  const auth = cluster.auth.kind === 'apiKey' ? { apiKey: cluster.auth.apiKey }
    : cluster.auth.kind === 'basic' ? { basic: { username: cluster.auth.username, password: cluster.auth.password } } : {};
  const tls = cluster.tls.caFile ? { caFile: cluster.tls.caFile }
    : cluster.tls.caFingerprint ? { caFingerprint: cluster.tls.caFingerprint } : cluster.tls.isInsecure ? { insecure: true } : undefined;
  return { name: cluster.name, urls: cluster.urls, auth, ...(tls ? { tls } : {}), serviceAccounts };
}

export function fleetAccount(tokens: string[]): DesiredAccount {
  return { principal: 'elastic/fleet-server', namespace: 'elastic', service: 'fleet-server', prune: 'none', owns: [], protect: [],
    tokens: tokens.map((name) => ({ name, source: here })), fileTokens: [], source: here };
}
