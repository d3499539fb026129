/**
 * GET /_cluster/health (RestClusterHealthAction / ClusterHealthResponse): a green cluster of the
 * emulated nodes. Facts from Elasticsearch's source [code] and its YAML tests' setups, which all
 * start with `cluster.health: {wait_for_status: yellow}` (service_accounts/10_basic.yml@6cbdfc64,
 * 20_user_managed.yml@03f56605).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorState } from '../emulator-state.js';
import { illegalArgument } from '../es-errors.js';
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { parseTimeValueMs } from '../time-value.js';

const STATUSES = ['green', 'yellow', 'red'];
const LEVELS = ['cluster', 'indices', 'shards'];

/** ClusterHealthRequest.waitForNodes: "N", ">=N", "<=N", ">N", "<N", "ge(N)", "le(N)", "gt(N)", "lt(N)". */
export function nodesCondition(spec: string): (count: number) => boolean {
  const match = /^(>=|<=|>|<|ge\(|le\(|gt\(|lt\()?\s*(\d+)\)?$/.exec(spec.trim());
  if (!match) throw illegalArgument(`cannot parse wait_for_nodes [${spec}]`); // [unsure] ES throws a NumberFormatException text here
  const wanted = Number(match[2]);
  switch (match[1]) {
    case '>=':
    case 'ge(':
      return (n) => n >= wanted;
    case '<=':
    case 'le(':
      return (n) => n <= wanted;
    case '>':
    case 'gt(':
      return (n) => n > wanted;
    case '<':
    case 'lt(':
      return (n) => n < wanted;
    default:
      return (n) => n === wanted;
  }
}

/** The security index is the only index; it exists once something was written to it. [inferred] 1 primary, auto_expand_replicas 0-1. */
function shardCounts(state: EmulatorState, nodeCount: number): { primaries: number; total: number } {
  if (!state.hasSecurityIndex()) return { primaries: 0, total: 0 };
  return { primaries: 1, total: nodeCount > 1 ? 2 : 1 };
}

interface HealthRequest {
  waitForStatus?: string;
  waitForNodes?: (count: number) => boolean;
  timeoutMs: number;
  level: string;
  isReturn200OnTimeout: boolean;
}

function parseRequest(ctx: RequestContext): HealthRequest {
  const waitForStatus = ctx.param('wait_for_status');
  if (waitForStatus !== undefined && !STATUSES.includes(waitForStatus.toLowerCase())) {
    throw illegalArgument(`unknown cluster health status [${waitForStatus}]`);
  }
  const level = ctx.param('level') ?? 'cluster';
  if (!LEVELS.includes(level)) throw illegalArgument(`level must be one of [cluster, indices, shards] but was [${level}]`); // [inferred] wording
  const nodes = ctx.param('wait_for_nodes');
  const timeoutMs = parseTimeValueMs(ctx.param('timeout'), 30_000, 'timeout');
  parseTimeValueMs(ctx.param('master_timeout'), 30_000, 'master_timeout');
  // Conditions a fixed, idle emulated cluster always meets: no relocations, no initializing shards, no pending events.
  ctx.consume('wait_for_active_shards', 'wait_for_events', 'wait_for_no_relocating_shards', 'wait_for_no_initializing_shards', 'local', 'expand_wildcards', 'allow_no_indices', 'ignore_unavailable');
  // 7.15-7.17 only (deprecated, removed in 8.0): answer 200 instead of 408 when timed out.
  const return200 = ctx.state.profile.major === 7 && ctx.state.profile.minor >= 15 ? ctx.param('return_200_for_cluster_health_timeout') : undefined;
  return {
    ...(waitForStatus ? { waitForStatus } : {}),
    ...(nodes !== undefined ? { waitForNodes: nodesCondition(nodes) } : {}),
    timeoutMs,
    level,
    isReturn200OnTimeout: return200 === '' || return200 === 'true',
  };
}

function healthBody(state: EmulatorState, isTimedOut: boolean, level: string): Record<string, unknown> {
  const nodeCount = state.nodes.filter((node) => !state.faults.isNodeFailing(node.name)).length;
  const shards = shardCounts(state, nodeCount);
  const body: Record<string, unknown> = {
    cluster_name: state.clusterName,
    status: 'green',
    timed_out: isTimedOut,
    number_of_nodes: nodeCount,
    number_of_data_nodes: nodeCount,
    active_primary_shards: shards.primaries,
    active_shards: shards.total,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
  };
  if (state.profile.hasUnassignedPrimaryShards) body.unassigned_primary_shards = 0;
  Object.assign(body, { delayed_unassigned_shards: 0, number_of_pending_tasks: 0, number_of_in_flight_fetch: 0, task_max_waiting_in_queue_millis: 0, active_shards_percent_as_number: 100.0 });
  // The security index is hidden: the health API's default expand_wildcards does not list it [inferred].
  if (level !== 'cluster') body.indices = {};
  return body;
}

async function clusterHealth(ctx: RequestContext): Promise<Reply> {
  const request = parseRequest(ctx);
  ctx.checkParams();
  ctx.authorize(ACTIONS.clusterHealth);
  const { state } = ctx;
  const countNodes = (): number => state.nodes.filter((node) => !state.faults.isNodeFailing(node.name)).length;
  // Status is always green, so wait_for_status never waits; a node condition the fixed cluster does not meet waits the whole
  // timeout. [emulator] timeout=-1 would wait forever in ES; here it answers timed out at once rather than hang the caller.
  const isTimedOut = request.waitForNodes !== undefined && !request.waitForNodes(countNodes());
  if (isTimedOut && request.timeoutMs > 0) await sleep(request.timeoutMs);
  const status = isTimedOut && !request.isReturn200OnTimeout ? 408 : 200;
  return { status, body: healthBody(state, isTimedOut, request.level) };
}

const HEALTH_PARAMS = [
  'level', 'local', 'master_timeout', 'timeout', 'wait_for_status', 'wait_for_nodes', 'wait_for_active_shards', 'wait_for_events',
  'wait_for_no_relocating_shards', 'wait_for_no_initializing_shards', 'expand_wildcards', 'allow_no_indices', 'ignore_unavailable',
];

export const CLUSTER_HEALTH_ROUTES: Route[] = [{ method: 'GET', template: '/_cluster/health', handle: clusterHealth, params: HEALTH_PARAMS }];
