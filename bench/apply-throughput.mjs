/**
 * Apply on a refresh-faithful cluster (issue 16): 1,000 creates over 10 clusters (4 accounts x 25
 * tokens each), 20 ms latency on every answer, the security index refreshing every 1 s as
 * Elasticsearch's does; then the same with 100 deletes (owned, undeclared tokens) and 100 rotations
 * (a rotating token whose generation is overdue: a new generation each) mixed in. One emulator
 * process (its own, so its hashing never shares the measured event loop) stands for the 10 clusters,
 * each cluster owning its own token names; a fresh one for every run.
 *
 * escred: openPass + planPass + applyPass in-process, --parallelism 10 (the default), the lease
 * taken and released as a user's apply does, every value durable in the directory sink. Then a plan
 * at once, which must have no actions: a plan right after apply sees every write.
 * Floor, bare undici, the best strategy at the same parallelism: per cluster GET / and the 4
 * credentials GETs; then every write with refresh=false, at most 10 in flight across clusters, each
 * cluster's last write held until its others answered and sent with refresh=wait_for (so one
 * refresh wait per cluster); each new value written durably (temp file 0600, fsync, rename, fsync
 * the folder) before it counts. No journal, no audit log, no lease.
 * Naive: the same calls, each with the API's default refresh (wait_for), 10 in flight: measured on
 * a tenth of the writes and scaled by 10 (each write waits for the next refresh, so time grows
 * linearly with the writes), to keep `npm run bench` short.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { ACCOUNTS, PASSWORD, PASSWORD_ENV, figure, removeDir, startEmulatorProcess, tempDir, writeManifest } from './lib.mjs';

const { openPass } = await import('../dist/reconcile/open-pass.js');
const { planPass } = await import('../dist/reconcile/plan-pass.js');
const { applyPass } = await import('../dist/reconcile/apply-pass.js');
const { generationName } = await import('../dist/ownership/generation-name.js');

const CLUSTERS = Number(process.env.ESCRED_BENCH_APPLY_CLUSTERS ?? 10);
const PER_ACCOUNT = Number(process.env.ESCRED_BENCH_APPLY_PER_ACCOUNT ?? 25);
const MIXED_PER_CLUSTER = Math.max(1, Math.round(PER_ACCOUNT * ACCOUNTS.length / 10)); // 10 deletes + 10 rotations per 100 creates
const PARALLELISM = 10;
const LATENCY_MS = 20;
const NAIVE_FRACTION = 10;
const ROTATING = 'elastic/kibana';
process.env[PASSWORD_ENV] = PASSWORD;
const work = tempDir('apply');

const pad = (n, width) => String(n).padStart(width, '0');
const clusterName = (c) => `c${pad(c, 2)}`;

/** What one cluster holds before and wants after: creates, owned tokens to delete, overdue rotations. */
function scenario(c, isMixed, fraction = 1) {
  const perAccount = Math.max(1, Math.round(PER_ACCOUNT / fraction));
  const mixed = isMixed ? Math.max(1, Math.round(MIXED_PER_CLUSTER / fraction)) : 0;
  const name = clusterName(c);
  const twoHoursAgo = Date.now() - 2 * 3_600_000;
  return {
    name,
    declared: Object.fromEntries(ACCOUNTS.map((p, a) => [p, Array.from({ length: perAccount }, (_, i) => `gitops-${name}-${a}-${pad(i, 4)}`)])),
    stale: Array.from({ length: mixed }, (_, i) => `gitops-${name}-old-${pad(i, 4)}`),
    rotating: Array.from({ length: mixed }, (_, i) => ({ base: `rot-${name}-${pad(i, 3)}`, current: generationName(`rot-${name}-${pad(i, 3)}`, twoHoursAgo) })),
  };
}

function seed(dataDir, sinkDir, scenarios) {
  mkdirSync(dataDir, { recursive: true });
  const hash = '{PBKDF2_STRETCH}10000$c2VlZGVkLXNhbHQtc2VlZGVkLXNhbHQ=$c2VlZGVkLWtleS1zZWVkZWQta2V5LXNlZWRlZC1rZXk=';
  const tokens = scenarios.flatMap((s) => [
    ...s.stale.map((name) => ({ principal: 'elastic/fleet-server', name, hash })),
    ...s.rotating.map((r) => ({ principal: ROTATING, name: r.current, hash })),
  ]);
  writeFileSync(join(dataDir, 'index-tokens.json'), JSON.stringify({ formatVersion: 1, tokens }));
  // the current generations' values are in the sink (else they would not count as current)
  for (const s of scenarios) {
    const folder = join(sinkDir, s.name, ROTATING);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    for (const r of s.rotating) writeFileSync(join(folder, r.current), 'seeded-value', { mode: 0o600 });
  }
}

function manifestCluster(s, emulator) {
  const serviceAccounts = Object.fromEntries(ACCOUNTS.map((p) => [p, {
    prune: 'owned', owns: `gitops-${s.name}-*`,
    tokens: [...s.declared[p].map((n) => ({ name: n })), ...(p === ROTATING ? s.rotating.map((r) => ({ name: r.base, rotate: { every: '1h', overlap: '10m' } })) : [])],
  }]));
  return {
    name: s.name, url: emulator.url, clusterUuid: emulator.uuid, maxDeletions: 10_000,
    auth: { basic: { username: 'elastic', password: { env: PASSWORD_ENV } } }, tls: { caFile: emulator.caFile }, serviceAccounts,
  };
}

/** The calls a bare client makes for a scenario: creates (declared and new generations) and deletes. */
function writesOf(s) {
  const nowMs = Date.now();
  return [
    ...ACCOUNTS.flatMap((p) => s.declared[p].map((name) => ({ method: 'POST', principal: p, name }))),
    ...s.rotating.map((r) => ({ method: 'POST', principal: ROTATING, name: generationName(r.base, nowMs) })),
    ...s.stale.map((name) => ({ method: 'DELETE', principal: 'elastic/fleet-server', name })),
  ];
}

async function withEmulator(label, isMixed, fraction, run) {
  const dir = join(work, `${label}-${randomBytes(3).toString('hex')}`);
  const scenarios = Array.from({ length: CLUSTERS }, (_, c) => scenario(c, isMixed, fraction));
  seed(join(dir, 'emulator'), join(dir, 'secrets'), scenarios);
  const emulator = await startEmulatorProcess({ dataDir: join(dir, 'emulator'), nodes: 1, latencyMs: LATENCY_MS });
  try {
    return await run({ dir, emulator, scenarios });
  } finally {
    await emulator.stop();
  }
}

async function escredRun(isMixed) {
  return withEmulator('escred', isMixed, 1, async ({ dir, emulator, scenarios }) => {
    const manifest = join(dir, 'escred.yaml');
    writeManifest(manifest, scenarios.map((s) => manifestCluster(s, emulator)));
    const started = performance.now();
    const pass = await openPass({ manifestArgs: [manifest], cwd: dir, isApplying: true });
    let result;
    let requests;
    try {
      const planned = await planPass(pass, { nowMs: Date.now() });
      const sent = () => [...pass.connections.values()].reduce((n, c) => n + c.requestCount(), 0);
      const before = sent();
      result = await applyPass(pass, planned, { concurrency: PARALLELISM });
      requests = sent() - before;
    } finally {
      await pass.close();
    }
    const ms = performance.now() - started;
    if (result.changeSet.hasFailures) throw new Error(`escred apply failed: ${JSON.stringify(result.changeSet.entries.find((e) => e.outcome === 'failed'))}`);
    const expected = scenarios.reduce((n, s) => n + writesOf(s).length, 0);
    if (result.changeSet.entries.length !== expected) throw new Error(`escred made ${result.changeSet.entries.length} changes, not ${expected}`);
    await checkPlanSeesEverything(manifest, dir);
    await checkSink(emulator, join(dir, 'secrets'), scenarios);
    const creates = result.changeSet.entries.filter((e) => e.action !== 'delete').length;
    return { ms, requests, creates, deletes: result.changeSet.entries.length - creates };
  });
}

/** A plan right after apply, with no wait of its own, has nothing left to do. */
async function checkPlanSeesEverything(manifest, dir) {
  const pass = await openPass({ manifestArgs: [manifest], cwd: dir, isApplying: false });
  try {
    const { plan } = await planPass(pass, { nowMs: Date.now() });
    const left = plan.clusters.reduce((n, c) => n + c.actions.length, 0);
    if (left > 0 || plan.summary.errors > 0) throw new Error(`the plan right after apply still has ${left} actions: it missed writes`);
  } finally {
    await pass.close();
  }
}

/** Every declared token's secret is in the sink, and a sample authenticates. */
async function checkSink(emulator, sinkDir, scenarios) {
  const files = scenarios.flatMap((s) => ACCOUNTS.flatMap((p) => s.declared[p].map((name) => join(sinkDir, s.name, p, name))));
  for (const file of files.filter((_, i) => i % 50 === 0)) {
    const response = await request(`${emulator.url}/_security/_authenticate`, { dispatcher: emulator.dispatcher, headers: { authorization: `Bearer ${readFileSync(file, 'utf8')}` } });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`a stored secret does not authenticate (${response.statusCode})`);
  }
  const stored = scenarios.reduce((n, s) => n + ACCOUNTS.reduce((m, p) => m + readdirSync(join(sinkDir, s.name, p)).filter((f) => !f.startsWith('.')).length, 0), 0);
  if (stored < files.length) throw new Error(`the sink holds ${stored} secrets, fewer than ${files.length}`);
}

async function writeDurably(path, content) {
  const folderPath = join(path, '..');
  const temp = join(folderPath, `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  await handle.writeFile(content);
  await handle.sync();
  await handle.close();
  await rename(temp, path);
  const folder = await open(folderPath, 'r');
  await folder.sync();
  await folder.close();
}

/** At most `limit` calls at once across every cluster. */
function limiter(limit) {
  let active = 0;
  const queue = [];
  return async (work) => {
    if (active >= limit) await new Promise((resolve) => queue.push(resolve));
    else active += 1;
    try {
      return await work();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** A bare client: `refreshOf(isLast)` says what each write asks for. */
async function bareRun(label, isMixed, fraction, refreshOf) {
  return withEmulator(label, isMixed, fraction, async ({ dir, emulator, scenarios }) => {
    const agent = new Agent({ connect: { ca: readFileSync(emulator.caFile) }, connections: 8 });
    const limit = limiter(PARALLELISM);
    const call = async (method, path) => {
      const response = await request(emulator.url + path, { method, dispatcher: agent, headers: { authorization: emulator.authorization } });
      const body = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`${method} ${path}: ${response.statusCode}`);
      return body;
    };
    const write = async (cluster, w, refresh) => {
      const query = refresh === undefined ? '' : `?refresh=${refresh}`;
      const body = await call(w.method, `/_security/service/${w.principal}/credential/token/${w.name}${query}`);
      if (w.method === 'POST') await writeDurably(join(dir, 'secrets', cluster, w.principal, w.name), body.token.value);
    };
    for (const s of scenarios) for (const p of ACCOUNTS) mkdirSync(join(dir, 'secrets', s.name, p), { recursive: true, mode: 0o700 });
    const started = performance.now();
    await Promise.all(scenarios.map(async (s) => {
      await limit(() => call('GET', '/'));
      await Promise.all(ACCOUNTS.map((p) => limit(() => call('GET', `/_security/service/${p}/credential`))));
      const writes = writesOf(s);
      await Promise.all(writes.slice(0, -1).map((w) => limit(() => write(s.name, w, refreshOf(false)))));
      await limit(() => write(s.name, writes.at(-1), refreshOf(true)));
    }));
    const ms = performance.now() - started;
    await agent.close();
    return { ms, writes: scenarios.reduce((n, s) => n + writesOf(s).length, 0) };
  });
}

try {
  for (const isMixed of [false, true]) {
    const what = isMixed
      ? `create ${CLUSTERS * PER_ACCOUNT * ACCOUNTS.length} + delete ${CLUSTERS * MIXED_PER_CLUSTER} + rotate ${CLUSTERS * MIXED_PER_CLUSTER}`
      : `create ${CLUSTERS * PER_ACCOUNT * ACCOUNTS.length}`;
    // each twice, interleaved, the best of each: the emulator's hashing and fsyncs share 2 cores with everything else
    const floorRun = await bareRun('floor', isMixed, 1, (isLast) => (isLast ? 'wait_for' : 'false'));
    const escredFirst = await escredRun(isMixed);
    const floor = Math.min(floorRun.ms, (await bareRun('floor', isMixed, 1, (isLast) => (isLast ? 'wait_for' : 'false'))).ms);
    const escred = Math.min(escredFirst.ms, (await escredRun(isMixed)).ms);
    const naiveRun = await bareRun('naive', isMixed, NAIVE_FRACTION, () => undefined);
    const naive = naiveRun.ms * (floorRun.writes / naiveRun.writes); // scaled to the same number of writes
    const setting = `${CLUSTERS} clusters, ${LATENCY_MS} ms latency, refresh 1 s, parallelism ${PARALLELISM}, every secret durable`;
    figure(`apply: ${what}, ${setting}`, escred, 'ms', floor);
    figure(`apply speed-up over a naive client (each write refresh=wait_for, the API default; goal >= 10x): ${what}`, naive / escred, 'x', 10);
    // verified rotation (issue 23): one GET /_security/_authenticate per created or rotated token, nothing per delete
    const { requests, creates, deletes } = escredFirst;
    console.log(`  (escred's apply sent ${requests} requests for ${creates} creates and ${deletes} deletes: ${((requests - creates - deletes) / creates).toFixed(2)} beyond the write itself per create)`);
    console.log(`  (naive client: ${Math.round(naive)} ms, measured on ${naiveRun.writes} of the ${floorRun.writes} writes and scaled; plan right after apply: no actions, checked)`);
  }
} finally {
  removeDir(work);
}
