import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChangeEntry } from '../apply/change-set.js';
import type { DesiredState } from '../model.js';
import { isRealDrift, type Plan } from '../plan/plan-types.js';
import type { Report } from '../plan/report-types.js';

/** How a pass ended, as the `result` label of escred_passes_total. */
export type PassResult = 'success' | 'drift' | 'unreconciled' | 'invalid_manifest' | 'error';

/**
 * The daemon's metrics, in a Registry of its own: the global one would mix in whatever else the
 * process registers and make two daemons in one test process collide.
 */
export class WatchMetrics {
  readonly registry = new Registry();
  private readonly passes = new Counter({
    name: 'escred_passes_total', help: 'Reconcile passes, by how they ended', labelNames: ['result'] as const, registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'escred_pass_duration_seconds', help: 'Time one pass took: load, observe, plan and (with --apply) apply',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [this.registry],
  });
  private readonly drift = new Gauge({
    name: 'escred_drift', help: 'Differences between manifest and cluster after the last pass: token creates, replaces, deletes, file-token drift and user-managed account changes',
    labelNames: ['cluster', 'account'] as const, registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'escred_last_success_timestamp_seconds', help: 'Unix time of the last pass that observed every cluster without error', registers: [this.registry],
  });
  private readonly changes = new Counter({
    name: 'escred_changes_applied_total', help: 'Changes carried out by --apply, by action and outcome',
    labelNames: ['action', 'outcome'] as const, registers: [this.registry],
  });

  private readonly tokenInfo = new Gauge({
    name: 'escred_token_info', help: 'One series per token the declared accounts have, with its status (escred report\'s): 1',
    labelNames: ['cluster', 'account', 'token', 'kind', 'status'] as const, registers: [this.registry],
  });
  private readonly rotationDue = new Gauge({
    name: 'escred_token_rotation_due_timestamp_seconds', help: 'Unix time the current generation of a rotating token is due to be replaced',
    labelNames: ['cluster', 'account', 'token'] as const, registers: [this.registry],
  });
  private readonly created = new Gauge({
    name: 'escred_token_created_timestamp_seconds', help: 'Unix time a token was made, where escred can know it (a generation\'s name)',
    labelNames: ['cluster', 'account', 'token', 'kind'] as const, registers: [this.registry],
  });
  private readonly overdue = new Gauge({
    name: 'escred_tokens_overdue', help: 'Current generations whose rotation is overdue, after the last pass', labelNames: ['cluster'] as const, registers: [this.registry],
  });
  private readonly violations = new Gauge({
    name: 'escred_policy_violations', help: 'Violations of the manifest\'s policy, after the last pass', labelNames: ['cluster'] as const, registers: [this.registry],
  });

  private readonly leaseHeld = new Gauge({
    name: 'escred_lease_held', help: 'Whether this replica holds the lease of the cluster (1) or not (0); clusters with lease: off have no series',
    labelNames: ['cluster'] as const, registers: [this.registry],
  });
  private readonly leaseTakeovers = new Counter({
    name: 'escred_lease_takeovers_total', help: 'Leases this replica took over from another holder that had stopped renewing',
    labelNames: ['cluster'] as const, registers: [this.registry],
  });
  private readonly leaseRenewFailures = new Counter({
    name: 'escred_lease_renew_failures_total', help: 'Lease renewals that failed: the lease was lost, refused, or the cluster did not answer',
    labelNames: ['cluster'] as const, registers: [this.registry],
  });

  private readonly reconciled = new Gauge({
    name: 'escred_cluster_reconciled',
    help: 'Whether the declared cluster is being reconciled (1): its lease is held by this fleet (or it has lease: off) and its last plan had no error; 0: unheld past its lease duration plus a pass, held by a second writer, or failing',
    labelNames: ['cluster'] as const, registers: [this.registry],
  });

  constructor() {
    // every result shows from the start, so rate() and alerts work before the first failure
    for (const result of ['success', 'drift', 'unreconciled', 'invalid_manifest', 'error'] as const) this.passes.inc({ result }, 0);
  }

  recordPass(result: PassResult, seconds: number): void {
    this.passes.inc({ result });
    this.duration.observe(seconds);
  }

  recordSuccess(nowMs: number): void {
    this.lastSuccess.set(nowMs / 1000);
  }

  /** the held series of every leased cluster, replaced: a cluster that left the manifest loses its series */
  setLeasesHeld(clusters: readonly string[], held: ReadonlySet<string>): void {
    this.leaseHeld.reset();
    for (const cluster of clusters) this.leaseHeld.set({ cluster }, held.has(cluster) ? 1 : 0);
  }

  /** the series of every declared cluster, replaced: 0 for the ones in `notReconciled` */
  setReconciled(clusters: readonly string[], notReconciled: ReadonlySet<string>): void {
    this.reconciled.reset();
    for (const cluster of clusters) this.reconciled.set({ cluster }, notReconciled.has(cluster) ? 0 : 1);
  }

  recordLeaseTakeover(cluster: string): void {
    this.leaseTakeovers.inc({ cluster });
  }

  recordLeaseRenewFailure(cluster: string): void {
    this.leaseRenewFailures.inc({ cluster });
  }

  recordChange(entry: ChangeEntry): void {
    this.changes.inc({ action: entry.action, outcome: entry.outcome });
  }

  /** Replaces the drift series: accounts that left the manifest must not keep their last value. */
  setDrift(desired: DesiredState, plan: Plan): void {
    this.drift.reset();
    for (const cluster of desired.clusters) {
      const clusterPlan = plan.clusters.find((c) => c.cluster === cluster.name);
      // an unobserved cluster has no known drift; leaving it out beats reporting a false 0
      if (!clusterPlan || clusterPlan.error) continue;
      const accountChanges = clusterPlan.accountActions ?? [];
      // an owned account that left the manifest drifts too (it is to be deleted): it gets a series of its own
      const principals = new Set([...cluster.serviceAccounts.map((a) => a.principal), ...accountChanges.map((a) => a.principal)]);
      for (const principal of principals) {
        const actions = clusterPlan.actions.filter((a) => a.principal === principal).length;
        const files = clusterPlan.fileTokenDrift.filter((d) => d.principal === principal && isRealDrift(d)).length;
        const account = accountChanges.filter((a) => a.principal === principal).length;
        this.drift.set({ cluster: cluster.name, account: principal }, actions + files + account);
      }
    }
  }

  /** Replaces the per-token series with the pass's inventory: a token that is gone loses its series. */
  setTokens(report: Report): void {
    for (const gauge of [this.tokenInfo, this.rotationDue, this.created, this.overdue, this.violations]) gauge.reset();
    for (const cluster of report.clusters.filter((c) => !c.error)) {
      const tokens = report.tokens.filter((t) => t.cluster === cluster.cluster);
      this.overdue.set({ cluster: cluster.cluster }, tokens.filter((t) => t.isOverdue).length);
      this.violations.set({ cluster: cluster.cluster }, tokens.reduce((sum, t) => sum + t.violations.length, 0));
    }
    for (const t of report.tokens) {
      const labels = { cluster: t.cluster, account: t.account, token: t.token };
      this.tokenInfo.set({ ...labels, kind: t.kind, status: t.status }, 1);
      if (t.nextRotationDue) this.rotationDue.set(labels, Date.parse(t.nextRotationDue) / 1000);
      if (t.createdAt) this.created.set({ ...labels, kind: t.kind }, Date.parse(t.createdAt) / 1000);
    }
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
