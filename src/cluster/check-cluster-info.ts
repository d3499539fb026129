import { EscredError } from '../errors.js';
import type { DesiredCluster } from '../model.js';
import { ERROR_CODES } from '../error-codes.js';

export interface ClusterInfo {
  clusterName: string;
  clusterUuid: string;
  version: string;
  buildFlavor: string;
}

/** Service accounts appeared in 7.13 (spec §0). */
const MIN_VERSION: readonly [number, number] = [7, 13];

/**
 * Refuses a cluster escred must not touch: serverless (no service-account token APIs),
 * a version before 7.13, or a cluster whose UUID differs from the manifest's pin.
 */
export function checkClusterInfo(cluster: DesiredCluster, info: ClusterInfo): void {
  const where = `cluster ${cluster.name}`;
  if (info.buildFlavor === 'serverless') {
    throw new EscredError(ERROR_CODES.serverless,
      `${where}: ${info.clusterName} is Elasticsearch Serverless, which has no service-account token APIs; escred needs a self-managed or hosted (stateful) cluster`);
  }
  const version = parseVersion(info.version);
  if (!version || compareVersion(version, MIN_VERSION) < 0) {
    throw new EscredError(ERROR_CODES.unsupportedVersion,
      `${where}: Elasticsearch ${info.version} is not supported: service accounts need 7.13 or later`);
  }
  if (cluster.clusterUuid !== undefined && cluster.clusterUuid !== info.clusterUuid) {
    throw new EscredError(ERROR_CODES.clusterUuidMismatch,
      `${where}: the manifest pins clusterUuid ${cluster.clusterUuid} but ${cluster.urls.join(', ')} answered as ` +
        `cluster ${info.clusterName} with UUID ${info.clusterUuid}; refusing to touch a different cluster`);
  }
}

/**
 * ES 7.14+ sends `X-elastic-product: Elasticsearch` on every answer (spec §13), and the official
 * client refuses a server without it. We do the same for 7.14+, so that a fork or a proxy that
 * answers in its place is noticed before any write; 7.13 never sent it.
 */
export function checkProductHeader(cluster: DesiredCluster, version: string, header: string | undefined): void {
  const parsed = parseVersion(version);
  if (!parsed || compareVersion(parsed, [7, 14]) < 0) return;
  if (header === 'Elasticsearch') return;
  throw new EscredError(ERROR_CODES.notElasticsearch,
    `cluster ${cluster.name}: the server says it is version ${version} but does not send the header ` +
      `X-elastic-product: Elasticsearch that every Elasticsearch 7.14+ sends; it is not Elasticsearch, or a proxy drops the header`);
}

/** [major, minor] of "8.19.0" or "9.0.0-SNAPSHOT"; undefined when unparsable. */
export function parseVersion(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2])];
}

export function compareVersion(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
