/**
 * Native roles: PUT|POST|GET|DELETE /_security/role[/{name}] (RestPutRoleAction, RestGetRolesAction,
 * RestDeleteRoleAction). PUT answers {"role":{"created":bool}}; GET lists reserved roles too.
 * 20_user_managed.yml@03f56605 and 21_user_managed_authorization.yml@b94f54cb create and edit
 * roles in their setups and steps; an edit takes effect on the holder's next request.
 */
import { illegalArgument } from '../es-errors.js';
import { ACTIONS } from '../privileges.js';
import { parseRefresh, type RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { namesParam, readJsonObject } from '../security/json-body.js';
import { RESERVED_ROLES, isReservedRole, roleJson } from '../security/native-roles.js';
import { parseRole } from '../security/role-parser.js';
import { staleFor } from '../security/record-store.js';

/** [inferred] `description` on roles came with 8.15. */
function hasDescription(ctx: RequestContext): boolean {
  const { major, minor } = ctx.state.profile;
  return major > 8 || (major === 8 && minor >= 15);
}

async function putRole(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  const body = readJsonObject(ctx);
  ctx.checkParams();
  const name = ctx.params.name ?? '';
  const role = parseRole(name, body, ctx.state.profile);
  ctx.authorize(ACTIONS.putRole);
  const isCreated = await ctx.state.roles.put(name, role, staleFor(refresh));
  return { status: 200, body: { role: { created: isCreated } } };
}

async function getRoles(ctx: RequestContext): Promise<Reply> {
  ctx.checkParams();
  ctx.authorize(ACTIONS.getRoles);
  const wanted = namesParam(ctx.params.name);
  const withDescription = hasDescription(ctx);
  const body: Record<string, unknown> = {};
  for (const [name, role] of Object.entries(RESERVED_ROLES)) {
    if (wanted.length === 0 || wanted.includes(name)) body[name] = roleJson(role, withDescription);
  }
  const natives = wanted.length > 0 ? wanted.flatMap((name) => (isReservedRole(name) ? [] : [[name, ctx.state.roles.get(name)] as const])) : ctx.state.roles.search();
  for (const [name, role] of natives) if (role) body[name] = roleJson(role, withDescription);
  return { status: wanted.length > 0 && Object.keys(body).length === 0 ? 404 : 200, body };
}

async function deleteRole(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  ctx.checkParams();
  ctx.authorize(ACTIONS.deleteRole);
  const name = ctx.params.name ?? '';
  if (isReservedRole(name)) throw illegalArgument(`role [${name}] is reserved and cannot be deleted`);
  const isFound = await ctx.state.roles.delete(name, staleFor(refresh));
  return { status: isFound ? 200 : 404, body: { found: isFound } };
}

const ROLE = '/_security/role/{name}';

export const ROLE_ROUTES: Route[] = [
  { method: 'PUT', template: ROLE, handle: putRole, params: ['refresh'] },
  { method: 'POST', template: ROLE, handle: putRole, params: ['refresh'] },
  { method: 'GET', template: ROLE, handle: getRoles, params: [] },
  { method: 'GET', template: '/_security/role', handle: getRoles, params: [] },
  { method: 'DELETE', template: ROLE, handle: deleteRole, params: ['refresh'] },
];
