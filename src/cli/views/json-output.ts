/**
 * The JSON documents escred prints with `--output json`: exactly one per command run, on stdout,
 * success or failure, each with `formatVersion` (raised only on a change that could break a script:
 * a field removed, renamed or changing meaning; new fields may appear in any version). Formats:
 * docs/json-output.md and the JSON Schemas schemas/*-output.schema.json, which the tests check real
 * output against.
 */
import { countOutcomes, type ChangeSet } from '../../apply/change-set.js';
import { ERROR_CODES } from '../../error-codes.js';
import { codeOf } from '../../errors.js';
import type { Diagnostic } from '../../manifest/diagnostic.js';
import type { Plan } from '../../plan/plan-types.js';
import type { ClusterDelivery } from '../../reconcile/deliver-pass.js';
import { isApplyComplete, type ApplyOutcome } from './render-change-set.js';

export const OUTPUT_FORMAT_VERSION = 1;

export interface ErrorDocument {
  formatVersion: typeof OUTPUT_FORMAT_VERSION;
  error: { code: string; message: string; diagnostics?: Diagnostic[] };
}

/** Any failure that ends a command before its own document: the code is an ESCRED_* code where there is one. */
export function errorDocument(error: unknown, diagnostics?: Diagnostic[]): ErrorDocument {
  return {
    formatVersion: OUTPUT_FORMAT_VERSION,
    error: {
      code: codeOf(error) ?? ERROR_CODES.unknown,
      message: error instanceof Error ? error.message : String(error),
      ...(diagnostics ? { diagnostics } : {}),
    },
  };
}

/** service_tokens files as plan shows them (would write) and apply reports them (wrote); hashes only, never a value */
export function serviceTokensFilesJson(deliveries: readonly ClusterDelivery[]): unknown[] {
  return deliveries.flatMap(({ cluster, delivery }) => [
    ...delivery.files.map((f) => ({ cluster, path: f.path, action: f.isChanged ? 'write' : 'unchanged', diff: f.diff, fixes: f.fixes })),
    ...delivery.removed.map((r) => ({ cluster, path: r.path, action: 'remove', diff: r.diff, fixes: [] })),
  ]);
}

export interface ApplyResultExtras {
  deliveries?: readonly ClusterDelivery[];
  wait?: { seconds: number; isSettled: boolean; unsettled: string };
}

/** `apply` and `rotate`: what was done (`changes`), whether it all went through, and what is still different. */
export function applyResultDocument(outcome: ApplyOutcome, extras: ApplyResultExtras = {}): Record<string, unknown> {
  const counts = countOutcomes(outcome.changeSet);
  return {
    formatVersion: OUTPUT_FORMAT_VERSION,
    isComplete: isApplyComplete(outcome),
    // a cluster that could not be observed is a failure too, though no change of it failed (issue 20)
    hasFailures: outcome.changeSet.hasFailures || outcome.remaining.summary.errors > 0,
    summary: { ...counts, clustersFailed: outcome.remaining.summary.errors },
    changes: outcome.changeSet.entries,
    remaining: outcome.remaining,
    ...(extras.deliveries ? { serviceTokensFiles: serviceTokensFilesJson(extras.deliveries) } : {}),
    ...(extras.wait ? { wait: extras.wait } : {}),
  };
}

export const NO_CHANGES: ChangeSet = { entries: [], hasFailures: false };

export function emptyApplyOutcome(remaining: Plan): ApplyOutcome {
  return { changeSet: NO_CHANGES, remaining };
}
