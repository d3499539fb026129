import { EscredError, errorMessage } from '../errors.js';
import type { TokenKey } from '../plan/plan-types.js';
import type { ApplyContext, TokenApi } from './apply-plan.js';
import { deleteAudited, postAudited, whyValueIsUnknown } from './audited-calls.js';

type CreateContext = Pick<ApplyContext, 'sink' | 'journal' | 'audit'>;

export interface CreateResult {
  /** the name already existed with a value we never saw, so it was deleted and made again */
  wasReplaced: boolean;
  detail?: string;
}

/**
 * Creates one token so that its value is never lost:
 * journal intent -> POST -> value durable in the sink -> journal done.
 * A 429 or 503 was already sent again by the transport (bounded, honouring Retry-After: Elasticsearch
 * answers those before it writes, see CREATE_RETRYABLE_STATUSES); one that persists fails this token.
 * A 409, or a lost response after which the token exists, means a token whose value we never saw:
 * delete it and create it again. If the sink fails, the token just made is deleted again.
 */
export async function createToken(key: TokenKey, api: TokenApi, context: CreateContext): Promise<CreateResult> {
  await context.journal.begin(key);
  let created: { value: string };
  let result: CreateResult = { wasReplaced: false };
  try {
    created = await postAudited(key, api, context);
  } catch (error) {
    const reason = whyValueIsUnknown(error);
    if (!reason) throw error;
    if (reason === 'lost' && !(await exists(key, api))) {
      created = await postAudited(key, api, context);
      result = { wasReplaced: false, detail: 'the first response was lost before anything was created; created again' };
    } else {
      await deleteAudited(key, api, context);
      created = await postAudited(key, api, context);
      result = { wasReplaced: true, detail: reason === 'conflict'
        ? 'it already existed (made by an earlier, interrupted run?) with a value escred never saw: replaced'
        : 'the create response was lost after Elasticsearch made the token: replaced, so its value is known' };
    }
  }
  await storeOrRollBack(key, created.value, api, context);
  await context.journal.finish(key);
  return result;
}

async function storeOrRollBack(key: TokenKey, value: string, api: TokenApi, context: CreateContext): Promise<void> {
  try {
    await context.sink.store({ key, kind: 'index', value });
  } catch (sinkError) {
    try {
      await deleteAudited(key, api, context);
      await context.journal.finish(key);
    } catch (deleteError) {
      throw new EscredError('ESCRED_SINK_FAILED',
        `secret sink ${context.sink.describe()} failed (${errorMessage(sinkError)}) and deleting the new token failed too ` +
          `(${errorMessage(deleteError)}); the next apply replaces it`, { cause: sinkError });
    }
    throw new EscredError('ESCRED_SINK_FAILED',
      `secret sink ${context.sink.describe()} failed: ${errorMessage(sinkError)}; the new token was deleted again`, { cause: sinkError });
  }
}

async function exists(key: TokenKey, api: TokenApi): Promise<boolean> {
  const account = await api.getCredentials(key.principal);
  return account.indexTokens.includes(key.token);
}
