import type { SecretSinkConfig } from '../model.js';
import type { SecretSink } from '../sinks/secret-sink.js';
import { DirectorySecretSink } from './directory-secret-sink.js';
import { ExecSecretSink } from './exec-secret-sink.js';

export function createSecretSink(config: SecretSinkConfig, options: { timeoutMs?: number } = {}): SecretSink {
  return config.kind === 'directory'
    ? new DirectorySecretSink(config.directory)
    : new ExecSecretSink(config.command, options.timeoutMs ?? 30_000);
}
