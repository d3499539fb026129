/**
 * PUT / DELETE /_security/service/{namespace}/{service}: user-managed service accounts, 9.6+
 * (user-managed-service-accounts.md sections 1.1, 1.2, 2, 3; checklist points 1-8).
 * Order: REST parsing -> validate -> authorize (manage_security) -> logic.
 * Lifecycle facts from 20_user_managed.yml@03f56605; privilege facts from 21_user_managed_authorization.yml@b94f54cb;
 * description and attribution from 23_user_managed_attribution.yml@31080cc5 (docs/user-managed-accounts-es-main.md).
 */
import { EsHttpError, illegalArgument, simpleError } from '../es-errors.js';
import { ACTIONS } from '../privileges.js';
import { parseRefresh, type RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { readJsonObject, validationFailed, type JsonObject } from '../security/json-body.js';
import { authorOf } from '../principal-view.js';
import { descriptionErrors, principalErrors, roleErrors, sortedDistinct, type StoredAccount } from '../security/user-managed-accounts.js';

export const USER_MANAGED_CAPABILITY = 'user_managed_service_accounts';

interface PutAccountRequest {
  roles: string[];
  enabled: boolean;
  description?: string;
}

const PUT_FIELDS = ['roles', 'enabled', 'description'];

/** XContentParser token names, as "doesn't support values of type" words them. */
function tokenName(value: unknown): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  return typeof value === 'number' ? 'VALUE_NUMBER' : 'VALUE_BOOLEAN';
}

/**
 * `description`: missing or null is none, "" is kept, anything but a string is refused
 * (PutUserManagedServiceAccountRequestTests@c2d47c6b [test]).
 */
function parseDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw simpleError(400, 'x_content_parse_exception', `[put_user_managed_service_account_request] description doesn't support values of type: ${tokenName(value)}`);
}

/** The strict parser `put_user_managed_service_account_request`: roles required, enabled default true, description optional. */
function parsePutBody(body: JsonObject): PutAccountRequest {
  for (const field of Object.keys(body)) {
    if (!PUT_FIELDS.includes(field)) {
      // [inferred] ES prefixes the parser's [line:col]; the spec pins "unknown field [x]".
      throw simpleError(400, 'x_content_parse_exception', `[put_user_managed_service_account_request] unknown field [${field}]`);
    }
  }
  if (body.roles === undefined) throw illegalArgument('Required [roles]');
  // [unsure] whether a scalar "roles":"a" is accepted as ["a"] (spec section 7, point 7); accepted here as ObjectParser usually does.
  const roles = typeof body.roles === 'string' ? [body.roles] : body.roles;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw simpleError(400, 'x_content_parse_exception', '[put_user_managed_service_account_request] failed to parse field [roles]');
  }
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
    throw simpleError(400, 'x_content_parse_exception', '[put_user_managed_service_account_request] failed to parse field [enabled]');
  }
  const description = parseDescription(body.description);
  return { roles, enabled: body.enabled ?? true, ...(description === undefined ? {} : { description }) };
}

function principalOf(ctx: RequestContext): { namespace: string; service: string; principal: string } {
  const { namespace = '', service = '' } = ctx.params;
  return { namespace, service, principal: `${namespace}/${service}` };
}

/** Every PUT/DELETE clears the account from every node's cache; a failed clear is a 500 after the write. */
function checkCacheClear(ctx: RequestContext, principal: string): void {
  if (!ctx.state.faults.isCacheClearFailing) return;
  const reason = `clearing the cache for service account [${principal}] failed. please clear the cache manually`;
  throw new EsHttpError(500, { type: 'exception', reason, causedBy: { type: 'exception', reason: 'emulated cache-clear failure' } });
}

async function putAccount(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  const request = parsePutBody(readJsonObject(ctx));
  ctx.checkParams();
  const { namespace, service, principal } = principalOf(ctx);
  const errors = [...principalErrors(namespace, service), ...roleErrors(request.roles), ...descriptionErrors(request.description)];
  if (errors.length > 0) throw validationFailed(errors);
  ctx.authorize(ACTIONS.putUserManagedAccount);
  const { state } = ctx;
  // The leftover-token check is a search: it sees refreshed token documents only [code].
  if (!state.userManagedAccounts.get(principal) && state.indexStore.list(principal).length > 0) {
    throw illegalArgument(`cannot create service account [${principal}] because it has leftover service tokens; delete the tokens first`);
  }
  const isCreated = await state.userManagedAccounts.put(principal, replacement(ctx, principal, request, state.userManagedAccounts.get(principal)));
  await state.securityRefresh.afterWrite(refresh);
  checkCacheClear(ctx, principal);
  return { status: 200, body: { created: isCreated } };
}

let lastStamp = 0;

/**
 * Epoch ms, strictly increasing across writes: two writes over HTTP to a real cluster are practically never in the
 * same millisecond, and 23_user_managed_attribution.yml sorts on created_at expecting the later write last.
 */
function nextStamp(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return lastStamp;
}

/**
 * A PUT replaces the account wholesale (description and enabled included): only the creator and created_at of
 * the account it replaces survive; the caller becomes the editor (23_user_managed_attribution.yml@31080cc5 [test]).
 */
function replacement(ctx: RequestContext, principal: string, request: PutAccountRequest, previous: StoredAccount | undefined): StoredAccount {
  const author = authorOf(ctx.principal, ctx.state.profile);
  const now = nextStamp();
  const written = {
    username: principal, roles: sortedDistinct(request.roles), enabled: request.enabled,
    ...(request.description === undefined ? {} : { description: request.description }),
  };
  if (!previous?.creator) return { ...written, creator: author, created_at: now };
  return { ...written, creator: previous.creator, created_at: previous.created_at ?? now, editor: author, edited_at: now };
}

/** Booleans.parseBoolean as the REST layer reads `force`. */
function parseForce(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === '' || value === 'true') return true;
  throw illegalArgument(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
}

async function deleteAccount(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  const isForced = parseForce(ctx.param('force'));
  ctx.checkParams();
  const { namespace, service, principal } = principalOf(ctx);
  const errors = principalErrors(namespace, service);
  if (errors.length > 0) throw validationFailed(errors);
  ctx.authorize(ACTIONS.deleteUserManagedAccount);
  const { state } = ctx;
  // The token check runs before the account lookup: orphan tokens make a missing account's delete a 400, not a 404 [code].
  if (!isForced && state.indexStore.list(principal).length > 0) {
    throw illegalArgument(
      `cannot delete service account [${principal}] because it has service tokens; delete the tokens first, or set force=true to delete the account and leave its tokens in place`,
    );
  }
  const isFound = await state.userManagedAccounts.delete(principal);
  await state.securityRefresh.afterWrite(refresh);
  if (isFound) checkCacheClear(ctx, principal);
  return { status: isFound ? 200 : 404, body: { found: isFound } };
}

const ACCOUNT = '/_security/service/{namespace}/{service}';

/** Only the 9.6+ route table has these; earlier versions answer 405 (the GET route exists). */
export const USER_MANAGED_ACCOUNT_ROUTES: Route[] = [
  { method: 'PUT', template: ACCOUNT, handle: putAccount, params: ['refresh'], capabilities: [USER_MANAGED_CAPABILITY] },
  { method: 'DELETE', template: ACCOUNT, handle: deleteAccount, params: ['refresh', 'force'], capabilities: [USER_MANAGED_CAPABILITY] },
];
