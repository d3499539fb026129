import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, errorMessage } from '../errors.js';
import type { SecretRef } from '../model.js';

export interface ResolveSecretOptions {
  env: NodeJS.ProcessEnv;
  /** what the secret is for, e.g. "cluster prod: auth.apiKey"; every error starts with it */
  what: string;
  /** base for a relative file path (the manifest loader normally makes paths absolute already) */
  cwd?: string;
}

/**
 * Reads a secret from an environment variable or a file. Synchronous on purpose: connections are
 * created (and their credentials resolved) before the first request, so a missing variable fails
 * before any write. Errors name the variable or file and what it is for, never the value.
 */
export function resolveSecretRef(ref: SecretRef, options: ResolveSecretOptions): string {
  if ('env' in ref) {
    const value = options.env[ref.env];
    if (value === undefined) throw new ConfigError(`${options.what}: environment variable ${ref.env} is not set`);
    if (value === '') throw new ConfigError(`${options.what}: environment variable ${ref.env} is empty`);
    return value;
  }
  const file = path.resolve(options.cwd ?? process.cwd(), ref.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    // The fs message names the path and the errno, never the content.
    throw new ConfigError(`${options.what}: cannot read secret file ${file}: ${errorMessage(error)}`, { cause: error });
  }
  // Editors and `echo` add a final newline that is not part of the secret.
  const value = text.replace(/(?:\r?\n)+$/, '');
  if (value === '') throw new ConfigError(`${options.what}: secret file ${file} is empty`);
  return value;
}
