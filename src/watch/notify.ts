import type { ChangeEntry } from '../apply/change-set.js';
import type { Plan } from '../plan/plan-types.js';
import {
  appliedNotification, driftItems, driftNotification, failedNotification, leaseNotification, overdueNotification, planErrors, recoveredNotification, slackBody,
  verificationFailedNotification, type Notification, type NotificationContext, type NotificationError, type NotificationLease, type OverdueToken,
} from './notify-events.js';
import { VERIFY_FAILED_CODE } from '../apply/verify-stored-token.js';
import { NotifySender, type SenderOptions } from './notify-sender.js';
import type { NotifyTarget } from './notify-targets.js';

/** What the notifier needs from a finished pass (a WatchPassRecord has it). */
export interface NotifiablePass {
  result: 'success' | 'drift' | 'unreconciled' | 'invalid_manifest' | 'error';
  changeSet?: { entries: readonly ChangeEntry[] };
  /** the plan left after the pass; absent when the pass failed before planning */
  plan?: Plan;
  /** why the pass failed before planning (invalid manifest, unreadable sink) */
  error?: NotificationError;
  /** current generations whose rotation is overdue after the pass */
  overdue?: readonly OverdueToken[];
  /** declared clusters no replica of the fleet is reconciling (issue 21): a failure to notify */
  unreconciled?: readonly NotificationError[];
}

export interface NotifierOptions extends SenderOptions {
  targets: readonly NotifyTarget[];
  isApplying: boolean;
  host: string;
  now?: () => number;
  /** on stop, how long queued notifications may still take; default 5 s */
  closeGraceMs?: number;
}

/**
 * The daemon's notifications: applied changes, drift found in report-only mode, a failed pass, the
 * recovery after it, and (from the lease work) a lease taken over. Level-based passes repeat the
 * same state every resync, so drift and failures are sent when they change, not on every pass.
 */
export class Notifier {
  private readonly senders: NotifySender[];
  private lastDrift = '';
  private lastFailure = '';
  /** tokens already notified as overdue / unverified: again only after a pass without them (recovered) */
  private overdueSent = new Set<string>();
  private unverifiedSent = new Set<string>();

  constructor(private readonly options: NotifierOptions) {
    this.senders = options.targets.map((target) => new NotifySender(target, options));
  }

  passFinished(pass: NotifiablePass): void {
    const context = this.context();
    const entries = pass.changeSet?.entries ?? [];
    if (entries.length > 0) this.send(appliedNotification(context, entries));
    this.tokenEvents(context, pass);
    if (pass.result === 'error' || pass.result === 'invalid_manifest' || pass.result === 'unreconciled') {
      const errors = pass.error ? [pass.error] : [...(pass.plan ? planErrors(pass.plan) : []), ...(pass.unreconciled ?? [])];
      // a pass that failed only in its writes was reported as applied, with the failed outcomes
      if (errors.length === 0) return;
      const signature = JSON.stringify(errors);
      if (signature !== this.lastFailure) this.send(failedNotification(context, errors));
      this.lastFailure = signature;
      this.lastDrift = ''; // the drift seen after the recovery is news again
      return;
    }
    if (this.lastFailure) this.send(recoveredNotification(context));
    this.lastFailure = '';
    if (this.options.isApplying || !pass.plan) return;
    const drift = driftItems(pass.plan);
    const signature = drift.length > 0 ? JSON.stringify(drift) : '';
    if (signature && signature !== this.lastDrift) this.send(driftNotification(context, pass.plan));
    this.lastDrift = signature;
  }

  /** rotation-overdue and verification-failed, once per token until a pass finds it recovered (issue 23 §4) */
  private tokenEvents(context: NotificationContext, pass: NotifiablePass): void {
    const key = (t: { cluster: string; account: string; token: string }) => `${t.cluster}/${t.account}/${t.token}`;
    if (pass.overdue) {
      const fresh = pass.overdue.filter((t) => !this.overdueSent.has(key(t)));
      if (fresh.length > 0) this.send(overdueNotification(context, fresh));
      this.overdueSent = new Set(pass.overdue.map(key));
    }
    const unverified = new Map((pass.changeSet?.entries ?? []).filter((e) => e.code === VERIFY_FAILED_CODE && e.unverifiedToken)
      .map((e) => { const t = { cluster: e.cluster, account: e.principal, token: e.unverifiedToken!, detail: e.detail ?? '' }; return [key(t), t] as const; }));
    const fresh = [...unverified].filter(([k]) => !this.unverifiedSent.has(k)).map(([, t]) => t);
    if (fresh.length > 0) this.send(verificationFailedNotification(context, fresh));
    if (pass.changeSet) this.unverifiedSent = new Set(unverified.keys());
  }

  /** the hook for leases (issue 15): call when this replica takes a cluster over from another */
  leaseTakenOver(lease: NotificationLease): void {
    this.send(leaseNotification(this.context(), lease));
  }

  settled(): Promise<void> {
    return Promise.all(this.senders.map((s) => s.settled())).then(() => undefined);
  }

  close(graceMs = this.options.closeGraceMs ?? 5_000): Promise<void> {
    return Promise.all(this.senders.map((s) => s.close(graceMs))).then(() => undefined);
  }

  private send(notification: Notification): void {
    this.options.targets.forEach((target, i) => {
      this.senders[i]?.send(notification.event, target.format === 'slack' ? slackBody(notification) : notification);
    });
  }

  private context(): NotificationContext {
    return { time: new Date((this.options.now ?? Date.now)()).toISOString(), host: this.options.host, mode: this.options.isApplying ? 'apply' : 'report-only' };
  }
}
