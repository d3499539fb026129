import { spawn } from 'node:child_process';
import { EscredError } from '../errors.js';
import type { TokenKey } from '../plan/plan-types.js';
import type { SecretSink, SinkSecret } from './secret-sink.js';

const MAX_CAPTURE = 4096;

/**
 * Runs a command per secret and writes one JSON object to its stdin:
 * {"action":"store","cluster":..,"serviceAccount":..,"token":..,"kind":..,"value":..} or
 * {"action":"delete",...} without value. Exit 0 means durable. The command's output is never
 * echoed as is: the value is masked in anything we report.
 */
export class ExecSecretSink implements SecretSink {
  constructor(private readonly command: string[], private readonly timeoutMs: number) {}

  describe(): string {
    return `command ${this.command[0] ?? ''}`;
  }

  async check(): Promise<void> {
    if (this.command.length === 0) throw new EscredError('ESCRED_SINK_UNAVAILABLE', 'secret sink command is empty');
  }

  async store(secret: SinkSecret): Promise<void> {
    await this.run({ action: 'store', ...describeKey(secret.key), kind: secret.kind, value: secret.value }, secret.value);
  }

  async forget(key: TokenKey): Promise<void> {
    await this.run({ action: 'delete', ...describeKey(key) }, undefined);
  }

  async listKeys(): Promise<null> {
    return null;
  }

  async read(): Promise<null> {
    return null;
  }

  private run(message: object, secret: string | undefined): Promise<void> {
    const [file, ...args] = this.command;
    return new Promise((resolve, reject) => {
      const child = spawn(file!, args, { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), this.timeoutMs);
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_CAPTURE) stderr += chunk.toString('utf8');
      });
      child.stdin.on('error', () => undefined); // a command that exits early closes the pipe; its exit code tells
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new EscredError('ESCRED_SINK_FAILED', `secret sink ${this.describe()} could not start: ${error.message}`, { cause: error }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) return resolve();
        const said = mask(stderr.trim(), secret).slice(0, 500);
        const how = signal ? `was killed (${signal}${signal === 'SIGKILL' ? ', timed out' : ''})` : `exited with ${code}`;
        reject(new EscredError('ESCRED_SINK_FAILED', `secret sink ${this.describe()} ${how}${said ? `: ${said}` : ''}`));
      });
      child.stdin.end(JSON.stringify(message) + '\n');
    });
  }
}

function describeKey(key: TokenKey) {
  return { cluster: key.cluster, serviceAccount: key.principal, token: key.token };
}

function mask(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
