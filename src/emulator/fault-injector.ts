/**
 * Faults the emulator can inject (brief: latency, failing nodes, status answers, connection reset,
 * response lost after the request was handled). Rules fire in order; the first match wins.
 */
export interface FaultRule {
  method?: string;
  path?: string;
  /** misname-token: the create is committed, but the answer names another token (a proxy that mixed up answers) */
  action: 'status' | 'reset' | 'lose-response' | 'misname-token';
  status?: number;
  retryAfterSeconds?: number;
  /** misname-token: the name the answer gives; default `<requested>-other` */
  tokenName?: string;
  times?: number;
}

export interface FaultSpec {
  latencyMs?: number;
  failingNodes?: string[];
  rules?: FaultRule[];
  /**
   * Extension beyond the brief's contract: the cache clear that follows a successful index-token
   * delete fails as a whole, so ES answers 500 although the token IS deleted (spec 1.4).
   */
  isCacheClearFailing?: boolean;
}

const ACTIONS = new Set(['status', 'reset', 'lose-response', 'misname-token']);

/** Validates a FaultSpec coming from JSON (control endpoint, CLI); throws Error with a readable message. */
export function parseFaultSpec(value: unknown): FaultSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('faults must be a JSON object');
  const spec = value as Record<string, unknown>;
  const unknown = Object.keys(spec).filter((key) => !['latencyMs', 'failingNodes', 'rules', 'isCacheClearFailing'].includes(key));
  if (unknown.length > 0) throw new Error(`unknown fault fields: ${unknown.join(', ')}`);
  if (spec.latencyMs !== undefined && !(typeof spec.latencyMs === 'number' && spec.latencyMs >= 0)) throw new Error('latencyMs must be a number >= 0');
  if (spec.failingNodes !== undefined && !(Array.isArray(spec.failingNodes) && spec.failingNodes.every((n) => typeof n === 'string'))) {
    throw new Error('failingNodes must be an array of node names');
  }
  if (spec.isCacheClearFailing !== undefined && typeof spec.isCacheClearFailing !== 'boolean') throw new Error('isCacheClearFailing must be a boolean');
  const rules = spec.rules ?? [];
  if (!Array.isArray(rules)) throw new Error('rules must be an array');
  for (const [i, rule] of rules.entries()) {
    const r = rule as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || !ACTIONS.has(r.action as string)) throw new Error(`rules[${i}].action must be status, reset, lose-response or misname-token`);
    if (r.tokenName !== undefined && typeof r.tokenName !== 'string') throw new Error(`rules[${i}].tokenName must be a string`);
    if (r.action === 'status' && !(Number.isInteger(r.status) && (r.status as number) >= 400 && (r.status as number) <= 599)) {
      throw new Error(`rules[${i}].status must be an HTTP error status (400-599)`);
    }
    if (r.times !== undefined && !(Number.isInteger(r.times) && (r.times as number) >= 0)) throw new Error(`rules[${i}].times must be an integer >= 0`);
  }
  return spec as FaultSpec;
}

export class FaultInjector {
  private spec: FaultSpec = {};
  /** remaining firings per rule index; undefined = unlimited */
  private remaining: Array<number | undefined> = [];

  /** nodeNames: failingNodes must name existing nodes, so a typo does not silently test nothing */
  constructor(private readonly nodeNames: readonly string[] = []) {}

  set(spec: FaultSpec): void {
    const unknown = (spec.failingNodes ?? []).filter((name) => !this.nodeNames.includes(name));
    if (unknown.length > 0) throw new Error(`failingNodes: unknown node(s) ${unknown.join(', ')}; nodes are ${this.nodeNames.join(', ')}`);
    this.spec = { ...spec, rules: (spec.rules ?? []).map((rule) => ({ ...rule })) };
    this.remaining = (this.spec.rules ?? []).map((rule) => rule.times);
  }

  clear(): void {
    this.set({});
  }

  get latencyMs(): number {
    return this.spec.latencyMs ?? 0;
  }

  get isCacheClearFailing(): boolean {
    return this.spec.isCacheClearFailing === true;
  }

  isNodeFailing(nodeName: string): boolean {
    return (this.spec.failingNodes ?? []).includes(nodeName);
  }

  /** The rule to apply to this request, consuming one of its `times`; never for /_emulator/. */
  take(method: string, path: string): FaultRule | undefined {
    if (path.startsWith('/_emulator/') || path === '/_emulator') return undefined;
    const rules = this.spec.rules ?? [];
    for (const [i, rule] of rules.entries()) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path && !path.includes(rule.path)) continue;
      const left = this.remaining[i];
      if (left !== undefined) {
        if (left <= 0) continue;
        this.remaining[i] = left - 1;
      }
      return rule;
    }
    return undefined;
  }
}
