import type {
  DesiredAccount, DesiredCluster, DesiredFileToken, DesiredState, DesiredToken, ObservedAccount, ObservedCluster,
} from '../../src/model.js';

const here = { file: '/manifests/escred.yaml', line: 1, col: 1 };

export function desiredToken(name: string, extra: Partial<DesiredToken> = {}): DesiredToken {
  return { name, source: here, ...extra };
}

export function desiredFileToken(name: string, nodes: DesiredFileToken['nodes'] = '*'): DesiredFileToken {
  return { name, nodes, source: here };
}

export function desiredAccount(principal: string, extra: Partial<DesiredAccount> = {}): DesiredAccount {
  const [namespace = '', service = ''] = principal.split('/');
  return { principal, namespace, service, prune: 'none', owns: [], protect: [], tokens: [], fileTokens: [], source: here, ...extra };
}

export function desiredCluster(name: string, accounts: DesiredAccount[], extra: Partial<DesiredCluster> = {}): DesiredCluster {
  return {
    name, urls: ['https://127.0.0.1:9200'], auth: { kind: 'basic', username: 'elastic', password: { env: 'PW' } },
    tls: { isInsecure: false }, maxDeletions: 5, serviceAccounts: accounts,
    userManagedAccounts: { prune: 'none', owns: [], protect: [] }, source: here, ...extra,
  };
}

export function desiredState(clusters: DesiredCluster[]): DesiredState {
  return { secrets: { kind: 'directory', directory: '/secrets' }, clusters, files: [here.file] };
}

export function observedAccount(principal: string, extra: Partial<ObservedAccount> = {}): ObservedAccount {
  return { principal, indexTokens: [], fileTokens: {}, format: 'nodes',
    nodes: { total: 3, successful: 3, failed: 0, failures: [] }, ...extra };
}

export const THREE_NODES = [
  { id: 'id0', name: 'node-0' }, { id: 'id1', name: 'node-1' }, { id: 'id2', name: 'node-2' },
];

export function observedCluster(name: string, accounts: ObservedAccount[], extra: Partial<ObservedCluster> = {}): ObservedCluster {
  return {
    name, clusterUuid: 'uuid-1', clusterName: 'es', version: '9.4.0', nodes: THREE_NODES,
    accounts: ['elastic/auto-ops', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana'],
    serviceAccounts: accounts, ...extra,
  };
}
