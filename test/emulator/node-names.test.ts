/** startEmulator({nodeNames}): names are checked before anything is written, and survive a restart with their ids. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/start-emulator.js';
import { removeDir, startKit } from './emulator-test-kit.js';

describe('node names', () => {
  it.each([
    [[], 'nodeNames must name at least one node'],
    [['a', 'a'], "node name 'a' is given twice"],
    [['ok', 'no/slash'], "node name 'no/slash' must be 1-64 letters"],
  ])('%j -> refused: %s', async (nodeNames, message) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-names-'));
    await expect(startEmulator({ dataDir, isTls: false, nodeNames })).rejects.toThrow(message);
    expect(fs.readdirSync(dataDir)).toEqual([]);
    removeDir(dataDir);
  });

  it('a nodeCount that disagrees with the names is refused', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-names-'));
    await expect(startEmulator({ dataDir, isTls: false, nodeNames: ['a', 'b'], nodeCount: 3 })).rejects.toThrow('nodeCount 3 does not match the 2 node names');
    removeDir(dataDir);
  });

  it('the names key the service_tokens folders and keep their ids across restarts', async () => {
    const first = await startKit({ nodeNames: ['yamlRestTest-0', 'yamlRestTest-1'] });
    const ids = first.emu.nodes.map((node) => node.id);
    expect(first.emu.serviceTokensPath('yamlRestTest-1')).toBe(path.join(first.dataDir, 'nodes', 'yamlRestTest-1', 'service_tokens'));
    await first.close();
    const second = await startKit({ nodeNames: ['yamlRestTest-0', 'yamlRestTest-1'] }, first.dataDir);
    expect(second.emu.nodes.map((node) => node.id)).toEqual(ids);
    const root = await second.call('GET', '/');
    expect(root.json.name).toBe('yamlRestTest-0');
    await second.close();
    removeDir(first.dataDir);
  });
});
