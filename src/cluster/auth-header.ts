import { ConfigError } from '../errors.js';
import type { AuthConfig, SecretRef } from '../model.js';
import { resolveSecretRef } from './resolve-secret.js';

export interface AuthHeaderOptions {
  env: NodeJS.ProcessEnv;
  clusterName: string;
}

/** The `Authorization` header value for a cluster; resolved once, when the connection is created. */
export function buildAuthHeader(auth: AuthConfig, options: AuthHeaderOptions): string {
  const header = authHeaderValue(auth, options);
  // A stray control character (a pasted line break) would make undici reject the header later,
  // far from the cause; say here where the secret came from, without showing it.
  if (/[\u0000-\u001f\u007f]/.test(header)) {
    throw new ConfigError(`cluster ${options.clusterName}: the credentials (${describeAuth(auth)}) contain a control character or line break`);
  }
  return header;
}

function authHeaderValue(auth: AuthConfig, options: AuthHeaderOptions): string {
  const what = (field: string) => `cluster ${options.clusterName}: auth.${field}`;
  switch (auth.kind) {
    case 'apiKey': {
      const key = resolveSecretRef(auth.apiKey, { env: options.env, what: what('apiKey') });
      // Kibana shows an API key both as "id:key" and already base64 encoded; an encoded key has no ':'.
      const encoded = key.includes(':') ? Buffer.from(key, 'utf8').toString('base64') : key;
      return `ApiKey ${encoded}`;
    }
    case 'basic': {
      const password = resolveSecretRef(auth.password, { env: options.env, what: what('basic.password') });
      return `Basic ${Buffer.from(`${auth.username}:${password}`, 'utf8').toString('base64')}`;
    }
    case 'bearer': {
      const token = resolveSecretRef(auth.token, { env: options.env, what: what('bearer') });
      return `Bearer ${token}`;
    }
  }
}

/** Where the credentials come from, for 401 hints: names the variable or file, never the value. */
export function describeAuth(auth: AuthConfig): string {
  const from = (ref: SecretRef) => ('env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`);
  switch (auth.kind) {
    case 'apiKey':
      return `an API key from ${from(auth.apiKey)}`;
    case 'basic':
      return `basic auth as user ${auth.username} with the password from ${from(auth.password)}`;
    case 'bearer':
      return `a bearer token from ${from(auth.token)}`;
  }
}
