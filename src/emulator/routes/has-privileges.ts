/**
 * GET|POST /_security/user/_has_privileges (RestHasPrivilegesAction): may the caller do this?
 * Every authenticated principal may ask about itself. A named cluster privilege is held when a
 * held privilege covers it (ES compares action automata; modelled by a small table); an action
 * name is checked as authorization would. 20_user_managed.yml@03f56605 and
 * 21_user_managed_authorization.yml@b94f54cb read cluster.<name> and has_all_requested.
 */
import { simpleError } from '../es-errors.js';
import { principalRoles } from '../principal-view.js';
import { isGranted } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { readJsonObject, stringList, type JsonObject } from '../security/json-body.js';
import type { ApplicationGroup, IndexGroup } from '../security/native-roles.js';

/** Named privileges that include others [inferred from ClusterPrivilegeResolver's action patterns]. */
const COVERS: Readonly<Record<string, readonly string[]>> = {
  manage: ['monitor', 'monitor_ml', 'monitor_watcher', 'monitor_transform', 'monitor_rollup', 'monitor_snapshot', 'manage_ilm', 'manage_pipeline', 'manage_index_templates', 'manage_slm'],
  manage_security: ['manage_service_account', 'read_security', 'manage_api_key', 'manage_own_api_key', 'manage_token', 'manage_saml', 'manage_oidc', 'grant_api_key', 'manage_user_profile'],
  manage_api_key: ['manage_own_api_key'],
  manage_ml: ['monitor_ml'],
};

function holdsCluster(held: readonly string[], wanted: string, ctx: RequestContext): boolean {
  if (wanted.includes(':')) return isGranted(held, wanted, ctx.state.profile);
  return held.some((privilege) => privilege === 'all' || privilege === wanted || COVERS[privilege]?.includes(wanted) === true);
}

function globMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return regex.test(name);
}

function holdsIndex(groups: readonly IndexGroup[], index: string, privilege: string): boolean {
  // [inferred] restricted (dot-prefixed system) indices need allow_restricted_indices, as ES requires for .security*.
  const isRestricted = index.startsWith('.security');
  return groups.some(
    (group) =>
      (!isRestricted || group.allow_restricted_indices) &&
      group.names.some((pattern) => globMatches(pattern, index)) &&
      group.privileges.some((held) => held === 'all' || held === privilege),
  );
}

function holdsApplication(groups: readonly ApplicationGroup[], application: string, resource: string, privilege: string): boolean {
  return groups.some(
    (group) =>
      globMatches(group.application, application) &&
      group.resources.some((pattern) => globMatches(pattern, resource)) &&
      group.privileges.some((held) => held === '*' || held === privilege),
  );
}

function entries(body: JsonObject, field: string): JsonObject[] {
  const value = body[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw simpleError(400, 'parse_exception', `failed to parse privilege check. expected field [${field}] to be an array`);
  return value as JsonObject[];
}

async function hasPrivileges(ctx: RequestContext): Promise<Reply> {
  const body = readJsonObject(ctx);
  ctx.checkParams();
  const roles = principalRoles(ctx.principal, ctx.state);
  let isAll = true;
  const record = (isHeld: boolean): boolean => {
    isAll &&= isHeld;
    return isHeld;
  };
  const cluster = Object.fromEntries((stringList(body.cluster) ?? []).map((name) => [name, record(holdsCluster(roles.cluster, name, ctx))]));
  const index: Record<string, Record<string, boolean>> = {};
  for (const entry of entries(body, 'index')) {
    for (const name of stringList(entry.names) ?? []) {
      index[name] = { ...index[name], ...Object.fromEntries((stringList(entry.privileges) ?? []).map((p) => [p, record(holdsIndex(roles.indices, name, p))])) };
    }
  }
  const application: Record<string, Record<string, Record<string, boolean>>> = {};
  for (const entry of entries(body, 'application')) {
    const app = String(entry.application ?? '');
    for (const resource of stringList(entry.resources) ?? []) {
      const checks = Object.fromEntries((stringList(entry.privileges) ?? []).map((p) => [p, record(holdsApplication(roles.applications, app, resource, p))]));
      application[app] = { ...application[app], [resource]: checks };
    }
  }
  const username = ctx.principal.kind === 'service_account' ? ctx.principal.principal : ctx.principal.user.username;
  return { status: 200, body: { username, has_all_requested: isAll, cluster, index, application } };
}

const PATH = '/_security/user/_has_privileges';

export const HAS_PRIVILEGES_ROUTES: Route[] = [
  { method: 'GET', template: PATH, handle: hasPrivileges, params: [] },
  { method: 'POST', template: PATH, handle: hasPrivileges, params: [] },
];
