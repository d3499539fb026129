import { randomBytes } from 'node:crypto';

/** 22 URL-safe chars, the shape of ES node ids, cluster and index uuids (base64 of 16 random bytes). */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * `UUIDs.base64UUID()`: time-based, 15 bytes, URL-safe base64 without padding = 20 chars.
 * Time-ordered prefix + counter + random tail keeps names distinct within one process.
 */
let sequence = 0;
export function timeBasedId(): string {
  const bytes = Buffer.alloc(15);
  bytes.writeUIntBE(Date.now(), 0, 6);
  sequence = (sequence + 1) & 0xffffff;
  bytes.writeUIntBE(sequence, 6, 3);
  randomBytes(6).copy(bytes, 9);
  return bytes.toString('base64url');
}
