/**
 * Scale: 200 clusters x 4 accounts x 250 tokens (200,000 tokens), one manifest file per cluster
 * (each file stays under the 10 MB manifest limit) plus secrets.yaml, in one folder.
 *
 * escred (own process): loadManifest of the folder (YAML with positions, schema, rules, merge),
 * buildPlan against ObservedCluster data built in-process (each account reports its tokens minus
 * 2 per account, plus one unowned token that must be left alone, so the plan has 1,600 creates;
 * the sink holds every existing token's value, as after escred made them),
 * then renderHumanPlan and the JSON plan. No network: the observe cost
 * is measured by the plan-time bench. Floor (own process): bare `yaml.parse` of the same files
 * and a Set difference per account, giving the same creates. Time and peak RSS of each process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ACCOUNTS, PASSWORD_ENV, figure, removeDir, tempDir, tokenNames } from './lib.mjs';

const CLUSTERS = 200;
const TOKENS = 250;
const MISSING = 2;

function observedFor(clusterName, names) {
  return {
    name: clusterName, clusterUuid: `uuid-${clusterName}`, clusterName, version: '9.4.0', nodes: null, accounts: [...ACCOUNTS],
    serviceAccounts: ACCOUNTS.map((principal) => ({
      principal, indexTokens: [...names.slice(MISSING), 'manual-token'], fileTokens: {}, format: 'nodes',
      nodes: { total: 3, successful: 3, failed: 0, failures: [] },
    })),
  };
}

async function escredChild(dir) {
  const { loadManifest, resolveManifestPaths } = await import('../dist/manifest/load-manifest.js');
  const { buildPlan } = await import('../dist/plan/build-plan.js');
  const { renderHumanPlan } = await import('../dist/plan/render-human.js');
  const started = performance.now();
  const paths = await resolveManifestPaths([dir], dir);
  const { desired, diagnostics } = await loadManifest(paths, { cwd: dir });
  if (!desired) throw new Error(`manifest invalid: ${JSON.stringify(diagnostics.slice(0, 3))}`);
  const loaded = performance.now();
  const names = tokenNames(TOKENS);
  const observed = desired.clusters.map((c) => observedFor(c.name, names));
  // the sink holds the value of every token escred made (as a directory sink lists them): no warnings
  const sinkSecrets = new Set(observed.flatMap((c) => c.serviceAccounts.flatMap((a) => a.indexTokens.map((t) => `${c.name}/${a.principal}/${t}`))));
  const plan = buildPlan(desired, observed, { nowMs: Date.now(), sinkSecrets });
  const human = renderHumanPlan(plan, { isColor: false });
  const json = JSON.stringify(plan, null, 2);
  const creates = plan.clusters.reduce((n, c) => n + c.actions.filter((a) => a.kind === 'create').length, 0);
  return { ms: performance.now() - started, loadMs: loaded - started, creates, bytes: human.length + json.length };
}

async function floorChild(dir) {
  const started = performance.now();
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const docs = files.map((f) => parse(readFileSync(join(dir, f), 'utf8')));
  const names = tokenNames(TOKENS);
  const actions = [];
  for (const cluster of docs.flatMap((d) => d.clusters ?? [])) {
    const observed = observedFor(cluster.name, names);
    for (const [principal, account] of Object.entries(cluster.serviceAccounts)) {
      const have = new Set(observed.serviceAccounts.find((a) => a.principal === principal).indexTokens);
      for (const { name } of account.tokens) if (!have.has(name)) actions.push({ kind: 'create', cluster: cluster.name, principal, token: name });
    }
  }
  const json = JSON.stringify(actions, null, 2);
  return { ms: performance.now() - started, creates: actions.length, bytes: json.length };
}

const mode = process.argv[2];
if (mode === '--child') {
  const [, , , which, dir] = process.argv;
  const result = which === 'escred' ? await escredChild(dir) : await floorChild(dir);
  process.stdout.write(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const dir = tempDir('scale');
  try {
    const names = tokenNames(TOKENS);
    writeFileSync(join(dir, 'secrets.yaml'), stringify({ apiVersion: 'escred/v1', secrets: { directory: './secrets' } }));
    for (let i = 0; i < CLUSTERS; i++) {
      const name = `cluster-${String(i).padStart(3, '0')}`;
      const serviceAccounts = Object.fromEntries(ACCOUNTS.map((p) => [p, { prune: 'owned', owns: 'gitops-*', tokens: names.map((n) => ({ name: n })) }]));
      const cluster = {
        name, url: `https://es-${name}.example.com:9200`, maxDeletions: 5,
        auth: { basic: { username: 'elastic', password: { env: PASSWORD_ENV } } },
        tls: { caFingerprint: 'ab'.repeat(32) }, serviceAccounts,
      };
      writeFileSync(join(dir, `${name}.yaml`), stringify({ apiVersion: 'escred/v1', clusters: [cluster] }));
    }
    mkdirSync(join(dir, 'secrets'));
    const run = (which) => {
      const child = spawnSync(process.execPath, [import.meta.filename, '--child', which, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (child.status !== 0) throw new Error(`${which} child failed: ${child.stderr}`);
      return JSON.parse(child.stdout);
    };
    const floor = run('floor');
    const escred = run('escred');
    if (escred.creates !== floor.creates) throw new Error(`escred planned ${escred.creates} creates, the floor ${floor.creates}`);
    const total = CLUSTERS * ACCOUNTS.length * TOKENS;
    figure(`scale: plan time, ${CLUSTERS} clusters x ${ACCOUNTS.length} accounts x ${TOKENS} tokens (${total} tokens), load + buildPlan + render`, escred.ms, 'ms', floor.ms);
    console.log(`  (of which manifest load ${escred.loadMs.toFixed(0)} ms; ${escred.creates} creates planned)`);
    figure('scale: peak RSS of that plan (goal: < 512 MB)', escred.maxRssMb, 'MB', floor.maxRssMb);
  } finally {
    removeDir(dir);
  }
}
