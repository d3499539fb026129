import { basename } from 'node:path';
import { EscredError } from '../errors.js';
import type { TokenKey } from '../plan/plan-types.js';
import {
  EXEC_SINK_PROTOCOL_VERSION, ExecSinkProtocolError, keyString, parseExecSinkResponse,
  type ExecSinkAction, type ExecSinkRequest, type ExecSinkResponse,
} from '../sinks/exec-sink-protocol.js';
import { runProcess } from '../sinks/run-process.js';
import { redactSecret } from '../sinks/redact-secret.js';
import type { SecretSink, SinkSecret } from '../sinks/secret-sink.js';

const PROTOCOL_DOC = 'docs/exec-sink-protocol.md';

/**
 * A secret sink that is a command speaking the exec-sink protocol (src/sinks/exec-sink-protocol.ts):
 * one process per request, the request as JSON on stdin, the answer as JSON on stdout. `escred sink
 * vault-kv2|kubernetes` are such commands. Neither the command's stdout nor its stderr is echoed as
 * is: stdout may hold a value and is never quoted; stderr is quoted with the value masked.
 */
export class ExecSecretSink implements SecretSink {
  constructor(private readonly command: string[], private readonly timeoutMs: number) {}

  /** `command vault kv put`, `command escred sink vault-kv2`: the name and its leading plain words (no flags, paths or values) */
  describe(): string {
    const [file = '', ...args] = this.command;
    const words = [];
    for (const arg of args.slice(0, 2)) {
      if (!/^[a-z][a-z0-9-]*$/.test(arg)) break;
      words.push(arg);
    }
    return `command ${[basename(file), ...words].join(' ')}`;
  }

  /** The `check` action: a sink that cannot take secrets (or does not speak the protocol) fails before any write. */
  async check(): Promise<void> {
    if (this.command.length === 0) throw new EscredError('ESCRED_SINK_UNAVAILABLE', 'secret sink command is empty');
    try {
      await this.request({ protocolVersion: 1, action: 'check' });
    } catch (error) {
      throw new EscredError('ESCRED_SINK_UNAVAILABLE', (error as Error).message, { cause: error });
    }
  }

  async store(secret: SinkSecret): Promise<void> {
    await this.request({ protocolVersion: 1, action: 'store', ...fieldsOf(secret.key), kind: secret.kind, value: secret.value }, secret.value);
  }

  async forget(key: TokenKey): Promise<void> {
    await this.request({ protocolVersion: 1, action: 'delete', ...fieldsOf(key) });
  }

  /** The `list` action; null when the sink answers `unsupported` (the planner then cannot tell, as before). */
  async listKeys(): Promise<Set<string> | null> {
    const response = await this.request({ protocolVersion: 1, action: 'list' });
    if (response.status === 'unsupported') return null;
    return new Set((response.keys ?? []).map(keyString));
  }

  /** The `read` action. A sink that does not implement it cannot serve file tokens that must match their value. */
  async read(key: TokenKey): Promise<string | null> {
    const response = await this.request({ protocolVersion: 1, action: 'read', ...fieldsOf(key) });
    if (response.status === 'unsupported') {
      throw new EscredError('ESCRED_SINK_NOT_READABLE',
        `secret sink ${this.describe()} does not implement the read action of the exec-sink protocol, so escred cannot ` +
        `read back the value of file token ${keyString(fieldsOf(key))} (every node must get the same secret); ` +
        `implement read (see ${PROTOCOL_DOC}) or answer list "unsupported" too`);
    }
    return response.value ?? null;
  }

  private async request(request: ExecSinkRequest, secret?: string): Promise<ExecSinkResponse> {
    const action: ExecSinkAction = request.action;
    const failed = (how: string) => new EscredError('ESCRED_SINK_FAILED', `secret sink ${this.describe()} ${how} (${action})`);
    let result;
    try {
      result = await runProcess(this.command, { stdin: `${JSON.stringify(request)}\n`, timeoutMs: this.timeoutMs });
    } catch (error) {
      throw new EscredError('ESCRED_SINK_FAILED', `secret sink ${this.describe()} could not start: ${(error as Error).message}`, { cause: error });
    }
    if (result.isTimedOut) throw failed(`was killed (SIGKILL, timed out after ${this.timeoutMs} ms)`);
    if (result.isStdoutTooLarge) throw failed('wrote more than 16 MiB on stdout');
    if (result.code !== 0) {
      const said = redactSecret(result.stderr.trim(), secret).slice(0, 500);
      const how = result.signal ? `was killed (${result.signal})` : `exited with ${result.code}`;
      throw new EscredError('ESCRED_SINK_FAILED', `secret sink ${this.describe()} ${how} (${action})${said ? `: ${said}` : ''}`);
    }
    try {
      return parseExecSinkResponse(action, result.stdout);
    } catch (error) {
      if (!(error instanceof ExecSinkProtocolError)) throw error;
      throw new EscredError('ESCRED_SINK_FAILED',
        `secret sink ${this.describe()} does not speak escred's exec-sink protocol ${EXEC_SINK_PROTOCOL_VERSION}: ${error.message} ` +
        `(see ${PROTOCOL_DOC}; for Vault or Kubernetes use exec: [escred, sink, vault-kv2, ...] or [escred, sink, kubernetes, ...])`);
    }
  }
}

function fieldsOf(key: TokenKey) {
  return { cluster: key.cluster, serviceAccount: key.principal, token: key.token };
}
