/**
 * A self-signed CA and an HTTP certificate it signs, kept in the data folder so that restarts keep
 * the same CA fingerprint (like ES's auto-configured `http_ca.crt`).
 */
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { writeFileAtomic } from '../support/write-file-atomic.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';

export interface TlsMaterial {
  caFile: string;
  caPem: string;
  /** SHA-256 of the CA certificate DER, uppercase hex with colons (as ES prints it) */
  caFingerprint: string;
  key: string;
  /** server certificate followed by the CA, so clients pinning the CA fingerprint see it in the chain */
  certChain: string;
}

const YEARS = 3;

function validity(): { notBeforeDate: Date; notAfterDate: Date } {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + YEARS * 365 * 24 * 3600 * 1000);
  return { notBeforeDate, notAfterDate };
}

async function createMaterial(host: string): Promise<{ caPem: string; caKey: string; cert: string; key: string }> {
  const ca = await generate([{ name: 'commonName', value: 'escred emulator CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...validity(),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (!['localhost', '127.0.0.1', '::1'].includes(host)) altNames.push(/^[\d.:]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ...validity(),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caPem: ca.cert, caKey: ca.private, cert: server.cert, key: server.private };
}

export async function loadTlsMaterial(dataDir: string, host: string): Promise<TlsMaterial> {
  const paths = { ca: join(dataDir, 'ca.pem'), caKey: join(dataDir, 'ca-key.pem'), cert: join(dataDir, 'http.pem'), key: join(dataDir, 'http-key.pem') };
  let [caPem, cert, key] = await Promise.all([readTextIfExists(paths.ca), readTextIfExists(paths.cert), readTextIfExists(paths.key)]);
  if (!caPem || !cert || !key) {
    const created = await createMaterial(host);
    await writeFileAtomic(paths.caKey, created.caKey, { mode: 0o600 });
    await writeFileAtomic(paths.key, created.key, { mode: 0o600 });
    await writeFileAtomic(paths.cert, created.cert, { mode: 0o644 });
    await writeFileAtomic(paths.ca, created.caPem, { mode: 0o644 });
    ({ caPem, cert, key } = created);
  }
  const caFingerprint = new X509Certificate(caPem).fingerprint256;
  return { caFile: paths.ca, caPem, caFingerprint, key, certChain: `${cert.trim()}\n${caPem.trim()}\n` };
}
