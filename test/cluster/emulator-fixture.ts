/**
 * One emulator (HTTPS) per test file, plus DesiredCluster builders that point escred's
 * connection at it with the CA file or the CA fingerprint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { hashPbkdf2Stretch } from '../../src/file-tokens/hasher.js';
import type { DesiredAccount, DesiredCluster } from '../../src/model.js';
import { desiredCluster } from '../support/state-builders.js';

export const USERS = [
  { username: 'sam', password: 'sam-password', roles: ['service_account_manager'] },
  { username: 'mon', password: 'mon-password', roles: ['monitoring'] },
];

export interface EmulatorFixture {
  emu: RunningEmulator;
  dataDir: string;
  /** env holding every password: ES_PW (superuser), SAM_PW, MON_PW */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startFixture(esVersion: string, nodeCount = 3): Promise<EmulatorFixture> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `escred-cluster-${esVersion}-`));
  const emu = await startEmulator({ dataDir, isTls: true, esVersion, nodeCount, users: USERS, serviceTokensReloadMs: 50, refreshIntervalMs: 10 });
  const env = { ES_PW: emu.superuser.password, SAM_PW: 'sam-password', MON_PW: 'mon-password' };
  return {
    emu, dataDir, env,
    async stop() {
      await emu.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TrustBy = 'caFile' | 'caFingerprint';

export function emulatorCluster(
  fixture: EmulatorFixture, accounts: DesiredAccount[], options: { trust?: TrustBy; user?: string; env?: string; name?: string } & Partial<DesiredCluster> = {},
): DesiredCluster {
  const { trust = 'caFile', user = 'elastic', env = 'ES_PW', name = 'test', ...extra } = options;
  const tls = trust === 'caFile' ? { caFile: fixture.emu.caFile!, isInsecure: false } : { caFingerprint: fixture.emu.caFingerprint!, isInsecure: false };
  return desiredCluster(name, accounts, {
    urls: [fixture.emu.url], auth: { kind: 'basic', username: user, password: { env } }, tls, ...extra,
  });
}

/** Writes file tokens (name -> secret) into a node's service_tokens and reloads. */
export async function writeFileTokens(fixture: EmulatorFixture, nodeName: string, tokens: Record<string, string>): Promise<void> {
  const file = fixture.emu.serviceTokensPath(nodeName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = Object.entries(tokens).map(([key, secret]) => `${key}:${hashPbkdf2Stretch(secret)}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  await fixture.emu.reloadServiceTokens();
}

export const CREDENTIALS_ROUTE = 'GET /_security/service/{namespace}/{service}/credential';
