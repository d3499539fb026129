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

/** The part of the emulator contract these tests use. */
export interface EmulatorHandle {
  url: string;
  caFile?: string;
  clusterName: string;
  clusterUuid: string;
  version: string;
  nodes: ReadonlyArray<{ id: string; name: string }>;
  superuser: { username: string; password: string };
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
    nodeCount: profile.nodeCount ?? 3,
    esVersion: profile.esVersion,
    users: Object.values(USERS).map((u) => ({ username: u.username, password: u.password, roles: [...u.roles] })),
    serviceTokensReloadMs: 50,
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
  const file = emu.serviceTokensPath(nodeName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = tokens.map((t) => `${t.key}:${pbkdf2StretchHash(t.secret)}`);
  fs.writeFileSync(file, `# written by the conformance tests\n${lines.join('\n')}\n`);
  await emu.reloadServiceTokens();
}

/** The standard ES error envelope (spec section 3); `extra` are metadata keys repeated in root_cause. */
export function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): unknown {
  const cause = { type, reason, ...extra };
  return { error: { root_cause: [cause], ...cause }, status };
}

/** Spec section 6 denial reason. */
export function denial(action: string, subject: string, privileges: string[]): string {
  return `action [${action}] is unauthorized for ${subject}, this action is granted by the cluster privileges [${privileges.join(',')}]`;
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

/** The four version profiles; 7.14 runs over TLS so that the 7.13–7.15 TLS check (§9) stays out of the way. */
export const PROFILES: Profile[] = [
  { esVersion: '7.14.0', isTls: true },
  { esVersion: '7.17.0', isTls: false },
  { esVersion: '8.19.0', isTls: false },
  { esVersion: '9.4.0', isTls: false },
];

/** §7 authenticate body for a service-account token, keys in this order. */
export function authenticateBody(principal: string, tokenName: string, type: string): Record<string, unknown> {
  return {
    username: principal,
    roles: [],
    full_name: `Service account - ${principal}`,
    email: null,
    token: { name: tokenName, type },
    metadata: { _elastic_service_account: true },
    enabled: true,
    authentication_realm: { name: '_service_account', type: '_service_account' },
    lookup_realm: { name: '_service_account', type: '_service_account' },
    authentication_type: 'token',
  };
}

/** 401 envelope; WWW-Authenticate appears under `header` in root_cause and top level (§3). */
export function unauthorized(reason: string): unknown {
  return esError(401, 'security_exception', reason, { header: { 'WWW-Authenticate': expect.anything() } });
}

export function saAuthFailed(principal: string, tokenName: string): unknown {
  return unauthorized(`failed to authenticate service account [${principal}] with token name [${tokenName}]`);
}

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
