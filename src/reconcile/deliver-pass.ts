import { applyNodeFileTokens, renderFileTokensOut, type FileTokensDelivery, type FileTokensTarget } from '../file-tokens/deliver-file-tokens.js';
import { ConfigError } from '../errors.js';
import type { DesiredCluster, ObservedCluster } from '../model.js';
import type { TokenKey } from '../plan/plan-types.js';
import { unsecuredIntents } from '../plan/secured-tokens.js';
import { realiseAccountFileTokens, type FileTokenRealiseOptions } from '../plan/plan-account-file-tokens.js';
import { readDeliveredFileTokens } from '../file-tokens/delivered-file-tokens.js';
import type { Pass } from './open-pass.js';
import type { PlannedPass } from './plan-pass.js';

export type { FileTokensTarget } from '../file-tokens/deliver-file-tokens.js';

export interface ClusterDelivery {
  cluster: string;
  delivery: FileTokensDelivery;
}

/**
 * Renders (dry run: only diffs) the service_tokens files of every cluster that declares file
 * tokens; in node mode, of the one cluster the node belongs to. New secrets reach the sink first.
 */
export async function deliverFileTokens(
  pass: Pass,
  planned: Pick<PlannedPass, 'observed' | 'nowMs'>,
  target: FileTokensTarget,
  options: { isDryRun: boolean },
): Promise<ClusterDelivery[]> {
  const { observed } = planned;
  const withFileTokens = pass.desired.clusters.filter((c) => c.serviceAccounts.some((a) => a.fileTokens.length > 0));
  // rotation must see the generations already in the delivered files, or every run would start a new one
  const sinkSecrets = await pass.sink.listKeys();
  const realiseOptions = { nowMs: planned.nowMs, sinkSecrets, unsecuredTokens: unsecuredIntents(pass.journal.pendingKeys(), sinkSecrets),
    deliveredFileTokens: await readDeliveredFileTokens(withFileTokens, target) };
  const realised = withFileTokens.map((c) => realiseCluster(c, observed.find((o) => o.name === c.name), realiseOptions));
  const deliveries = await deliver(pass, realised.map((r) => r.cluster), observed, target, options);
  if (!options.isDryRun) {
    // a rotated-out generation is being revoked: its value is of no use to anyone any more
    const delivered = new Set(deliveries.map((d) => d.cluster));
    const retired = realised.filter((r) => delivered.has(r.cluster.name)).flatMap((r) => r.retired);
    await Promise.all(retired.map((key) => pass.sink.forget(key).catch(() => undefined)));
  }
  return deliveries;
}

async function deliver(
  pass: Pass,
  clusters: DesiredCluster[],
  observed: readonly ObservedCluster[],
  target: FileTokensTarget,
  options: { isDryRun: boolean },
): Promise<ClusterDelivery[]> {
  const common = { sink: pass.sink, isDryRun: options.isDryRun, ...(target.group !== undefined ? { group: target.group } : {}) };
  if (target.kind === 'node') {
    const cluster = target.cluster !== undefined ? clusters.find((c) => c.name === target.cluster) : clusters.length === 1 ? clusters[0] : undefined;
    if (!cluster) {
      throw new ConfigError(target.cluster !== undefined
        ? `the manifest declares no file tokens for cluster ${target.cluster}`
        : `--node needs --cluster: file tokens are declared for ${clusters.length === 0 ? 'no cluster' : clusters.map((c) => c.name).join(', ')}`);
    }
    const nodes = observed.find((o) => o.name === cluster.name)?.nodes ?? null;
    const delivery = await applyNodeFileTokens({ ...common, cluster, observed: { nodes }, nodeName: target.nodeName, path: target.path });
    return [{ cluster: cluster.name, delivery }];
  }
  const results: ClusterDelivery[] = [];
  for (const cluster of clusters) {
    const seen = observed.find((o) => o.name === cluster.name);
    if (!seen) continue; // not observed: its plan already carries the error
    results.push({ cluster: cluster.name, delivery: await renderFileTokensOut({ ...common, cluster, observed: seen, outDir: target.outDir }) });
  }
  return results;
}

/** Rotated file tokens become the generations that should exist at the plan's instant. */
function realiseCluster(
  cluster: DesiredCluster, observed: ObservedCluster | undefined, options: FileTokenRealiseOptions,
): { cluster: DesiredCluster; retired: TokenKey[] } {
  const retired: TokenKey[] = [];
  const serviceAccounts = cluster.serviceAccounts.map((account) => {
    const realised = realiseAccountFileTokens(cluster.name, account,
      observed?.serviceAccounts.find((a) => a.principal === account.principal), options);
    for (const token of realised.retired) retired.push({ cluster: cluster.name, principal: account.principal, token });
    return realised.account;
  });
  return { cluster: { ...cluster, serviceAccounts }, retired };
}
