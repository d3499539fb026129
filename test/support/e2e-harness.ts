/**
 * End-to-end harness: a real emulator on loopback (HTTPS, its own data folder), a temp working
 * folder with a manifest, and the real CLI (`node dist/cli/main.js`, built by `pretest`) run as a
 * child process. Every output is kept so `close()` can check that no secret ever leaked.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { expect } from 'vitest';
import { decodeBearer } from '../../src/file-tokens/bearer.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/start-emulator.js';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
export const PASSWORD_ENV = 'ESCRED_E2E_PASSWORD';
/** e2e tests do not look at refresh timing (test/e2e/refresh*.test.ts does): wait_for writes stay quick */
export const TEST_REFRESH_INTERVAL_MS = 10;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** kill the CLI with SIGKILL once its stdout contains this text */
  killWhen?: RegExp;
}

export type AccountSpec = Record<string, unknown>;

export interface WhoIs {
  status: number;
  username?: string;
  /** the token's name and type (_service_account_index or _service_account_file) */
  token?: { name?: string; type?: string };
}

export interface E2e {
  emulator: RunningEmulator;
  work: string;
  sinkDir: string;
  manifestPath: string;
  /** writes the manifest: one cluster `e2e` pointing at the emulator, with these accounts and cluster fields */
  writeManifest(accounts: Record<string, AccountSpec>, cluster?: Record<string, unknown>): void;
  cli(args: string[], options?: RunOptions): Promise<CliResult>;
  /** a call as the superuser, outside escred (out-of-band changes, checks) */
  es(method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  indexTokens(principal: string): Promise<string[]>;
  /** GET /_security/_authenticate with this bearer: who it is, or the status when it is refused */
  whoIs(bearer: string | undefined): Promise<WhoIs>;
  sinkValue(principal: string, token: string): string | undefined;
  close(): Promise<void>;
}

export async function startE2e(options: Partial<EmulatorOptions> = {}): Promise<E2e> {
  const work = mkdtempSync(join(tmpdir(), 'escred-e2e-'));
  const emulator = await startEmulator({ dataDir: join(work, 'emulator'), port: 0, nodeCount: 3, isTls: true, refreshIntervalMs: TEST_REFRESH_INTERVAL_MS, ...options });
  const dispatcher = new Agent({ connect: { ca: readFileSync(emulator.caFile!) } });
  const auth = `Basic ${Buffer.from(`${emulator.superuser.username}:${emulator.superuser.password}`).toString('base64')}`;
  const outputs: string[] = [];
  const sinkDir = join(work, 'secrets');
  const manifestPath = join(work, 'escred.yaml');

  const es: E2e['es'] = async (method, path, body) => {
    const response = await request(emulator.url + path, {
      method, dispatcher, headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: text ? JSON.parse(text) : undefined };
  };

  return {
    emulator, work, sinkDir, manifestPath, es,
    writeManifest(accounts, cluster = {}) {
      const manifest = {
        apiVersion: 'escred/v1',
        secrets: { directory: './secrets' },
        clusters: [{
          name: 'e2e', url: emulator.url,
          auth: { basic: { username: emulator.superuser.username, password: { env: PASSWORD_ENV } } },
          tls: { caFile: emulator.caFile },
          serviceAccounts: accounts,
          ...cluster,
        }],
      };
      writeFileSync(manifestPath, stringify(manifest));
    },
    async cli(args, runOptions = {}) {
      const result = await runCli(args, work, { ...process.env, NO_COLOR: '1', [PASSWORD_ENV]: emulator.superuser.password, ...runOptions.env }, runOptions.killWhen);
      outputs.push(result.stdout, result.stderr);
      return result;
    },
    async whoIs(bearer) {
      if (bearer === undefined) return { status: 0 };
      const response = await request(`${emulator.url}/_security/_authenticate`, { dispatcher, headers: { authorization: `Bearer ${bearer}` } });
      const body = (await response.body.json()) as { username?: string; token?: { name?: string; type?: string } };
      return response.statusCode === 200 ? { status: 200, username: body.username, token: body.token } : { status: response.statusCode };
    },
    async indexTokens(principal) {
      const { json } = await es('GET', `/_security/service/${principal}/credential`);
      return Object.keys(json.tokens ?? {}).sort();
    },
    sinkValue(principal, token) {
      try {
        return readFileSync(join(sinkDir, 'e2e', principal, token), 'utf8');
      } catch {
        return undefined;
      }
    },
    async close() {
      try {
        expectNoSecretLeaked(sinkDir, [...outputs, ...readStateFiles(work)]);
      } finally {
        await emulator.stop();
        await dispatcher.close();
        rmSync(work, { recursive: true, force: true });
      }
    },
  };
}

/** Runs the CLI without recording its output for the leak check (for the test that leaks on purpose). */
export function runCliUnrecorded(e2e: E2e, args: string[]): Promise<CliResult> {
  return runCli(args, e2e.work, { ...process.env, NO_COLOR: '1', [PASSWORD_ENV]: e2e.emulator.superuser.password });
}

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv, killWhen?: RegExp): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killWhen?.test(stdout)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every value in the sink; the sink is the one place a secret may be. */
export function sinkValues(sinkDir: string): string[] {
  try {
    return readdirSync(sinkDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
      .filter((v) => v.length > 0);
  } catch {
    return [];
  }
}

/** The files escred and the emulator keep beside the sink: audit log, journal, plan files, token store. */
function readStateFiles(work: string): string[] {
  const texts: string[] = [];
  for (const entry of readdirSync(work, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || path.startsWith(join(work, 'secrets')) || statSync(path).size > 5_000_000) continue;
    texts.push(readFileSync(path, 'utf8'));
  }
  return texts;
}

export function expectNoSecretLeaked(sinkDir: string, texts: string[]): void {
  for (const value of sinkValues(sinkDir)) {
    // the bearer, and the bare secret inside it (what a careless log of a hash input would show)
    const needles = [value, decodeBearer(value)?.secret].filter((n): n is string => n !== undefined && n.length >= 16);
    const leaks = texts.filter((t) => needles.some((n) => t.includes(n)));
    expect(leaks, 'a secret value appeared outside the secret sink').toEqual([]);
  }
}
