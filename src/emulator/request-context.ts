/**
 * Per-request helpers that keep ES's processing order explicit in every handler (spec section 1):
 * REST parsing (param) -> unrecognized-parameter check -> validate -> authorize -> TLS check -> logic.
 */
import type { Principal } from './auth.js';
import { illegalArgument, simpleError } from './es-errors.js';
import type { EmulatorState } from './emulator-state.js';
import { authorize } from './principal-view.js';

// Parameters every handler accepts (response formatting), as BaseRestHandler/RestController do.
const ALWAYS_SUPPORTED = new Set(['pretty', 'human', 'error_trace', 'filter_path', 'format']);

export interface RequestContextInit {
  method: string;
  path: string;
  uri: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: Buffer;
  principal: Principal;
  state: EmulatorState;
  /** the cluster_uuid GET / answers with: another one under a stand-in prefix (see stand-in.ts) */
  clusterUuid?: string;
}

export class RequestContext {
  readonly method: string;
  readonly path: string;
  readonly uri: string;
  readonly params: Record<string, string>;
  private readonly body: Buffer;
  readonly principal: Principal;
  readonly state: EmulatorState;
  readonly clusterUuid: string;
  private readonly query: URLSearchParams;
  private readonly consumed = new Set<string>();
  private isBodyConsumed = false;

  constructor(init: RequestContextInit) {
    this.method = init.method;
    this.path = init.path;
    this.uri = init.uri;
    this.query = init.query;
    this.params = init.params;
    this.body = init.body;
    this.principal = init.principal;
    this.state = init.state;
    this.clusterUuid = init.clusterUuid ?? init.state.clusterUuid;
  }

  /** Reads (and consumes) a query parameter. */
  param(name: string): string | undefined {
    this.consumed.add(name);
    return this.query.get(name) ?? undefined;
  }

  /** Marks parameters as consumed without reading them (e.g. the _cat family). */
  consume(...names: string[]): void {
    for (const name of names) this.consumed.add(name);
  }

  /** The handler reads the request body (otherwise a body is refused, see checkParams). */
  readBody(): Buffer {
    this.isBodyConsumed = true;
    return this.body;
  }

  /**
   * BaseRestHandler after prepareRequest: parameters nobody consumed -> 400, then a body the
   * handler does not read -> 400 "does not support having a body".
   */
  checkParams(): void {
    this.checkUnconsumedParams();
    if (this.body.length > 0 && !this.isBodyConsumed) {
      throw illegalArgument(`request [${this.method} ${this.path}] does not support having a body`);
    }
  }

  private checkUnconsumedParams(): void {
    const unknown = [...new Set(this.query.keys())].filter((key) => !this.consumed.has(key) && !ALWAYS_SUPPORTED.has(key));
    if (unknown.length === 0) return;
    // [inferred] ES may append "-> did you mean [x]?" suggestions; not emulated.
    const list = unknown.map((key) => `[${key}]`).join(', ');
    throw illegalArgument(`request [${this.path}] contains unrecognized parameter${unknown.length > 1 ? 's' : ''}: ${list}`);
  }

  authorize(action: string): void {
    authorize(this.principal, action, this.state);
  }

  /** Spec section 9: 7.13-7.15 multi-node on plain HTTP rejects the service-account APIs. */
  checkTls(feature: string): void {
    if (this.state.isTlsCheckFailing) throw simpleError(500, 'exception', `[${feature}] requires TLS for the HTTP interface`);
  }
}

/** `refresh` as WriteRequest.RefreshPolicy.parse reads it; default wait_for. */
export function parseRefresh(value: string | undefined): 'true' | 'false' | 'wait_for' {
  if (value === undefined) return 'wait_for';
  if (value === '' || value === 'true') return 'true';
  if (value === 'false' || value === 'wait_for') return value;
  throw illegalArgument(`Unknown value for refresh: [${value}].`);
}
