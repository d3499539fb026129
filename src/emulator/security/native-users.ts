/**
 * The native realm's users (PUT/GET/DELETE /_security/user): validation as PutUserRequest and
 * Validation.Users do it, and a store that keeps a salted hash of each password, never the password.
 * ES hashes with bcrypt; a salted SHA-256 is enough for an emulator and keeps authentication cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RecordStore } from './record-store.js';

/** A user as authentication and the privilege checks see it. */
export interface UserRecord {
  username: string;
  roles: string[];
  fullName: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
  isReserved: boolean;
  /** salted hash (see hashPassword below); the password itself is never kept */
  passwordHash: string;
}

/** ClientReservedRealm users (7.x and 8.x; `kibana` is deprecated in 8.x but still reserved). */
export const RESERVED_USERS = ['elastic', 'kibana', 'kibana_system', 'logstash_system', 'beats_system', 'apm_system', 'remote_monitoring_user'];

/** ReservedRealm: the role(s) each reserved user holds. */
const RESERVED_USER_ROLES: Record<string, string[]> = {
  elastic: ['superuser'],
  kibana: ['kibana_system'],
  kibana_system: ['kibana_system'],
  logstash_system: ['logstash_system'],
  beats_system: ['beats_system'],
  apm_system: ['apm_system'],
  remote_monitoring_user: ['remote_monitoring_collector', 'remote_monitoring_agent'],
};

export interface StoredUser {
  username: string;
  passwordHash: string;
  roles: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16).toString('hex');
  return `${salt}$${sha256(`${salt}${password}`)}`;
}

export function isPasswordOf(password: string, passwordHash: string): boolean {
  const [salt = '', digest = ''] = passwordHash.split('$');
  const candidate = Buffer.from(sha256(`${salt}${password}`), 'hex');
  const stored = Buffer.from(digest, 'hex');
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}

/** Validation.Users.validateUsername [inferred wording]: 1-507 printable ASCII chars, no surrounding whitespace. */
export function usernameError(username: string, isReservedAllowed: boolean): string | undefined {
  if (!/^[\x21-\x7e]([\x20-\x7e]{0,505}[\x21-\x7e])?$/.test(username)) {
    return (
      `Invalid username [${username}]... Usernames must be at least 1 and no more than 507 characters. They can contain alphanumeric ` +
      'characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.'
    );
  }
  if (!isReservedAllowed && RESERVED_USERS.includes(username)) return `Username [${username}] is reserved and may not be used.`;
  return undefined;
}

export function toUserRecord(user: StoredUser): UserRecord {
  return {
    username: user.username,
    roles: [...user.roles],
    fullName: user.full_name,
    email: user.email,
    metadata: user.metadata,
    enabled: user.enabled,
    isReserved: false,
    passwordHash: user.passwordHash,
  };
}

/** The users authentication sees: the reserved `elastic` superuser and the native store. */
export class UserDirectory {
  private readonly superuser: UserRecord;

  constructor(
    readonly store: RecordStore<StoredUser>,
    superuserPassword: string,
  ) {
    this.superuser = {
      username: 'elastic',
      roles: ['superuser'],
      fullName: null,
      email: null,
      metadata: { _reserved: true },
      enabled: true,
      isReserved: true,
      passwordHash: hashPassword(superuserPassword),
    };
  }

  get(username: string): UserRecord | undefined {
    if (username === 'elastic') return this.superuser;
    // Other reserved users have no password here, so they never authenticate.
    if (RESERVED_USERS.includes(username)) return undefined;
    const stored = this.store.get(username);
    return stored ? toUserRecord(stored) : undefined;
  }

  has(username: string): boolean {
    return this.get(username) !== undefined;
  }
}

/** GET /_security/user body of one user, keys in User.toXContent order. */
export function userJson(user: StoredUser | { username: string; reserved: true }): Record<string, unknown> {
  if ('reserved' in user) {
    // [unsure] 8.x's `_deprecated` metadata on `kibana`.
    const roles = RESERVED_USER_ROLES[user.username] ?? [];
    return { username: user.username, roles, full_name: null, email: null, metadata: { _reserved: true }, enabled: true };
  }
  return { username: user.username, roles: [...user.roles], full_name: user.full_name, email: user.email, metadata: user.metadata, enabled: user.enabled };
}
