/**
 * Files escred writes, loaded by emulator nodes (ES's parser and PBKDF2_STRETCH rules), and the
 * tokens authenticating as bearers over HTTPS on loopback.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { encodeBearer } from '../../src/file-tokens/bearer.js';
import { applyNodeFileTokens, renderFileTokensOut } from '../../src/file-tokens/deliver-file-tokens.js';
import { hashPbkdf2Stretch } from '../../src/file-tokens/hasher.js';
import { desiredAccount, desiredCluster, desiredFileToken } from '../support/state-builders.js';
import { MemorySink } from './memory-sink.js';

const FLEET = 'elastic/fleet-server';
let work: string;
let emu: RunningEmulator;
let dispatcher: Agent;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'escred-ft-emu-'));
  emu = await startEmulator({ dataDir: join(work, 'emu'), nodeCount: 3, isTls: true, serviceTokensReloadMs: 50, refreshIntervalMs: 10 });
  dispatcher = new Agent({ connect: { ca: readFileSync(emu.caFile!) } });
});

afterAll(async () => {
  await dispatcher?.close();
  await emu?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function call(path: string, authorization: string): Promise<{ status: number; json: any }> {
  const response = await request(emu.url + path, { dispatcher, headers: { authorization } });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? JSON.parse(text) : undefined };
}

const asBearer = (value: string) => call('/_security/_authenticate', `Bearer ${value}`);
const superuser = () => `Basic ${Buffer.from(`${emu.superuser.username}:${emu.superuser.password}`).toString('base64')}`;
const fileTokenNodes = async (name: string): Promise<string[]> => {
  const { json } = await call(`/_security/service/${FLEET}/credential`, superuser());
  return [...(json.nodes_credentials.file_tokens[name]?.nodes ?? [])].sort();
};

describe('file tokens delivered by escred, loaded by emulator nodes', () => {
  it('node mode: every node loads the line, the bearer authenticates, hand-written lines keep working', async () => {
    const manual = encodeBearer({ namespace: 'elastic', service: 'fleet-server', tokenName: 'manual' }, 'manual-secret-123');
    writeFileSync(emu.serviceTokensPath('node-0'), `# by hand\n${FLEET}/manual:${hashPbkdf2Stretch('manual-secret-123')}\n`);
    const sink = new MemorySink();
    const cluster = desiredCluster('emu', [desiredAccount(FLEET, { fileTokens: [desiredFileToken('bootstrap')] })]);
    for (const node of emu.nodes) {
      await applyNodeFileTokens({ nodeName: node.name, path: emu.serviceTokensPath(node.name), cluster, observed: { nodes: emu.nodes }, sink });
    }
    await emu.reloadServiceTokens();
    const bearer = sink.values.get(`emu/${FLEET}/bootstrap`)!;
    const auth = await asBearer(bearer);
    expect(auth.status).toBe(200);
    expect(auth.json).toMatchObject({ username: FLEET, token: { name: 'bootstrap', type: '_service_account_file' } });
    expect(await fileTokenNodes('bootstrap')).toEqual(['node-0', 'node-1', 'node-2']);
    expect((await asBearer(manual)).status).toBe(200);
    expect(readFileSync(emu.serviceTokensPath('node-0'), 'utf8')).toContain('# by hand\n');
    // another node coordinating: its own file holds the same secret
    emu.setFaults({ failingNodes: ['node-0'] });
    try {
      expect((await asBearer(bearer)).status).toBe(200);
    } finally {
      emu.clearFaults();
    }
    const wrong = encodeBearer({ namespace: 'elastic', service: 'fleet-server', tokenName: 'bootstrap' }, 'not-the-secret-0');
    expect((await asBearer(wrong)).status).toBe(401);
  });

  it('out-dir mode: per-node files shipped to the nodes converge the credentials API and authenticate', async () => {
    const sink = new MemorySink();
    const out = join(work, 'out');
    const cluster = desiredCluster('emu', [desiredAccount(FLEET, {
      fileTokens: [desiredFileToken('bootstrap'), desiredFileToken('edge', ['node-1'])],
    })]);
    const options = { outDir: out, cluster, observed: { nodes: emu.nodes }, sink };
    const result = await renderFileTokensOut(options);
    expect(result.files).toHaveLength(3);
    for (const node of emu.nodes) copyFileSync(join(out, 'emu', node.name, 'service_tokens'), emu.serviceTokensPath(node.name));
    await emu.reloadServiceTokens();
    expect(await fileTokenNodes('edge')).toEqual(['node-1']);
    expect(await fileTokenNodes('bootstrap')).toEqual(['node-0', 'node-1', 'node-2']);
    const edge = sink.values.get(`emu/${FLEET}/edge`)!;
    expect((await asBearer(edge)).status).toBe(401); // node-0 coordinates and has no edge line
    emu.setFaults({ failingNodes: ['node-0'] });
    try {
      expect((await asBearer(edge)).json).toMatchObject({ token: { name: 'edge', type: '_service_account_file' } });
    } finally {
      emu.clearFaults();
    }
    expect((await asBearer(sink.values.get(`emu/${FLEET}/bootstrap`)!)).status).toBe(200);
    const rerun = await renderFileTokensOut(options);
    expect(rerun.files.map((f) => f.isChanged)).toEqual([false, false, false]);
  });
});
