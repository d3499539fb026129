/**
 * Shared bench helpers: figure lines, medians, temp folders, an emulator in its own process (so
 * its CPU work never shares the event loop being measured), seeded index tokens, manifests.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { standInUuid } from '../dist/emulator/stand-in.js';

export const ROOT = join(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const PASSWORD_ENV = 'ESCRED_BENCH_PASSWORD';
export const PASSWORD = 'bench-superuser-password';
/** the built-in service accounts of Elasticsearch 9.4 (the emulator's default version) */
export const ACCOUNTS = ['elastic/auto-ops', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana'];

/** Prints `name: value unit (floor: value, ratio: value)`; ratio = value / floor. */
export function figure(name, value, unit, floor) {
  const ratio = floor > 0 ? (value / floor).toFixed(2) : 'n/a';
  console.log(`${name}: ${format(value)} ${unit} (floor: ${format(floor)}, ratio: ${ratio})`);
}

function format(n) {
  return Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `escred-bench-${prefix}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export const tokenNames = (count, prefix = 'gitops-') => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

/**
 * Writes the emulator's index-token store before it starts, so a bench can begin with thousands of
 * tokens without thousands of creates. The hash is a placeholder: nothing authenticates with these.
 */
export function seedIndexTokens(dataDir, byPrincipal) {
  mkdirSync(dataDir, { recursive: true });
  const hash = '{PBKDF2_STRETCH}10000$c2VlZGVkLXNhbHQtc2VlZGVkLXNhbHQ=$c2VlZGVkLWtleS1zZWVkZWQta2V5LXNlZWRlZC1rZXk=';
  const tokens = Object.entries(byPrincipal).flatMap(([principal, names]) => names.map((name) => ({ principal, name, hash })));
  writeFileSync(join(dataDir, 'index-tokens.json'), JSON.stringify({ formatVersion: 1, tokens }));
}

/**
 * Writes the emulator's user-managed account store (9.6+) before it starts: thousands of accounts without
 * thousands of PUTs. Attribution as the superuser's creation, as a PUT by `elastic` would record it.
 */
export function seedUserManagedAccounts(dataDir, principals) {
  mkdirSync(dataDir, { recursive: true });
  const creator = { principal: 'elastic', realm: 'reserved', realm_type: 'reserved' };
  const records = Object.fromEntries(principals.map((p, i) => [p, { username: p, roles: ['reader'], enabled: true, creator, created_at: 1_700_000_000_000 + i }]));
  writeFileSync(join(dataDir, 'user-managed-accounts.json'), JSON.stringify({ formatVersion: 1, records }));
}

/** `escred emulator` as a child process; resolves once it printed its connection details. */
export async function startEmulatorProcess({ dataDir, nodes = 3, latencyMs, esVersion }) {
  const args = [CLI, 'emulator', '--data-dir', dataDir, '--port', '0', '--nodes', String(nodes), '--superuser-password', PASSWORD];
  if (esVersion) args.push('--es-version', esVersion);
  if (latencyMs) args.push('--latency-ms', String(latencyMs));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Press Ctrl+C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${err}`)));
  });
  const url = /listening on (\S+)/.exec(out)[1];
  const uuid = /cluster: .*\((\S+)\)/.exec(out)[1];
  const caFile = /CA file:\s+(\S+)/.exec(out)?.[1];
  const dispatcher = new Agent({ connect: { ca: caFile ? readFileSync(caFile) : undefined } });
  const control = async (method, path, body) => {
    const response = await request(url + path, { method, dispatcher, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    const text = await response.body.text();
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url, uuid, caFile, pid: child.pid, dispatcher, control,
    authorization: `Basic ${Buffer.from(`elastic:${PASSWORD}`).toString('base64')}`,
    counters: () => control('GET', '/_emulator/counters'),
    resetCounters: () => control('DELETE', '/_emulator/counters'),
    setFaults: (spec) => control('PUT', '/_emulator/faults', spec),
    async stop() {
      await dispatcher.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One manifest cluster entry pointing at an emulator; accounts: principal -> token names. */
export function clusterEntry(name, emulator, accounts, extra = {}) {
  const serviceAccounts = {};
  for (const [principal, names] of Object.entries(accounts)) {
    serviceAccounts[principal] = { prune: 'owned', owns: 'gitops-*', tokens: names.map((n) => ({ name: n })) };
  }
  return {
    name, url: emulator.url, clusterUuid: emulator.uuid,
    auth: { basic: { username: 'elastic', password: { env: PASSWORD_ENV } } },
    tls: { caFile: emulator.caFile },
    serviceAccounts,
    ...extra,
  };
}

/**
 * A cluster of its own on a shared emulator: escred keys its leases by the cluster UUID and refuses
 * a manifest naming one cluster twice (issue 21), so benches that spread many clusters over one
 * emulator give each a stand-in URL (`/_stand-in/<name>`, a UUID of its own; src/emulator/stand-in.ts).
 */
export function standInEntry(name, emulator, accounts, extra = {}) {
  return { ...clusterEntry(name, emulator, accounts, extra), url: `${emulator.url}/_stand-in/${name}`, clusterUuid: standInUuid(emulator.uuid, name) };
}

export { standInUuid };

export function writeManifest(path, clusters, secretsDir = './secrets') {
  writeFileSync(path, stringify({ apiVersion: 'escred/v1', secrets: { directory: secretsDir }, clusters }));
}

/** Runs a whole process; resolves with wall time in ms, exit code and output. */
export function runProcess(args, { cwd = ROOT, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1', [PASSWORD_ENV]: PASSWORD, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

/** Runs `work` over `items` with at most `limit` in flight (the same shape as escred's mapConcurrent). */
export async function mapConcurrent(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
