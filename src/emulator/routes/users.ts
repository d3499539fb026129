/**
 * Native realm users: PUT|POST|GET|DELETE /_security/user[/{username}] (RestPutUserAction,
 * RestGetUsersAction, RestDeleteUserAction). Order: parse -> validate -> authorize -> logic.
 * The 403 a service-account token gets on DELETE is pinned by 10_basic.yml@6cbdfc64 (7.x wording;
 * 8.0+ says `service account [..]`, elasticsearch-service-accounts.md section 6).
 */
import { illegalArgument, simpleError } from '../es-errors.js';
import { ACTIONS } from '../privileges.js';
import { parseRefresh, type RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { namesParam, readJsonObject, stringList, validationFailed, type JsonObject } from '../security/json-body.js';
import { RESERVED_USERS, hashPassword, userJson, usernameError, type StoredUser } from '../security/native-users.js';
import { staleFor } from '../security/record-store.js';

const USER_FIELDS = ['password', 'password_hash', 'roles', 'full_name', 'email', 'metadata', 'enabled'];

function nullableString(body: JsonObject, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw simpleError(400, 'parse_exception', `expected field [${field}] to be of type string, but found [${typeof value}] instead`);
  return value;
}

interface PutUserRequest {
  password?: string;
  roles?: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
}

function parsePutUser(body: JsonObject): PutUserRequest {
  for (const field of Object.keys(body)) {
    if (!USER_FIELDS.includes(field)) throw simpleError(400, 'parse_exception', `failed to parse add user request. unexpected field [${field}]`);
  }
  if (body.password_hash !== undefined) throw illegalArgument('the emulator does not accept password_hash; send password');
  const roles = body.roles === undefined ? undefined : stringList(body.roles);
  if (body.roles !== undefined && !roles) throw simpleError(400, 'parse_exception', 'expected field [roles] to be an array of strings');
  const request: PutUserRequest = {
    full_name: nullableString(body, 'full_name'),
    email: nullableString(body, 'email'),
    metadata: (body.metadata ?? {}) as Record<string, unknown>,
    enabled: body.enabled !== false,
  };
  if (roles) request.roles = roles;
  if (typeof body.password === 'string') request.password = body.password;
  return request;
}

/** PutUserRequest.validate: all problems at once. */
function validatePutUser(username: string, request: PutUserRequest): void {
  const errors: string[] = [];
  const nameError = usernameError(username, false);
  if (nameError) errors.push(nameError);
  if (!request.roles) errors.push('roles are missing');
  if (Object.keys(request.metadata).some((key) => key.startsWith('_'))) errors.push('metadata keys may not start with [_]');
  if (request.password !== undefined && request.password.length < 6) errors.push('passwords must be at least [6] characters long');
  if (errors.length > 0) throw validationFailed(errors);
}

async function putUser(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  const request = parsePutUser(readJsonObject(ctx));
  ctx.checkParams();
  const username = ctx.params.username ?? '';
  validatePutUser(username, request);
  ctx.authorize(ACTIONS.putUser);
  const store = ctx.state.users.store;
  const existing = store.get(username);
  // [inferred] NativeUsersStore: a new user needs a password; an update without one keeps the old hash.
  if (!existing && request.password === undefined) throw illegalArgument('password must be specified unless you are updating an existing user');
  const user: StoredUser = {
    username,
    passwordHash: request.password !== undefined ? hashPassword(request.password) : (existing?.passwordHash ?? ''),
    roles: request.roles ?? [],
    full_name: request.full_name,
    email: request.email,
    metadata: request.metadata,
    enabled: request.enabled,
  };
  const isCreated = await store.put(username, user, staleFor(refresh));
  return { status: 200, body: { created: isCreated } };
}

async function getUsers(ctx: RequestContext): Promise<Reply> {
  if (ctx.state.profile.hasReadSecurity) ctx.param('with_profile_uid');
  ctx.checkParams();
  ctx.authorize(ACTIONS.getUsers);
  const wanted = namesParam(ctx.params.username);
  const reserved = RESERVED_USERS.map((username) => ({ username, reserved: true as const }));
  // A by-name GET is realtime; the whole listing is a search of the security index.
  const natives = wanted.length > 0 ? wanted.flatMap((name) => ctx.state.users.store.get(name) ?? []) : ctx.state.users.store.search().map(([, user]) => user);
  const all = [...reserved.filter((user) => wanted.length === 0 || wanted.includes(user.username)), ...natives];
  const body = Object.fromEntries(all.map((user) => [user.username, userJson(user)]));
  return { status: wanted.length > 0 && all.length === 0 ? 404 : 200, body };
}

async function deleteUser(ctx: RequestContext): Promise<Reply> {
  const refresh = parseRefresh(ctx.param('refresh'));
  ctx.checkParams();
  ctx.authorize(ACTIONS.deleteUser);
  const username = ctx.params.username ?? '';
  if (RESERVED_USERS.includes(username)) throw illegalArgument(`user [${username}] is reserved and cannot be deleted`);
  const isFound = await ctx.state.users.store.delete(username, staleFor(refresh));
  return { status: isFound ? 200 : 404, body: { found: isFound } };
}

/** PUT|POST /_security/user/{username}/_enable|_disable (RestSetEnabledAction): answers {}. */
function setEnabled(isEnabled: boolean): (ctx: RequestContext) => Promise<Reply> {
  return async (ctx) => {
    const refresh = parseRefresh(ctx.param('refresh'));
    ctx.checkParams();
    ctx.authorize(ACTIONS.setUserEnabled);
    const username = ctx.params.username ?? '';
    if (RESERVED_USERS.includes(username)) throw illegalArgument(`the emulator cannot ${isEnabled ? 'enable' : 'disable'} the reserved user [${username}]`);
    const user = ctx.state.users.store.get(username);
    // [unsure] ES's exact error for a user that does not exist.
    if (!user) throw simpleError(404, 'resource_not_found_exception', `user [${username}] does not exist`);
    await ctx.state.users.store.put(username, { ...user, enabled: isEnabled }, staleFor(refresh));
    return { status: 200, body: {} };
  };
}

const USER = '/_security/user/{username}';

export const USER_ROUTES: Route[] = [
  { method: 'PUT', template: USER, handle: putUser, params: ['refresh'] },
  { method: 'POST', template: USER, handle: putUser, params: ['refresh'] },
  { method: 'GET', template: USER, handle: getUsers, params: ['with_profile_uid'] },
  { method: 'GET', template: '/_security/user', handle: getUsers, params: ['with_profile_uid'] },
  { method: 'DELETE', template: USER, handle: deleteUser, params: ['refresh'] },
  ...(['PUT', 'POST'] as const).flatMap((method) => [
    { method, template: `${USER}/_enable`, handle: setEnabled(true), params: ['refresh'] },
    { method, template: `${USER}/_disable`, handle: setEnabled(false), params: ['refresh'] },
  ]),
];
