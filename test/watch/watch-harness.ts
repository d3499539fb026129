/**
 * The daemon in-process against a real emulator (test/support/e2e-harness.ts): every log line is
 * kept for the leak check, and the cluster's password reaches escred through `connection.env`, as
 * it would through the process environment.
 */
import { expectNoSecretLeaked, startE2e, PASSWORD_ENV, type E2e } from '../support/e2e-harness.js';
import type { EmulatorOptions } from '../../src/emulator/start-emulator.js';
import { startWatch, type RunningWatch, type WatchOptions } from '../../src/watch/start-watch.js';

export interface WatchE2e extends E2e {
  lines: string[];
  /** parsed log lines */
  events(): Array<Record<string, unknown>>;
  watch(options?: Partial<WatchOptions>): Promise<RunningWatch>;
  /** stops the daemon, then the emulator (with the leak check over every log line) */
  closeAll(): Promise<void>;
}

export async function startWatchE2e(emulator: Partial<EmulatorOptions> = {}): Promise<WatchE2e> {
  const e2e = await startE2e(emulator);
  const lines: string[] = [];
  const running: RunningWatch[] = [];
  const env = { ...process.env, [PASSWORD_ENV]: e2e.emulator.superuser.password };
  return {
    ...e2e,
    lines,
    events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async watch(options = {}) {
      const watch = await startWatch({
        paths: [e2e.manifestPath], cwd: e2e.work, listen: '127.0.0.1:0', debounceMs: 50, resyncMs: 0,
        backoffInitialMs: 100, backoffMaxMs: 1_000, shutdownTimeoutMs: 10_000,
        connection: { env, retry: { maxRetries: 0 } }, write: (line) => lines.push(line.trimEnd()),
        ...options,
      });
      running.push(watch);
      return watch;
    },
    async closeAll() {
      await Promise.all(running.map((w) => w.stop()));
      // the daemon's log lines get the same leak check as the CLI's outputs
      expectNoSecretLeaked(e2e.sinkDir, lines);
      await e2e.close();
    },
  };
}
