/**
 * POST|DELETE /_security/oauth2/token, the parts the 9.6 profile needs (PR #159157,
 * 22_user_managed_oauth2_token.yml@c0b6bd5f [test]; docs/user-managed-accounts-es-main.md): the grant
 * `_user_managed_service_account`, by which a broker holding manage_token exchanges a user-managed account's
 * service token for an access token that authenticates as the account until it expires; `client_credentials`
 * for a user; invalidation. Errors of the grant are RFC 6749 bodies `{error, error_description}`.
 */
import { authenticate, type Principal } from '../auth.js';
import { illegalArgument, simpleError } from '../es-errors.js';
import { decodeBearer } from '../../file-tokens/bearer.js';
import { authenticateBody } from '../principal-view.js';
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { readJsonObject } from '../security/json-body.js';

export const USER_MANAGED_GRANT = '_user_managed_service_account';
/** [inferred] the grant types the token API knows; only those below are modelled */
const GRANT_TYPES = ['password', 'kerberos', 'refresh_token', 'client_credentials', USER_MANAGED_GRANT];

class TokenRequestError extends Error {
  constructor(readonly error: string, readonly description?: string) {
    super(description ?? error);
  }
}

/**
 * CreateTokenRequest's validation for this grant (spec §1.6 [code]): the token is required, the fields of other
 * grants are refused. [inferred] Reported as RFC 6749 `invalid_request`, as the missing token is (22_…@c0b6bd5f).
 */
function checkGrantFields(body: Record<string, unknown>): void {
  if (typeof body.service_account_token !== 'string') throw new TokenRequestError('invalid_request', 'service_account_token is missing');
  const other = ['username', 'password', 'kerberos_ticket', 'refresh_token'].find((field) => body[field] !== undefined);
  if (other) throw new TokenRequestError('invalid_request', `${other} is not supported with the ${USER_MANAGED_GRANT} grant_type`);
}

function tokenError(error: TokenRequestError): Reply {
  return { status: 400, body: { error: error.error, ...(error.description ? { error_description: error.description } : {}) } };
}

/** The service token of the grant: a user-managed account's, authenticated afresh (a disabled account is a 401). */
async function grantedAccount(ctx: RequestContext, value: string): Promise<Principal> {
  const token = decodeBearer(value);
  if (!token) throw new TokenRequestError('invalid_grant', 'service_account_token is not a valid service account token');
  if (token.namespace === 'elastic') throw new TokenRequestError('invalid_grant', 'service_account_token must belong to a user-managed service account');
  return authenticate(`Bearer ${value}`, ctx.uri, ctx.state);
}

function issue(ctx: RequestContext, principal: Principal): Reply {
  const granted: Principal = principal.kind === 'service_account' ? { ...principal, isAccessToken: true } : principal;
  const { value, expiresInSeconds } = ctx.state.accessTokens.issue(granted);
  // no refresh_token for either grant (22_user_managed_oauth2_token.yml: is_false refresh_token)
  return { status: 200, body: { access_token: value, type: 'Bearer', expires_in: expiresInSeconds, authentication: authenticateBody(granted, ctx.state.profile) } };
}

async function createToken(ctx: RequestContext): Promise<Reply> {
  const body = readJsonObject(ctx);
  ctx.checkParams();
  try {
    const grantType = body.grant_type;
    if (typeof grantType !== 'string') throw new TokenRequestError('invalid_request', 'grant_type is missing');
    if (!GRANT_TYPES.includes(grantType)) throw new TokenRequestError('unsupported_grant_type', `grant_type [${grantType}] is not supported`);
    if (grantType === USER_MANAGED_GRANT) checkGrantFields(body);
    ctx.authorize(ACTIONS.createAccessToken);
    if (grantType === USER_MANAGED_GRANT) return issue(ctx, await grantedAccount(ctx, body.service_account_token as string));
    if (grantType !== 'client_credentials') throw new TokenRequestError('unsupported_grant_type', `grant_type [${grantType}] is not modelled by the emulator`);
    // the long-standing rule: a service account may not mint a token for itself, a generic 500 (c0b6bd5f)
    if (ctx.principal.kind === 'service_account') throw simpleError(500, 'exception', 'OAuth2 token creation is not supported for service accounts');
    return issue(ctx, ctx.principal);
  } catch (error) {
    if (error instanceof TokenRequestError) return tokenError(error);
    throw error;
  }
}

async function invalidateToken(ctx: RequestContext): Promise<Reply> {
  const body = readJsonObject(ctx);
  ctx.checkParams();
  if (typeof body.token !== 'string') throw illegalArgument('token must be provided'); // [inferred] only `token` is modelled
  ctx.authorize(ACTIONS.invalidateAccessToken);
  const { invalidated, previously } = ctx.state.accessTokens.invalidate(body.token);
  return { status: 200, body: { invalidated_tokens: invalidated, previously_invalidated_tokens: previously, error_count: 0 } };
}

export const OAUTH2_TOKEN_ROUTES: Route[] = [
  { method: 'POST', template: '/_security/oauth2/token', handle: createToken, params: [] },
  { method: 'DELETE', template: '/_security/oauth2/token', handle: invalidateToken, params: [] },
];
