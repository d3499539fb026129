/** What applyPlan is given to carry a plan out: the gate, the sink, the journal, the audit log. */
import type { SecretSink } from '../sinks/secret-sink.js';
import type { IntentJournal } from './apply-ports.js';
import type { AuditLog } from './audit-log.js';
import type { ChangeEntry } from './change-set.js';
import type { WriteGate } from './write-gate.js';

export interface ApplyContext {
  /** the only road to the clusters: every create, delete and account write is judged there */
  gate: WriteGate;
  sink: SecretSink;
  /** the local journal, or a LeasedJournal keeping leased clusters' intents in their lease (issue 15) */
  journal: IntentJournal;
  audit: AuditLog;
  /** token calls in flight at once in the whole apply, across clusters (`--parallelism`) */
  concurrency: number;
  onChange?: (entry: ChangeEntry) => void;
  /**
   * Once aborted (a first Ctrl-C), no new action starts; the ones under way finish, values to the
   * sink included. What did not start is recorded as skipped with NOT_STARTED_DETAIL.
   */
  stopSignal?: AbortSignal;
}
