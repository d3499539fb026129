import { EscredError, errorMessage } from '../errors.js';
import type { WriteVerdict } from '../ownership/write-rules.js';
import type { TokenKey } from '../plan/plan-types.js';
import { securedKey } from '../plan/secured-tokens.js';
import type { ApplyContext } from './apply-context.js';
import type { WriteOptions } from './apply-ports.js';
import { deleteAudited, postAudited, whyValueIsUnknown } from './audited-calls.js';
import { verifyStoredToken, VERIFY_FAILED_CODE } from './verify-stored-token.js';
import { WriteRefusedError, type GatedClusterApi } from './write-gate.js';

type CreateContext = Pick<ApplyContext, 'sink' | 'journal' | 'audit'>;

export interface CreateResult {
  /** the name already existed with a value we never saw, so it was deleted and made again */
  wasReplaced: boolean;
  /** the name already existed and the sink holds its value: nothing was written */
  isAdopted?: boolean;
  detail?: string;
}

/**
 * Creates one token so that its value is never lost:
 * journal intent -> POST -> value durable in the sink -> journal done.
 * A 429 or 503 was already sent again by the transport (bounded, honouring Retry-After: Elasticsearch
 * answers those before it writes, see CREATE_RETRYABLE_STATUSES); one that persists fails this token.
 * A 409, or a lost response after which the token exists, means a token whose value we never saw:
 * it is replaced only where the write gate lets escred delete it (see onExisting). If the sink
 * fails, the token just made is deleted again (a rollback, which the gate allows only for a token
 * this run made). Then the stored value must authenticate as the token (verify-stored-token.ts). `options.refresh` goes on the call that ends the chain (see refresh-fence.ts);
 * the calls before it use refresh=false, since they complete before it.
 */
export async function createToken(key: TokenKey, api: GatedClusterApi, context: CreateContext, options: WriteOptions = {}): Promise<CreateResult> {
  const early: WriteOptions = { refresh: 'false' };
  await context.journal.begin(key);
  let created: { value: string };
  let result: CreateResult = { wasReplaced: false };
  try {
    created = await postAudited(key, api, context, options);
  } catch (error) {
    const reason = whyValueIsUnknown(error);
    if (!reason) {
      if (error instanceof WriteRefusedError) await context.journal.finish(key); // nothing was sent: the intent is void
      throw error;
    }
    if (reason === 'lost') {
      const again = await postAgainAfterLoss(key, api, context, options);
      if (again) return finish(key, again.value, api, context, options, { wasReplaced: false, detail: 'the first response was lost before anything was created; created again' });
    }
    const purpose = reason === 'conflict' ? 'conflict' : 'lost-answer';
    const verdict = api.judgeDelete(key.principal, key.token, purpose);
    if (!verdict.isAllowed) return onExisting(key, verdict, reason, context);
    await deleteAudited(key, api, purpose, context, early);
    created = await postAudited(key, api, context, options);
    result = { wasReplaced: true, detail: reason === 'conflict'
      ? 'it already existed (made by an earlier, interrupted run?) with a value escred never saw: replaced'
      : 'the create response was lost after Elasticsearch made the token: replaced, so its value is known' };
  }
  return finish(key, created.value, api, context, options, result);
}

/**
 * The token exists and the gate does not let escred replace it (protected, unowned, not pruned):
 * it is adopted when the sink already holds its value, else left alone, and the apply says what to do.
 */
async function onExisting(key: TokenKey, verdict: Extract<WriteVerdict, { isAllowed: false }>, reason: 'conflict' | 'lost', context: CreateContext): Promise<CreateResult> {
  const held = await context.sink.listKeys().catch(() => null);
  if (reason === 'conflict') await context.journal.finish(key); // escred made nothing: the intent is void
  if (held?.has(securedKey(key.cluster, key.principal, key.token))) {
    return { wasReplaced: false, isAdopted: true,
      detail: `it already existed (not listed by the cluster yet) and the secret sink holds its value: adopted, nothing written (${verdict.reason})` };
  }
  const how = reason === 'conflict' ? 'already exists (made outside escred?)' : 'exists, but the answer to escred\'s create was lost,';
  throw new EscredError('ESCRED_CREATE_CONFLICT_KEPT',
    `${key.token} ${how} on cluster ${key.cluster} and the secret sink has no value for it; escred does not replace it ` +
      `because ${verdict.reason}. Store its value in the sink, or delete it by hand so that escred makes it again, or take it out of the manifest`);
}

/** Value to the sink, intent closed, then the stored value checked against the cluster (verified rotation). */
async function finish(key: TokenKey, value: string, api: GatedClusterApi, context: CreateContext, options: WriteOptions, result: CreateResult): Promise<CreateResult> {
  await storeOrRollBack(key, value, api, context, options);
  await context.journal.finish(key);
  const verification = await verifyStoredToken(key, api, context.sink, value);
  if (verification.kind === 'failed') {
    // the token and its stored value stay (rolling back would lose nothing less); the failed entry holds this cluster's deletes back
    throw new EscredError(VERIFY_FAILED_CODE, `${key.token} was created and its value handed to the secret sink ` +
      `${context.sink.describe()}, but ${verification.reason}; nothing older is deleted`);
  }
  const note = verification.note;
  return note ? { ...result, detail: result.detail ? `${result.detail}; ${note}` : note } : result;
}

/**
 * After a lost answer, the POST is sent again instead of asking the credentials listing whether the
 * token exists: the listing is a search and misses a refresh=false write for up to a second, while
 * a create is decided on the document itself (409 when it exists). undefined: it exists (409).
 */
async function postAgainAfterLoss(key: TokenKey, api: GatedClusterApi, context: CreateContext, options: WriteOptions): Promise<{ value: string } | undefined> {
  try {
    return await postAudited(key, api, context, options);
  } catch (error) {
    if (whyValueIsUnknown(error) === 'conflict') return undefined;
    throw error;
  }
}

async function storeOrRollBack(key: TokenKey, value: string, api: GatedClusterApi, context: CreateContext, options: WriteOptions): Promise<void> {
  try {
    await context.sink.store({ key, kind: 'index', value });
  } catch (sinkError) {
    try {
      await deleteAudited(key, api, 'rollback', context, options);
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
