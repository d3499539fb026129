/**
 * File tokens: hashing 1,000 new file tokens (4 accounts x 250, every one on node-0), escred's
 * planFileTokenValues (new secret, stored in an in-memory sink, PBKDF2_STRETCH hash: SHA-512 hex
 * stretch then PBKDF2-HMAC-SHA512, 10,000 iterations, 32-byte salt and key) against the floor:
 * bare crypto.pbkdf2 of the same stretched input with the same parameters, all 1,000 submitted at
 * once (libuv's thread pool, default 4 threads, on the same cores). Median of 3 runs each.
 */
import { createHash, pbkdf2, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { ACCOUNTS, figure, median, tokenNames } from './lib.mjs';

const { planFileTokenValues } = await import('../dist/file-tokens/plan-file-token-values.js');
const pbkdf2Async = promisify(pbkdf2);
const PER_ACCOUNT = 250;
const TOTAL = PER_ACCOUNT * ACCOUNTS.length;
const here = { file: '/bench/escred.yaml', line: 1, col: 1 };

class MemorySink {
  values = new Map();
  describe() { return 'memory'; }
  async check() {}
  async store(secret) { this.values.set(`${secret.key.principal}/${secret.key.token}`, secret.value); }
  async forget() {}
  async listKeys() { return new Set(this.values.keys()); }
  async read(key) { return this.values.get(`${key.principal}/${key.token}`) ?? null; }
}

const serviceAccounts = ACCOUNTS.map((principal) => {
  const [namespace, service] = principal.split('/');
  return {
    principal, namespace, service, prune: 'none', owns: [], protect: [], tokens: [], source: here,
    fileTokens: tokenNames(PER_ACCOUNT, 'file-').map((name) => ({ name, nodes: ['node-0'], source: here })),
  };
});

async function escredRun() {
  const started = performance.now();
  const result = await planFileTokenValues({
    cluster: { name: 'bench', serviceAccounts }, observed: { nodes: [{ id: 'n0', name: 'node-0' }] },
    sink: new MemorySink(), existing: new Map(),
  });
  const ms = performance.now() - started;
  if (result.newKeys.length !== TOTAL || result.byNode.get('node-0').length !== TOTAL) throw new Error('expected 1,000 new file tokens');
  return ms;
}

async function floorRun(count = TOTAL) {
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, async () => {
    const secret = randomBytes(16).toString('base64url');
    const stretched = Buffer.from(createHash('sha512').update(secret).digest('hex'));
    return pbkdf2Async(stretched, randomBytes(32), 10_000, 32, 'sha512');
  }));
  return performance.now() - started;
}

await floorRun(50); // warm-up
const escred = [];
const floor = [];
for (let i = 0; i < 3; i++) {
  escred.push(await escredRun());
  floor.push(await floorRun());
}
figure(`file tokens: hash ${TOTAL} new file tokens (${availableParallelism()} cores)`, median(escred), 'ms', median(floor));
