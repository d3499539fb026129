/**
 * The options of the plan, apply (and rotate) and watch commands as commander hands them over: the
 * command files (commands/) declare them, the runners (run-*.ts) read them; here so that neither
 * imports the other back (a command file loads its runner lazily).
 */
import type { ForcedRotation } from '../plan/build-plan.js';
import type { Revocation } from '../plan/plan-revocations.js';
import type { NotifyFormat, NotifyTargetSpec } from '../watch/notify-targets.js';
import type { LeaseWaitCliOptions } from './commands/lease-wait-option.js';
import type { ScopeCliOptions } from './commands/scope-options.js';
import type { TimeoutCliOptions } from './commands/timeout-option.js';
import type { FileTokensCliOptions } from './file-tokens-options.js';

export interface PlanCommandOptions extends FileTokensCliOptions, TimeoutCliOptions, ScopeCliOptions {
  out?: string;
  output: 'human' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  maxDeletions?: number;
  stateDir?: string;
  color: boolean;
}

export interface ApplyCommandOptions extends FileTokensCliOptions, TimeoutCliOptions, ScopeCliOptions, LeaseWaitCliOptions {
  /** seconds to wait until every declared node reports its file tokens */
  wait?: number | true;
  autoApprove?: boolean;
  /** calls in flight at once, across clusters: `--parallelism` (or its old name `--concurrency`) */
  concurrency: number;
  parallelism?: number;
  maxDeletions?: number;
  auditLog?: string;
  stateDir?: string;
  output: 'human' | 'json';
  color: boolean;
  showSecrets?: boolean;
  /** set by `escred rotate` */
  forcedRotations?: ForcedRotation[];
  /** set by `escred revoke` */
  revocations?: Revocation[];
  /** `escred revoke --reason`: on every audit log line */
  auditReason?: string;
}

export interface WatchCommandOptions extends FileTokensCliOptions {
  apply?: boolean;
  once?: boolean;
  listen: string;
  resync: number;
  debounce: number;
  shutdownTimeout: number;
  concurrency: number;
  stateDir?: string;
  /** `--timeout`, in milliseconds */
  timeout?: number;
  /** `--notify`, repeatable; [] without it */
  notify: NotifyTargetSpec[];
  notifyFormat: NotifyFormat;
  /** `--fleet NAME` (issue 21) */
  fleet?: string;
}

/** `escred report` (issue 23) */
export interface ReportCommandOptions extends TimeoutCliOptions, ScopeCliOptions {
  output: 'human' | 'json' | 'csv' | 'markdown';
  failOn?: string;
  stateDir?: string;
}
