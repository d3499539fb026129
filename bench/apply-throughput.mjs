/**
 * Apply throughput: create 1,000 tokens (4 accounts x 250) on an empty emulator (its own process,
 * no injected latency), escred against a bare-undici floor; a fresh emulator for each.
 *
 * escred: openPass + planPass + applyPass in-process with concurrency 4 (the CLI default): sink
 * check, observe, plan, and for each token the apply journal intent, the POST, the value written
 * durably to the directory sink, the journal update and the audit line; then the after-apply
 * observe and plan. Checked after: 1,000 files in the sink, a sample of them authenticate.
 *
 * Floor: GET / and the 4 credentials GETs, then the same 1,000 POSTs with 4 in flight; each
 * answer's value written durably as escred's sink does (temp file 0600, write, fsync, close,
 * rename, fsync the folder). No journal, no audit log, no re-observe.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import {
  ACCOUNTS, PASSWORD, PASSWORD_ENV, clusterEntry, figure, mapConcurrent, removeDir, startEmulatorProcess, tempDir, tokenNames, writeManifest,
} from './lib.mjs';

const { openPass } = await import('../dist/reconcile/open-pass.js');
const { planPass } = await import('../dist/reconcile/plan-pass.js');
const { applyPass } = await import('../dist/reconcile/apply-pass.js');

const PER_ACCOUNT = 250;
const CONCURRENCY = 4;
const TOTAL = PER_ACCOUNT * ACCOUNTS.length;
process.env[PASSWORD_ENV] = PASSWORD;
const accounts = Object.fromEntries(ACCOUNTS.map((p) => [p, tokenNames(PER_ACCOUNT)]));
const work = tempDir('apply');

async function escredRun() {
  const dir = join(work, 'escred');
  const emulator = await startEmulatorProcess({ dataDir: join(dir, 'emulator') });
  try {
    const manifest = join(dir, 'escred.yaml');
    writeManifest(manifest, [clusterEntry('bench', emulator, accounts)]);
    const started = performance.now();
    const pass = await openPass({ manifestArgs: [manifest], cwd: dir, isApplying: true });
    let result;
    try {
      const planned = await planPass(pass, { nowMs: Date.now() });
      result = await applyPass(pass, planned, { concurrency: CONCURRENCY });
    } finally {
      await pass.close();
    }
    const ms = performance.now() - started;
    const created = result.changeSet.entries.filter((e) => e.outcome === 'created').length;
    if (created !== TOTAL || result.changeSet.hasFailures) throw new Error(`escred created ${created} of ${TOTAL}`);
    await checkSink(emulator, join(dir, 'secrets', 'bench'));
    return ms;
  } finally {
    await emulator.stop();
  }
}

/** every secret is in the sink, and a sample of them authenticates as its token */
async function checkSink(emulator, sinkDir) {
  const files = ACCOUNTS.flatMap((p) => readdirSync(join(sinkDir, p)).filter((f) => !f.startsWith('.')).map((f) => join(sinkDir, p, f)));
  if (files.length !== TOTAL) throw new Error(`the sink holds ${files.length} secrets, not ${TOTAL}`);
  for (const file of files.filter((_, i) => i % 100 === 0)) {
    const response = await request(`${emulator.url}/_security/_authenticate`, {
      dispatcher: emulator.dispatcher, headers: { authorization: `Bearer ${readFileSync(file, 'utf8')}` },
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`a stored secret does not authenticate (${response.statusCode})`);
  }
}

async function writeDurably(path, content) {
  const temp = join(join(path, '..'), `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  await handle.writeFile(content);
  await handle.sync();
  await handle.close();
  await rename(temp, path);
  const folder = await open(join(path, '..'), 'r');
  await folder.sync();
  await folder.close();
}

async function floorRun() {
  const dir = join(work, 'floor');
  const emulator = await startEmulatorProcess({ dataDir: join(dir, 'emulator') });
  const agent = new Agent({ connect: { ca: readFileSync(emulator.caFile) }, connections: 8 });
  try {
    const call = async (method, path) => {
      const response = await request(emulator.url + path, { method, dispatcher: agent, headers: { authorization: emulator.authorization } });
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`${method} ${path}: ${response.statusCode}`);
      return body;
    };
    const sinkDir = join(dir, 'secrets', 'bench');
    for (const principal of ACCOUNTS) mkdirSync(join(sinkDir, principal), { recursive: true, mode: 0o700 });
    const work = ACCOUNTS.flatMap((principal) => accounts[principal].map((name) => ({ principal, name })));
    const started = performance.now();
    await call('GET', '/');
    await Promise.all(ACCOUNTS.map((p) => call('GET', `/_security/service/${p}/credential`)));
    await mapConcurrent(work, CONCURRENCY, async ({ principal, name }) => {
      const body = await call('POST', `/_security/service/${principal}/credential/token/${name}`);
      await writeDurably(join(sinkDir, principal, name), body.token.value);
    });
    const ms = performance.now() - started;
    await checkSink(emulator, sinkDir);
    return ms;
  } finally {
    await agent.close();
    await emulator.stop();
  }
}

try {
  const floor = await floorRun();
  const escred = await escredRun();
  figure(`apply time: create ${TOTAL} tokens, concurrency ${CONCURRENCY}, every secret durable`, escred, 'ms', floor);
  console.log(`  (throughput: escred ${Math.round(TOTAL / (escred / 1000))} tokens/s, floor ${Math.round(TOTAL / (floor / 1000))} tokens/s)`);
} finally {
  removeDir(work);
}
