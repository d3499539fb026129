import type { ChangeEntry } from '../apply/change-set.js';
import type { Plan } from '../plan/plan-types.js';
import {
  appliedNotification, driftItems, driftNotification, failedNotification, leaseNotification, planErrors, recoveredNotification, slackBody,
  type Notification, type NotificationContext, type NotificationError, type NotificationLease,
} from './notify-events.js';
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

  constructor(private readonly options: NotifierOptions) {
    this.senders = options.targets.map((target) => new NotifySender(target, options));
  }

  passFinished(pass: NotifiablePass): void {
    const context = this.context();
    const entries = pass.changeSet?.entries ?? [];
    if (entries.length > 0) this.send(appliedNotification(context, entries));
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
