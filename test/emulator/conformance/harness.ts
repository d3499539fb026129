/**
 * Tiny helpers for the emulator conformance tests: one emulator + undici Agent per version
 * profile, a request helper, and builders for the ES bodies the spec pins. Deliberately
 * independent of escred's own client code (src/cluster) and crypto (see token-crypto.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { expect } from 'vitest';
import { startEmulator } from '../../../src/emulator/start-emulator.js';
import { pbkdf2StretchHash } from './token-crypto.js';

export * from './es-bodies.js';

/** The part of the emulator contract these tests use. */
export interface EmulatorHandle {
  url: string;
  caFile?: string;
  clusterName: string;
  clusterUuid: string;
  version: string;
  nodes: ReadonlyArray<{ id: string; name: string }>;
  superuser: { username: string; password: string };
  createApiKey(name: string, username?: string): Promise<{ id: string; apiKey: string; encoded: string }>;
  setFaults(faults: { failingNodes?: string[] }): void;
  clearFaults(): void;
  serviceTokensPath(nodeName: string): string;
  reloadServiceTokens(): unknown;
  stop(): Promise<void>;
}

export interface Profile {
  esVersion: string;
  isTls: boolean;
  nodeCount?: number;
  nodeNames?: string[];
  /** the security index's refresh interval; default here 10 ms (the emulator's own default is Elasticsearch's 1 s) */
  refreshIntervalMs?: number;
}

/** One user per built-in role of the emulator (see the emulator contract in the task brief). */
export const USERS = {
  sam: { username: 'sam', password: 'sam-password', roles: ['service_account_manager'] },
  reader: { username: 'reader', password: 'reader-password', roles: ['security_reader'] },
  secman: { username: 'secman', password: 'secman-password', roles: ['security_manager'] },
  mon: { username: 'mon', password: 'mon-password', roles: ['monitoring'] },
  mgr: { username: 'mgr', password: 'mgr-password', roles: ['manage_only'] },
} as const;

export type UserKey = keyof typeof USERS;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** parsed body, or undefined when the body is not JSON */
  json: any;
}

export interface CallOptions {
  /** full Authorization header value; default: the superuser */
  auth?: string | null;
  headers?: Record<string, string>;
  body?: string;
}

export interface Harness {
  emu: EmulatorHandle;
  dataDir: string;
  superAuth: string;
  call(method: string, urlPath: string, options?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startHarness(profile: Profile): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `escred-conf-${profile.esVersion}-`));
  const emu: EmulatorHandle = await startEmulator({
    dataDir,
    port: 0,
    isTls: profile.isTls,
    ...(profile.nodeNames ? { nodeNames: profile.nodeNames } : { nodeCount: profile.nodeCount ?? 3 }),
    esVersion: profile.esVersion,
    users: Object.values(USERS).map((u) => ({ username: u.username, password: u.password, roles: [...u.roles] })),
    serviceTokensReloadMs: 50,
    // Tests here do not look at refresh timing (refresh.test.ts does): a short interval keeps wait_for writes quick.
    refreshIntervalMs: profile.refreshIntervalMs ?? 10,
  });
  const ca = profile.isTls && emu.caFile ? fs.readFileSync(emu.caFile) : undefined;
  const agent = new Agent(ca ? { connect: { ca } } : {});
  const superAuth = basicAuth(emu.superuser.username, emu.superuser.password);
  return {
    emu,
    dataDir,
    superAuth,
    async call(method, urlPath, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const auth = options.auth === undefined ? superAuth : options.auth;
      if (auth !== null) headers.authorization = auth;
      const res = await request(emu.url + urlPath, { method: method as 'GET', headers, body: options.body, dispatcher: agent });
      const text = await res.body.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers, text, json };
    },
    async close() {
      await emu.stop();
      await agent.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function userAuth(key: UserKey): string {
  return basicAuth(USERS[key].username, USERS[key].password);
}

export interface FileToken {
  /** "ns/svc/name" */
  key: string;
  secret: string;
}

/** Writes a node's service_tokens file (replacing it) and asks the emulator to reload it. */
export async function writeFileTokens(emu: EmulatorHandle, nodeName: string, tokens: FileToken[]): Promise<void> {
  const lines = tokens.map((t) => `${t.key}:${pbkdf2StretchHash(t.secret)}`);
  await writeServiceTokensFile(emu, nodeName, `# written by the conformance tests\n${lines.join('\n')}\n`);
}

/** Writes raw service_tokens text (for parser edge cases and fixed hashes) and reloads. */
export async function writeServiceTokensFile(emu: EmulatorHandle, nodeName: string, text: string): Promise<void> {
  const file = emu.serviceTokensPath(nodeName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  await emu.reloadServiceTokens();
}

/** The same raw service_tokens text on every node, so whichever node handles a request sees it. */
export async function writeServiceTokensEverywhere(emu: EmulatorHandle, text: string): Promise<void> {
  for (const node of emu.nodes) await writeServiceTokensFile(emu, node.name, text);
}

export function majorMinor(version: string): [number, number] {
  const [major = '0', minor = '0'] = version.split('.');
  return [Number(major), Number(minor)];
}

export function isAtLeast(version: string, major: number, minor: number): boolean {
  const [ma, mi] = majorMinor(version);
  return ma !== major ? ma > major : mi >= minor;
}

/** Header value(s) as a list, whatever undici gave us. */
export function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export const SA_PATH = '/_security/service';
export const FLEET = 'elastic/fleet-server';

export function tokenPath(principal: string, name?: string): string {
  return `${SA_PATH}/${principal}/credential/token${name === undefined ? '' : `/${name}`}`;
}

export function credentialPath(principal: string): string {
  return `${SA_PATH}/${principal}/credential`;
}

export function clearCachePath(principal: string, names: string): string {
  return `${tokenPath(principal, names)}/_clear_cache`;
}

export function bearer(value: string): string {
  return `Bearer ${value}`;
}

/** The 9.6 profile: user-managed service accounts (user-managed-service-accounts.md), over HTTPS. */
export const PROFILE_9_6: Profile = { esVersion: '9.6.0', isTls: true };

/**
 * The five version profiles; 7.14 runs over TLS so that the 7.13–7.15 TLS check (§9) stays out of
 * the way; 9.6 (user-managed accounts) over TLS too. The built-in-account behaviour is the same in 9.6.
 */
export const PROFILES: Profile[] = [
  { esVersion: '7.14.0', isTls: true },
  { esVersion: '7.17.0', isTls: false },
  { esVersion: '8.19.0', isTls: false },
  { esVersion: '9.4.0', isTls: false },
  PROFILE_9_6,
];

/** Every profile (kept as a name for the files written when 9.6 was not yet in PROFILES). */
export const ALL_PROFILES: Profile[] = PROFILES;

/** Elasticsearch's YAML test cluster names its nodes so (10_basic.yml@6cbdfc64 matches `yamlRestTest-0`). */
export const YAML_NODE_NAMES = ['yamlRestTest-0', 'yamlRestTest-1', 'yamlRestTest-2'];

/**
 * The WWW-Authenticate challenges must be the same in the HTTP header and the body; the spec only
 * says which ones are "common" and that their order is not guaranteed, so only Basic is required.
 */
export function expectChallenges(reply: Reply): void {
  const inHeader = headerList(reply.headers['www-authenticate']).flatMap(splitChallenges);
  const inBody = headerList(reply.json?.error?.header?.['WWW-Authenticate']);
  expect(inHeader.length).toBeGreaterThan(0);
  expect([...inBody].sort()).toEqual([...inHeader].sort());
  expect(inBody).toContain('Basic realm="security" charset="UTF-8"');
}

/** A server may send one header per challenge or fold them into one with ", "; split folded ones. */
function splitChallenges(value: string): string[] {
  return value.split(/,\s*(?=(?:Basic|Bearer|ApiKey|Negotiate)\b)/);
}
