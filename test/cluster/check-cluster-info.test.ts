import { describe, expect, it } from 'vitest';
import { checkClusterInfo, checkProductHeader, type ClusterInfo } from '../../src/cluster/check-cluster-info.js';
import { EscredError } from '../../src/errors.js';
import { desiredCluster } from '../support/state-builders.js';
import { ERROR_CODES } from '../../src/error-codes.js';

const info = (extra: Partial<ClusterInfo> = {}): ClusterInfo =>
  ({ clusterName: 'es', clusterUuid: 'uuid-1', version: '9.4.0', buildFlavor: 'default', ...extra });

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(EscredError);
    return (error as EscredError).code;
  }
}

describe('checkClusterInfo', () => {
  it.each([
    ['7.13.0', undefined], ['7.14.2', undefined], ['8.19.0', undefined], ['9.4.0', undefined], ['10.0.0-SNAPSHOT', undefined],
    ['7.12.1', ERROR_CODES.unsupportedVersion], ['6.8.23', ERROR_CODES.unsupportedVersion], ['garbage', ERROR_CODES.unsupportedVersion],
  ])('version %s -> %s', (version, code) => {
    expect(codeOf(() => checkClusterInfo(desiredCluster('prod', []), info({ version })))).toBe(code);
  });

  it('refuses serverless with a message that says why', () => {
    const cluster = desiredCluster('prod', []);
    expect(codeOf(() => checkClusterInfo(cluster, info({ buildFlavor: 'serverless', version: '8.11.0' })))).toBe(ERROR_CODES.serverless);
    expect(() => checkClusterInfo(cluster, info({ buildFlavor: 'serverless' }))).toThrow(/Serverless/);
  });

  it('refuses a cluster whose UUID differs from the pin, naming both', () => {
    const cluster = desiredCluster('prod', [], { clusterUuid: 'pinned-uuid' });
    expect(codeOf(() => checkClusterInfo(cluster, info()))).toBe(ERROR_CODES.clusterUuidMismatch);
    expect(() => checkClusterInfo(cluster, info())).toThrow(/pinned-uuid.*uuid-1/);
    expect(codeOf(() => checkClusterInfo(cluster, info({ clusterUuid: 'pinned-uuid' })))).toBeUndefined();
  });

  it('says which version is too old', () => {
    expect(() => checkClusterInfo(desiredCluster('prod', []), info({ version: '7.10.2' }))).toThrow(/7\.10\.2.*7\.13/);
  });
});

describe('checkProductHeader', () => {
  it.each([
    ['7.13.0', undefined, undefined],
    ['7.14.0', 'Elasticsearch', undefined],
    ['7.14.0', undefined, ERROR_CODES.notElasticsearch],
    ['9.4.0', 'OpenSearch', ERROR_CODES.notElasticsearch],
  ])('version %s header %s -> %s', (version, header, code) => {
    expect(codeOf(() => checkProductHeader(desiredCluster('prod', []), version, header))).toBe(code);
  });
});
