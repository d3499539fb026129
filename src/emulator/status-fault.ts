/** The ES-style answer of a `status` fault rule; 429 and 503 carry Retry-After. */
import { errorEnvelope } from './es-errors.js';
import type { FaultRule } from './fault-injector.js';

const CAUSES: Record<number, { type: string; reason: string }> = {
  429: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation (emulated fault)' },
  503: { type: 'cluster_block_exception', reason: 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized]; (emulated fault)' },
};

export function statusFault(rule: FaultRule): { status: number; body: unknown; headers: Record<string, string> } {
  const status = rule.status ?? 503;
  const cause = CAUSES[status] ?? { type: 'exception', reason: `emulated fault (HTTP ${status})` };
  const headers: Record<string, string> = {};
  if (status === 429 || status === 503) headers['Retry-After'] = String(rule.retryAfterSeconds ?? 1);
  return { status, body: errorEnvelope(status, cause), headers };
}
