import type { ObservedAccount, ObservedNodesHeader } from '../model.js';
import { isRecord } from './elasticsearch-error.js';

/**
 * The credentials API answer (spec §4) as an ObservedAccount, for both formats:
 * 7.15+ `nodes_credentials` (file tokens of every answering node) and the 7.13-7.14 flat format
 * (`node_name` + top-level `file_tokens`: only the node that handled the request).
 * Returns a string saying what is wrong when the body has neither shape.
 */
export function parseCredentials(principal: string, body: unknown): ObservedAccount | string {
  if (!isRecord(body)) return 'the body is not a JSON object';
  if (!isRecord(body.tokens)) return 'no "tokens" object';
  const indexTokens = Object.keys(body.tokens).sort(compareJava);
  if (isRecord(body.nodes_credentials)) {
    const credentials = body.nodes_credentials;
    const nodes = parseNodesHeader(credentials._nodes);
    if (typeof nodes === 'string') return nodes;
    const fileTokens = parseNodesFileTokens(credentials.file_tokens);
    if (typeof fileTokens === 'string') return fileTokens;
    return { principal, indexTokens, fileTokens, nodes, format: 'nodes' };
  }
  if (typeof body.node_name === 'string') {
    const localNode = body.node_name;
    const names = isRecord(body.file_tokens) ? Object.keys(body.file_tokens).sort(compareJava) : [];
    const fileTokens = Object.fromEntries(names.map((name) => [name, [localNode]]));
    // Only the handling node answered; the planner treats every other node as unknown.
    const nodes: ObservedNodesHeader = { total: 1, successful: 1, failed: 0, failures: [] };
    return { principal, indexTokens, fileTokens, nodes, format: 'local', localNode };
  }
  return 'neither "nodes_credentials" (7.15+) nor "node_name" (7.13-7.14)';
}

function parseNodesHeader(value: unknown): ObservedNodesHeader | string {
  if (!isRecord(value)) return 'no "nodes_credentials._nodes" object';
  const { total, successful, failed } = value;
  if (typeof total !== 'number' || typeof successful !== 'number' || typeof failed !== 'number') {
    return '"_nodes" lacks total/successful/failed numbers';
  }
  const failures = Array.isArray(value.failures) ? value.failures.map(parseFailure) : [];
  return { total, successful, failed, failures };
}

/** A `failed_node_exception` (spec §4.1); the useful reason is usually in `caused_by`. */
function parseFailure(value: unknown): { nodeId: string; reason: string } {
  if (!isRecord(value)) return { nodeId: 'unknown', reason: String(value) };
  const nodeId = typeof value.node_id === 'string' ? value.node_id : 'unknown';
  const reasons = [value.reason, isRecord(value.caused_by) ? value.caused_by.reason : undefined]
    .filter((r): r is string => typeof r === 'string');
  return { nodeId, reason: reasons.join(': ') || 'unknown failure' };
}

function parseNodesFileTokens(value: unknown): Record<string, string[]> | string {
  if (value === undefined) return {};
  if (!isRecord(value)) return '"nodes_credentials.file_tokens" is not an object';
  const result: Record<string, string[]> = {};
  // The key order is a Java HashMap's (spec §4.1); sort so that equal states compare equal.
  for (const name of Object.keys(value).sort(compareJava)) {
    const entry = value[name];
    const nodes = isRecord(entry) && Array.isArray(entry.nodes) ? entry.nodes.filter((n): n is string => typeof n === 'string') : [];
    result[name] = [...new Set(nodes)].sort(compareJava);
  }
  return result;
}

/** Java String.compareTo order (UTF-16 code units), which ES uses for `tokens`. */
export function compareJava(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
