/**
 * Node-local service_tokens files: a token with a known secret and hash authenticates, the file
 * store is consulted before the index store, changes are picked up by polling, and one malformed
 * line empties that node's set. Plus the 7.14 TLS check on plain-HTTP multi-node clusters.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBearer } from '../../src/file-tokens/bearer.js';
import { removeDir, startKit, type Kit } from './emulator-test-kit.js';

// Spec section 8 vector: secret <-> PBKDF2_STRETCH hash from the ES test resources.
const SECRET = 'aI_0QLRfRyGBP1U60Sby2w';
const HASH = '{PBKDF2_STRETCH}10000$Pa3oNkj8xTD8j2gTgjWnTvnE6jseKApWMFjcNCLxX1U=$84ECweHFZQ2DblHEjHTRWA+fG6h5bVMyTSJUmFvTo1o=';
const FILE_BEARER = encodeBearer({ namespace: 'elastic', service: 'fleet-server', tokenName: 'token1' }, SECRET);

async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('service_tokens files', () => {
  let kit: Kit;
  let file0: string;
  beforeAll(async () => {
    kit = await startKit();
    file0 = kit.emu.serviceTokensPath('node-0');
  });
  afterAll(async () => {
    await kit?.close();
    removeDir(kit.dataDir);
  });

  const whoAmI = () => kit.call('GET', '/_security/_authenticate', { auth: `Bearer ${FILE_BEARER}` });

  it('a file token with a known secret and hash authenticates (token type _service_account_file)', async () => {
    expect(file0).toBe(`${kit.dataDir}/nodes/node-0/service_tokens`);
    fs.writeFileSync(file0, `# seeded\nelastic/fleet-server/token1:${HASH}\n`);
    await kit.emu.reloadServiceTokens();
    const reply = await whoAmI();
    expect([reply.status, reply.json.token]).toEqual([200, { name: 'token1', type: '_service_account_file' }]);
  });

  it('the file store wins over an index token of the same name', async () => {
    expect((await kit.call('POST', '/_security/service/elastic/fleet-server/credential/token/token1')).status).toBe(200);
    expect((await whoAmI()).json.token.type).toBe('_service_account_file');
  });

  it('a malformed line empties the node set on reload (polling, no explicit reload)', async () => {
    fs.writeFileSync(file0, `elastic/fleet-server/token1:${HASH}\nno colon here\n`);
    await eventually(async () => (await whoAmI()).status === 401);
    const reply = await whoAmI();
    expect(reply.json.error.reason).toBe('failed to authenticate service account [elastic/fleet-server] with token name [token1]');
  });

  it('fixing the file brings the token back', async () => {
    fs.writeFileSync(file0, `elastic/fleet-server/token1:${HASH}\n`);
    await eventually(async () => (await whoAmI()).status === 200);
  });

  it('a wrong secret for a file token fails with the spec 401', async () => {
    const wrong = encodeBearer({ namespace: 'elastic', service: 'fleet-server', tokenName: 'token1' }, 'wrong-secret-123');
    const reply = await kit.call('GET', '/_security/_authenticate', { auth: `Bearer ${wrong}` });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBeDefined();
  });

  it('an invalid file at startup refuses to start, like ES', async () => {
    const dir = `${kit.dataDir}-bad`;
    fs.mkdirSync(`${dir}/nodes/node-0`, { recursive: true });
    fs.writeFileSync(`${dir}/nodes/node-0/service_tokens`, 'broken\n');
    await expect(startKit({}, dir)).rejects.toThrow(/Failed to load service_tokens file/);
    removeDir(dir);
  });
});

describe('7.14 multi-node on plain HTTP: TLS runtime check', () => {
  it('service-account APIs answer 500 and token authentication 401; single node is fine', async () => {
    const kit = await startKit({ esVersion: '7.14.0', nodeCount: 2 });
    try {
      const reply = await kit.call('GET', '/_security/service');
      expect([reply.status, reply.json.error.reason]).toEqual([500, '[get service accounts] requires TLS for the HTTP interface']);
      const auth = await kit.call('GET', '/_security/_authenticate', { auth: `Bearer ${FILE_BEARER}` });
      expect(auth.status).toBe(401);
      expect(auth.json.error.caused_by.reason).toBe('[service account authentication] requires TLS for the HTTP interface');
    } finally {
      await kit.close();
      removeDir(kit.dataDir);
    }
    const single = await startKit({ esVersion: '7.14.0', nodeCount: 1 });
    try {
      expect((await single.call('GET', '/_security/service')).status).toBe(200);
    } finally {
      await single.close();
      removeDir(single.dataDir);
    }
  });
});
