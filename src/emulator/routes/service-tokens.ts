/** Create (spec 1.3), delete (1.4) and clear-cache (1.5) of service-account tokens. */
import { invalidTokenNameMessage, isValidTokenName } from '../../es/token-name.js';
import { encodeBearer, newSecret } from '../../file-tokens/bearer.js';
import { hashPbkdf2StretchAsync } from '../../file-tokens/hasher.js';
import { EsHttpError, illegalArgument, simpleError } from '../es-errors.js';
import { timeBasedId } from '../ids.js';
import { ACTIONS } from '../privileges.js';
import { parseRefresh, type RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { fanOut } from './nodes-header.js';
import { isBuiltInNamespace, isValidPrincipal } from '../security/user-managed-accounts.js';

function validateName(name: string): void {
  if (!isValidTokenName(name)) {
    throw simpleError(400, 'action_request_validation_exception', `Validation Failed: 1: ${invalidTokenNameMessage(name)};`);
  }
}

async function createToken(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  ctx.checkParams();
  const name = ctx.params.name || `token_${timeBasedId()}`;
  validateName(name);
  const { namespace = '', service = '' } = ctx.params;
  const isUserManaged = isUserManagedPath(ctx, namespace);
  ctx.authorize(isUserManaged ? ACTIONS.createUserManagedToken : ACTIONS.createToken);
  ctx.checkTls('create service account token');
  const principal = `${namespace}/${service}`;
  const { state } = ctx;
  // A user-managed account must exist (realtime GET), enabled or not: a disabled account's tokens authenticate once re-enabled.
  const isKnown = isUserManaged ? state.userManagedAccounts.get(principal) !== undefined : state.profile.accounts.includes(principal);
  if (!isKnown) throw illegalArgument(`service account [${principal}] does not exist`);
  const secret = newSecret();
  const hash = await hashPbkdf2StretchAsync(secret);
  const isCreated = await state.indexStore.create({ principal, name, hash });
  if (!isCreated) {
    const reason = `[service_account_token-${principal}/${name}]: version conflict, document already exists (current version [1])`;
    throw simpleError(409, 'version_conflict_engine_exception', reason, { index_uuid: state.securityIndexUuid, shard: '0', index: '.security-7' });
  }
  // The index request carries the REST `refresh` (default wait_for): the answer waits as it says (refresh/).
  await state.securityRefresh.afterWrite(refresh);
  return { status: 200, body: { created: true, token: { name, value: encodeBearer({ namespace, service, tokenName: name }, secret) } } };
}

async function deleteToken(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  ctx.checkParams();
  const name = ctx.params.name ?? '';
  validateName(name);
  const isUserManaged = isUserManagedPath(ctx, ctx.params.namespace ?? '');
  ctx.authorize(isUserManaged ? ACTIONS.deleteUserManagedToken : ACTIONS.deleteToken);
  ctx.checkTls('delete service account token');
  const principal = `${ctx.params.namespace}/${ctx.params.service}`;
  const { state } = ctx;
  // deleteUserManagedToken [code]: an invalid principal is simply not found; the account itself is never needed (orphans removable).
  if (isUserManaged && !isValidPrincipal(principal)) return { status: 404, body: { found: false } };
  // IndexServiceAccountTokenStore.deleteToken [code]: no security index -> found:false at once; otherwise
  // delete the document, then clear the token's cache entry whether or not it was found; a failed clear -> 500.
  if (!state.hasSecurityIndex()) return { status: 404, body: { found: false } };
  const isFound = await state.indexStore.delete(principal, name);
  // The delete request carries `refresh` too; the cache is cleared once it answered (refresh/).
  await state.securityRefresh.afterWrite(refresh);
  invalidateCache(ctx, `${principal}/${name}`, false, 'index');
  if (state.faults.isCacheClearFailing) {
    const reason = `clearing the cache for service token [${principal}/${name}] failed. please clear the cache manually`;
    throw new EsHttpError(500, { type: 'exception', reason, causedBy: { type: 'exception', reason: 'emulated cache-clear failure' } });
  }
  return { status: isFound ? 200 : 404, body: { found: isFound } };
}

/** 9.6+: the REST layer picks the user-managed actions for any namespace but `elastic` (compared case-insensitively). */
function isUserManagedPath(ctx: RequestContext, namespace: string): boolean {
  return ctx.state.profile.hasUserManagedAccounts && !isBuiltInNamespace(namespace);
}

/** Drops verified-token cache entries (key `store|qualified|...`); `store` limits it to one store's cache. */
function invalidateCache(ctx: RequestContext, qualifiedNameOrPrefix: string, isPrefix = false, store?: 'index' | 'file'): void {
  for (const key of [...ctx.state.verifiedCache]) {
    const [keyStore, qualified = ''] = key.split('|');
    if (store !== undefined && keyStore !== store) continue;
    if (isPrefix ? qualified.startsWith(qualifiedNameOrPrefix) : qualified === qualifiedNameOrPrefix) ctx.state.verifiedCache.delete(key);
  }
}

async function clearCache(ctx: RequestContext): Promise<Reply> {
  const principal = `${ctx.params.namespace}/${ctx.params.service}`;
  // Strings.splitStringByCommaToArray: trimmed, empty elements dropped.
  const names = (ctx.params.name ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const isAll = names.length === 1 && (names[0] === '*' || names[0] === '_all');
  if (!isAll) {
    for (const name of names) if (!isValidTokenName(name)) throw illegalArgument(invalidTokenNameMessage(name));
  }
  ctx.checkParams();
  ctx.authorize(ACTIONS.clearCache);
  const { answered, header } = fanOut(ctx.state, `${ACTIONS.clearCache}[n]`);
  if (isAll) invalidateCache(ctx, `${principal}/`, true);
  else for (const name of names) invalidateCache(ctx, `${principal}/${name}`);
  const nodes = Object.fromEntries(answered.map((node) => [node.id, { name: node.name }]));
  return { status: 200, body: { _nodes: header, cluster_name: ctx.state.clusterName, nodes } };
}

const TOKEN = '/_security/service/{namespace}/{service}/credential/token';

export const SERVICE_TOKEN_ROUTES: Route[] = [
  { method: 'POST', template: `${TOKEN}/{name}`, handle: createToken, params: ['refresh'] },
  { method: 'PUT', template: `${TOKEN}/{name}`, handle: createToken, params: ['refresh'] },
  { method: 'POST', template: TOKEN, handle: createToken, params: ['refresh'] },
  { method: 'DELETE', template: `${TOKEN}/{name}`, handle: deleteToken, params: ['refresh'] },
  { method: 'POST', template: `${TOKEN}/{name}/_clear_cache`, handle: clearCache, params: [] },
];
