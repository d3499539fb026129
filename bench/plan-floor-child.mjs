/**
 * The floor of a whole `escred plan` process (plan-time.mjs): a bare undici client as its own
 * process, loading undici and making the calls a plan needs with the best strategy (10 clusters at a
 * time, per cluster GET / then its credentials GETs all at once, one secure context shared).
 * Usage: node plan-floor-child.mjs <url> <caFile> <authorization> <clusters> <principal>...
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { Agent, request } from 'undici';

const [url, caFile, authorization, clusters, ...principals] = process.argv.slice(2);
const secureContext = createSecureContext({ ca: readFileSync(caFile) });
const PARALLELISM = 10;

async function observe() {
  const agent = new Agent({ connect: { secureContext }, connections: 8 });
  const get = async (path) => {
    const response = await request(url + path, { dispatcher: agent, headers: { authorization } });
    const body = await response.body.json();
    if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode}`);
    return body;
  };
  try {
    await get('/');
    await Promise.all(principals.map((p) => get(`/_security/service/${p}/credential`)));
  } finally {
    await agent.close();
  }
}

let next = 0;
const total = Number(clusters);
await Promise.all(Array.from({ length: Math.min(PARALLELISM, total) }, async () => {
  while (next < total) {
    next += 1;
    await observe();
  }
}));
