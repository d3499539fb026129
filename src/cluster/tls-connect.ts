import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type DetailedPeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import { buildConnector, type Client } from 'undici';
import { ConfigError, errorMessage } from '../errors.js';
import type { TlsConfig } from '../model.js';
import { ERROR_CODES } from '../error-codes.js';

type ConnectOption = NonNullable<Client.Options['connect']>;

/**
 * The undici `connect` option for a cluster's TLS settings:
 * caFingerprint → pin (it wins over caFile and isInsecure, like the official client's caFingerprint);
 * caFile → trust only that CA; isInsecure → no verification; otherwise the system CAs.
 */
export function buildTlsConnect(tls: TlsConfig, options: { clusterName: string; timeoutMs: number }): ConnectOption {
  if (tls.caFingerprint !== undefined) return pinnedConnector(normalizeFingerprint(tls.caFingerprint), options.timeoutMs);
  if (tls.isInsecure) return { rejectUnauthorized: false, checkServerIdentity: () => undefined, timeout: options.timeoutMs };
  if (tls.caFile !== undefined) {
    let ca: Buffer;
    try {
      ca = readFileSync(tls.caFile);
    } catch (error) {
      throw new ConfigError(`cluster ${options.clusterName}: tls.caFile: cannot read ${tls.caFile}: ${errorMessage(error)}`, { cause: error });
    }
    // One secure context for every socket of the cluster: given `ca` alone, each TLS socket would
    // build its own and parse the CA again (a few ms of CPU per connection, issue 16).
    return { secureContext: secureContextFor(ca), timeout: options.timeoutMs };
  }
  return { timeout: options.timeoutMs };
}

/**
 * And one for every cluster whose CA file holds the same bytes (50 clusters behind one CA built 50
 * contexts, ~14 ms of a plan). Keyed by content, not path, so an edited CA file gets a new context.
 */
const secureContexts = new Map<string, SecureContext>();

function secureContextFor(ca: Buffer): SecureContext {
  const key = ca.toString('base64');
  let context = secureContexts.get(key);
  if (!context) {
    context = createSecureContext({ ca });
    if (secureContexts.size >= 64) secureContexts.clear(); // a daemon whose CA files keep changing
    secureContexts.set(key, context);
  }
  return context;
}

export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.toLowerCase().replace(/:/g, '');
}

/** As Elasticsearch prints it (upper case, colon separated), so it can be compared by eye. */
function displayFingerprint(normalized: string): string {
  return (normalized.toUpperCase().match(/.{1,2}/g) ?? []).join(':');
}

/**
 * Like the official client's `caFingerprint`: the handshake runs without CA or hostname checks, then
 * some certificate of the presented chain must have the pinned SHA-256. Unlike a bare fingerprint
 * match we also check that every certificate below the pinned one is signed by its successor;
 * otherwise a server could send a forged leaf next to a copy of the genuine (public) CA certificate.
 */
function pinnedConnector(fingerprint: string, timeoutMs: number): ConnectOption {
  // No session cache: a resumed session has no peer certificate to check.
  const connector = buildConnector({
    rejectUnauthorized: false, checkServerIdentity: () => undefined, maxCachedSessions: 0, timeout: timeoutMs,
  });
  return (connectOptions, callback) => {
    connector(connectOptions, (error, socket) => {
      if (error !== null) return callback(error, null);
      if (!('getPeerCertificate' in socket)) return callback(null, socket);
      const problem = pinProblem((socket as TLSSocket).getPeerCertificate(true), fingerprint);
      if (problem === undefined) return callback(null, socket);
      socket.destroy();
      return callback(Object.assign(new Error(problem), { code: ERROR_CODES.tlsFingerprintMismatch }), null);
    });
  };
}

/** Undefined when the chain is anchored at the pinned certificate, else why not. */
export function pinProblem(leaf: DetailedPeerCertificate, fingerprint: string): string | undefined {
  const chain = certificateChain(leaf);
  const pinnedAt = chain.findIndex((cert) => normalizeFingerprint(cert.fingerprint256) === fingerprint);
  if (pinnedAt < 0) {
    const seen = chain.map((cert) => cert.fingerprint256).join(', ') || 'none';
    return `no certificate in the server's chain has the pinned SHA-256 fingerprint ${displayFingerprint(fingerprint)} (the chain has: ${seen})`;
  }
  for (let i = 0; i < pinnedAt; i += 1) {
    const [subject, issuer] = [chain[i], chain[i + 1]];
    if (!subject || !issuer || !subject.checkIssued(issuer) || !subject.verify(issuer.publicKey)) {
      return `the server's certificate chain is not signed by the certificate with the pinned SHA-256 fingerprint ${displayFingerprint(fingerprint)}`;
    }
  }
  return undefined;
}

function certificateChain(leaf: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = leaf;
  // Node links a self-signed root to itself; stop on the first repeat.
  while (current?.raw !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}
