import { ERROR_CODES } from '../error-codes.js';
import { isHttpStatus } from '../cluster/elasticsearch-error.js';
import { errorMessage, hasErrorCode } from '../errors.js';
import type { TokenKey } from '../plan/plan-types.js';
import type { WriteOptions } from './apply-ports.js';
import type { AuditLog } from './audit-log.js';
import { WriteRefusedError, type GatedClusterApi, type TokenDeletePurpose } from './write-gate.js';

/** Every mutating call goes to the audit log, with its outcome (a gate refusal too); never the value. */
export async function postAudited(key: TokenKey, api: GatedClusterApi, context: { audit: AuditLog }, options: WriteOptions = {}): Promise<{ name: string; value: string }> {
  const audit = { cluster: key.cluster, account: key.principal, token: key.token, action: 'create' as const };
  try {
    const created = await api.createToken(key.principal, key.token, options);
    await context.audit.record({ ...audit, outcome: 'ok' });
    return created;
  } catch (error) {
    const why = whyValueIsUnknown(error);
    await context.audit.record({ ...audit, outcome: why === 'conflict' ? 'conflict' : why === 'lost' ? 'unknown' : outcomeOfFailure(error),
      detail: errorMessage(error) });
    throw error;
  }
}

/** DELETE through the gate, saying why; 404 means done. Returns whether the token was there. */
export async function deleteAudited(
  key: TokenKey, api: GatedClusterApi, purpose: TokenDeletePurpose, context: { audit: AuditLog }, options: WriteOptions = {},
): Promise<boolean> {
  const audit = { cluster: key.cluster, account: key.principal, token: key.token, action: 'delete' as const, purpose };
  try {
    const { found } = await api.deleteToken(key.principal, key.token, purpose, options);
    await context.audit.record({ ...audit, outcome: found ? 'ok' : 'not-found' });
    return found;
  } catch (error) {
    await context.audit.record({ ...audit, outcome: outcomeOfFailure(error), detail: errorMessage(error) });
    throw error;
  }
}

function outcomeOfFailure(error: unknown): 'failed' | 'refused' {
  return error instanceof WriteRefusedError ? 'refused' : 'failed';
}

/** 409: the name exists with a value we never saw. Lost: the POST may or may not have been committed. */
export function whyValueIsUnknown(error: unknown): 'conflict' | 'lost' | null {
  if (isHttpStatus(error, 409)) return 'conflict';
  if (hasErrorCode(error, ERROR_CODES.createOutcomeUnknown)) return 'lost';
  return null;
}
