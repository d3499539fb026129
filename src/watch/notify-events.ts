import type { AccountChangedBy } from '../plan/account-attribution.js';
import type { ChangeEntry } from '../apply/change-set.js';
import { describeAccountAction, type AccountAction } from '../plan/account-actions.js';
import { isRealDrift, type Plan } from '../plan/plan-types.js';
import { describeDrift } from '../plan/render-human.js';

/** The JSON body's version; schemas/notification.schema.json describes it. */
export const NOTIFICATION_FORMAT_VERSION = 1;

/** So one notification stays small enough for any receiver (Slack truncates text past 40,000 characters). */
export const MAX_ITEMS = 50;

export type NotificationEvent = 'applied' | 'drift' | 'failed' | 'recovered' | 'lease-taken-over' | 'rotation-overdue' | 'verification-failed';

/** A current generation whose rotation is overdue (escred report's finding). */
export interface OverdueToken {
  cluster: string;
  account: string;
  token: string;
  /** when it was due (ISO 8601) */
  due: string;
}

/** rotation-overdue and verification-failed: the tokens concerned, names only. */
export interface NotificationToken {
  cluster: string;
  account: string;
  token: string;
  /** rotation-overdue: when it was due; verification-failed: why */
  detail: string;
}

export interface NotificationChange {
  cluster: string;
  account: string;
  /** '' for a change to a user-managed account itself */
  token: string;
  action: ChangeEntry['action'];
  outcome: ChangeEntry['outcome'];
  detail?: string;
}

export interface NotificationDrift {
  cluster: string;
  account: string;
  /** '' for a user-managed account itself */
  token: string;
  /** create, replace, delete: what --apply would do to a token; *-account: to a user-managed account; file-token: a node's service_tokens file differs */
  kind: 'create' | 'replace' | 'delete' | 'file-token' | AccountAction['kind'];
  reason: string;
  /** update-account: who last wrote what the cluster has, where it records it (issue 22) */
  changedBy?: AccountChangedBy;
}

export interface NotificationError {
  /** absent when the whole pass failed (an invalid manifest, an unreadable sink) */
  cluster?: string;
  code?: string;
  message: string;
}

export interface NotificationLease {
  cluster: string;
  holder: string;
  previousHolder?: string;
}

/** The plain JSON body: names, reasons and error messages only, never a token value. */
export interface Notification {
  formatVersion: typeof NOTIFICATION_FORMAT_VERSION;
  source: 'escred';
  event: NotificationEvent;
  time: string;
  /** the daemon that sent it (host name), so replicas can be told apart */
  host: string;
  mode: 'apply' | 'report-only';
  summary: string;
  changes?: NotificationChange[];
  drift?: NotificationDrift[];
  errors?: NotificationError[];
  lease?: NotificationLease;
  tokens?: NotificationToken[];
  /** items left out of changes, drift or errors beyond MAX_ITEMS */
  omitted?: number;
}

export type NotificationContext = Pick<Notification, 'time' | 'host' | 'mode'>;

export function appliedNotification(context: NotificationContext, entries: readonly ChangeEntry[]): Notification {
  const changes = entries.map((e) => ({ cluster: e.cluster, account: e.principal, token: e.token, action: e.action, outcome: e.outcome, ...(e.detail ? { detail: e.detail } : {}) }));
  const failed = entries.filter((e) => e.outcome === 'failed').length;
  const summary = `applied ${plural(entries.length - failed, 'change')}${failed > 0 ? `, ${failed} failed` : ''} on ${plural(new Set(entries.map((e) => e.cluster)).size, 'cluster')}`;
  return { ...base(context, 'applied', summary), changes: changes.slice(0, MAX_ITEMS), ...omitted(changes.length) };
}

export function driftNotification(context: NotificationContext, plan: Plan): Notification {
  const drift = driftItems(plan);
  const clusters = new Set(drift.map((d) => d.cluster)).size;
  const summary = `drift found: ${plural(drift.length, 'difference')} on ${plural(clusters, 'cluster')}; report-only mode changed nothing`;
  return { ...base(context, 'drift', summary), drift: drift.slice(0, MAX_ITEMS), ...omitted(drift.length) };
}

export function failedNotification(context: NotificationContext, errors: readonly NotificationError[]): Notification {
  const summary = `reconcile pass failed: ${errors[0]?.message ?? 'unknown error'}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`;
  return { ...base(context, 'failed', summary), errors: errors.slice(0, MAX_ITEMS), ...omitted(errors.length) };
}

export function recoveredNotification(context: NotificationContext): Notification {
  return base(context, 'recovered', 'reconcile passes succeed again');
}

/** For the lease issue: a replica that takes a cluster over from another calls this. */
export function leaseNotification(context: NotificationContext, lease: NotificationLease): Notification {
  const from = lease.previousHolder ? ` from ${lease.previousHolder}` : '';
  return { ...base(context, 'lease-taken-over', `${lease.holder} took over the lease of cluster ${lease.cluster}${from}`), lease };
}

/** Sent once per token until it recovers (the notifier keeps which were sent). */
export function overdueNotification(context: NotificationContext, overdue: readonly OverdueToken[]): Notification {
  const tokens = overdue.map((t) => ({ cluster: t.cluster, account: t.account, token: t.token, detail: `rotation was due ${t.due}` }));
  return { ...base(context, 'rotation-overdue', `rotation overdue: ${plural(tokens.length, 'token')}`), tokens: tokens.slice(0, MAX_ITEMS), ...omitted(tokens.length) };
}

/** A new value, or the value of the generation that stays, did not authenticate: nothing older was deleted. */
export function verificationFailedNotification(context: NotificationContext, failed: readonly NotificationToken[]): Notification {
  const summary = `verification failed: the stored value of ${plural(failed.length, 'token')} does not authenticate; older generations are kept`;
  return { ...base(context, 'verification-failed', summary), tokens: failed.slice(0, MAX_ITEMS), ...omitted(failed.length) };
}

/** What --apply would change, as a comparable list: the same drift twice in a row is notified once. */
export function driftItems(plan: Plan): NotificationDrift[] {
  return plan.clusters.flatMap((c) => [
    ...(c.accountActions ?? []).map((a) => ({ cluster: c.cluster, account: a.principal, token: '', kind: a.kind, reason: describeAccountAction(a) || a.reason,
      ...(a.kind === 'update-account' && a.changedBy ? { changedBy: a.changedBy } : {}) })),
    ...c.actions.map((a) => ({ cluster: c.cluster, account: a.principal, token: a.token, kind: a.kind, reason: a.reason })),
    ...c.fileTokenDrift.filter(isRealDrift).map((d) => ({ cluster: c.cluster, account: d.principal, token: d.token, kind: 'file-token' as const, reason: describeDrift(d) })),
  ]);
}

export function planErrors(plan: Plan): NotificationError[] {
  return plan.clusters.flatMap((c) => (c.error ? [{ cluster: c.cluster, code: c.error.code, message: c.error.message }] : []));
}

/**
 * Slack's incoming-webhook body (https://api.slack.com/messaging/webhooks: `{"text": ...}` in
 * mrkdwn), which Mattermost and Rocket.Chat accept too. Slack asks for &, < and > to be escaped
 * (https://api.slack.com/reference/surfaces/formatting#escaping).
 */
export function slackBody(notification: Notification): { text: string } {
  const icon = { applied: ':white_check_mark:', drift: ':mag:', failed: ':x:', recovered: ':large_green_circle:', 'lease-taken-over': ':arrows_counterclockwise:',
    'rotation-overdue': ':hourglass:', 'verification-failed': ':warning:' }[notification.event];
  const lines = [`${icon} *escred* on \`${slackEscape(notification.host)}\`: ${slackEscape(notification.summary)}`];
  const what = (account: string, token: string) => (token ? `${account} \`${token}\`` : `account ${account}`);
  for (const c of notification.changes ?? []) lines.push(`• ${c.cluster} ${what(c.account, c.token)}: ${c.action} ${c.outcome}${c.detail ? ` (${c.detail})` : ''}`);
  for (const d of notification.drift ?? []) lines.push(`• ${d.cluster} ${what(d.account, d.token)}: ${d.kind}: ${d.reason}`);
  for (const t of notification.tokens ?? []) lines.push(`• ${t.cluster} ${what(t.account, t.token)}: ${t.detail}`);
  for (const e of notification.errors ?? []) lines.push(`• ${e.cluster ?? 'pass'}: ${e.message}${e.code ? ` (${e.code})` : ''}`);
  if (notification.omitted) lines.push(`… and ${notification.omitted} more`);
  return { text: lines.map((line, i) => (i === 0 ? line : slackEscape(line))).join('\n') };
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function base(context: NotificationContext, event: NotificationEvent, summary: string): Notification {
  return { formatVersion: NOTIFICATION_FORMAT_VERSION, source: 'escred', event, ...context, summary };
}

function omitted(total: number): { omitted?: number } {
  return total > MAX_ITEMS ? { omitted: total - MAX_ITEMS } : {};
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
