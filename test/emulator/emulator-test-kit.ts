/** Shared set-up for the emulator's own tests: a temp data folder, plain HTTP, undici calls. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/start-emulator.js';

export interface Kit {
  emu: RunningEmulator;
  dataDir: string;
  superAuth: string;
  call(method: string, urlPath: string, options?: { auth?: string; body?: string }): Promise<{ status: number; headers: Record<string, unknown>; json: any }>;
  close(): Promise<void>;
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export async function startKit(options: Partial<EmulatorOptions> = {}, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-emu-'))): Promise<Kit> {
  const emu = await startEmulator({ dataDir, isTls: false, serviceTokensReloadMs: 50, refreshIntervalMs: 10, ...options });
  const ca = emu.caFile ? fs.readFileSync(emu.caFile) : undefined;
  const agent = new Agent(ca ? { connect: { ca } } : {});
  const superAuth = basic(emu.superuser.username, emu.superuser.password);
  return {
    emu,
    dataDir,
    superAuth,
    async call(method, urlPath, callOptions = {}) {
      const headers = { authorization: callOptions.auth ?? superAuth, 'content-type': 'application/json' };
      const res = await request(emu.url + urlPath, { method: method as 'GET', headers, body: callOptions.body, dispatcher: agent });
      const text = await res.body.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.statusCode, headers: res.headers, json };
    },
    async close() {
      await emu.stop();
      await agent.close();
    },
  };
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
