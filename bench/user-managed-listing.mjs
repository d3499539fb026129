/**
 * Listing 10,000 user-managed service accounts (issue 22), in-process against one emulator (9.6.0, its own
 * process, 20 ms injected latency on every response), median of 5 runs each, interleaved:
 * - calls: escred's listing (the query API's capability, then pages of 1,000 sorted on username with
 *   search_after) against the floor of any paged listing with that page size, ceil(10,000 / 1,000) pages;
 * - time: escred's listing (listUserManagedAccounts over a ClusterConnection: retries, bounded bodies, parsing
 *   each account) against a bare-undici floor that sends the same 10 pages, parses the JSON and nothing else.
 * The unpaged GET escred used before (one body of every account) is printed alongside for scale.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { PASSWORD, PASSWORD_ENV, figure, median, removeDir, seedUserManagedAccounts, startEmulatorProcess, tempDir, writeManifest } from './lib.mjs';

const { openPass } = await import('../dist/reconcile/open-pass.js');
const { listUserManagedAccounts, QUERY_PAGE_SIZE } = await import('../dist/cluster/query-user-accounts.js');

const ACCOUNTS = 10_000;
const LATENCY_MS = 20;
const RUNS = 5;
const work = tempDir('umsa-listing');
const dataDir = join(work, 'emulator');
const principals = Array.from({ length: ACCOUNTS }, (_, i) => `bulk/acct-${String(i).padStart(5, '0')}`);
seedUserManagedAccounts(dataDir, principals);
const emulator = await startEmulatorProcess({ dataDir, nodes: 1, latencyMs: LATENCY_MS, esVersion: '9.6.0' });
process.env[PASSWORD_ENV] = PASSWORD;
try {
  const manifest = join(work, 'escred.yaml');
  writeManifest(manifest, [{
    name: 'c', url: emulator.url, clusterUuid: emulator.uuid, tls: { caFile: emulator.caFile },
    auth: { basic: { username: 'elastic', password: { env: PASSWORD_ENV } } }, serviceAccounts: {},
  }]);
  const pass = await openPass({ manifestArgs: [manifest], cwd: work, isApplying: false });
  const connection = pass.connections.get('c');
  const agent = new Agent({ connect: { ca: readFileSync(emulator.caFile) } });
  const bare = async (method, path, body) => {
    const response = await request(emulator.url + path, { method, dispatcher: agent,
      headers: { authorization: emulator.authorization, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode}`);
    return response.body.json();
  };
  const escredRun = async () => {
    const started = performance.now();
    const accounts = await listUserManagedAccounts(connection);
    if (accounts.length !== ACCOUNTS) throw new Error(`listed ${accounts.length} accounts`);
    return performance.now() - started;
  };
  const floorRun = async () => {
    const started = performance.now();
    let after;
    let seen = 0;
    for (;;) {
      const page = await bare('POST', '/_security/_query/service', { size: QUERY_PAGE_SIZE, sort: ['username'], ...(after ? { search_after: after } : {}) });
      seen += page.service_accounts.length;
      if (seen >= page.total) break;
      after = page.service_accounts.at(-1)._sort;
    }
    return performance.now() - started;
  };
  const unpagedRun = async () => {
    const started = performance.now();
    await bare('GET', '/_security/service?type=user_managed');
    return performance.now() - started;
  };

  await escredRun(); // warm-up
  await floorRun();
  await emulator.resetCounters();
  await escredRun();
  const counters = await emulator.counters();
  const escred = [];
  const floor = [];
  const unpaged = [];
  for (let i = 0; i < RUNS; i++) {
    escred.push(await escredRun());
    floor.push(await floorRun());
    unpaged.push(await unpagedRun());
  }
  const pages = Math.ceil(ACCOUNTS / QUERY_PAGE_SIZE);
  figure(`user-managed listing: requests for ${ACCOUNTS} accounts`, counters.total, 'requests', pages);
  console.log(`  (by route: ${Object.entries(counters).filter(([k]) => k !== 'total').map(([k, v]) => `${k} x${v}`).join('; ')})`);
  figure(`user-managed listing: time for ${ACCOUNTS} accounts, ${LATENCY_MS} ms latency, in-process`, median(escred), 'ms', median(floor));
  console.log(`  (the one unpaged GET of every account: ${median(unpaged).toFixed(0)} ms, one request, no bound on its body)`);
  await agent.close();
  await pass.close();
} finally {
  await emulator.stop();
  removeDir(work);
}
