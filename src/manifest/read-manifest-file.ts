import { readFile, stat } from 'node:fs/promises';
import { DIAGNOSTIC_CODES, errorAt, type Diagnostic } from './diagnostic.js';

/**
 * Far above any real manifest (a few KB; a folder of files can hold more). Checked before reading,
 * so a 50 MB file costs one stat. Not 10 MiB: yaml 2.9 parsed a 9.5 MB manifest in 13 s with 1 GB
 * RSS on a 2-core CI machine, while 1 MiB (about 40k tokens) takes about 1 s and 180 MB.
 */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The way out of the size limit: the limit is per file, and several files make one manifest. */
const SPLIT_HINT = 'The limit is per file: split the manifest into several files (for example one per cluster) ' +
  'in one folder and pass the folder, or pass the files together; escred reads them as one manifest.';

export type ReadManifestResult = { text: string } | { diagnostic: Diagnostic };

/**
 * Reads one manifest file as UTF-8 text, or says why it cannot be used (unreadable, not a regular
 * file, too large, not UTF-8, empty). Never throws for a bad file.
 */
export async function readManifestFile(file: string, maxBytes = MAX_MANIFEST_BYTES): Promise<ReadManifestResult> {
  const at = { file, line: 1, col: 1 };
  let bytes: Buffer;
  try {
    // stat by path first: opening a FIFO (or a device) for reading could block forever.
    const info = await stat(file);
    if (!info.isFile()) return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.fileUnreadable, 'not a regular file') };
    if (info.size > maxBytes) {
      return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.fileTooLarge,
        `file is ${formatBytes(info.size)}, larger than the ${formatBytes(maxBytes)} a manifest may have; not parsed. ${SPLIT_HINT}`) };
    }
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.fileUnreadable, `cannot read file (${code})`) };
  }
  // The file may have grown between stat and read.
  if (bytes.length > maxBytes) {
    return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.fileTooLarge, `file is larger than ${formatBytes(maxBytes)}; not parsed. ${SPLIT_HINT}`) };
  }
  const text = decodeUtf8(bytes, file);
  if (typeof text !== 'string') return { diagnostic: text };
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.emptyFile, 'file is empty; a manifest needs at least `apiVersion: escred/v1`') };
  }
  return { text };
}

function decodeUtf8(bytes: Uint8Array, file: string): string | Diagnostic {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    return errorAt({ file, line, col: before.length - lineStart + 1 }, DIAGNOSTIC_CODES.notUtf8,
      `not UTF-8: invalid byte 0x${byte} at byte offset ${offset}, in "${escapedExcerpt(bytes, offset)}"; save the file as UTF-8`);
  }
}

const EXCERPT_RADIUS = 8;

/**
 * The bytes around `offset` as text a terminal shows safely: printable ASCII as it is, every other
 * byte (controls, anything >= 0x80) as \xNN, so a binary file is described, never echoed.
 */
export function escapedExcerpt(bytes: Uint8Array, offset: number): string {
  const start = Math.max(0, offset - EXCERPT_RADIUS);
  const end = Math.min(bytes.length, offset + EXCERPT_RADIUS);
  const shown = [...bytes.subarray(start, end)].map((b) => {
    if (b === 0x5c || b === 0x22) return `\\${String.fromCharCode(b)}`;
    return b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }).join('');
  return `${start > 0 ? '...' : ''}${shown}${end < bytes.length ? '...' : ''}`;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    if (i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k]!;
      const [low, high] = k === 1 ? secondByteRange(b) : [0x80, 0xbf];
      if (c < low || c > high) return i;
    }
    i += length;
  }
  return bytes.length;
}

/** Excludes overlong forms, surrogates and code points above U+10FFFF, as TextDecoder does. */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

function formatBytes(size: number): string {
  return size >= 1024 * 1024 ? `${(size / (1024 * 1024)).toFixed(1)} MiB` : `${size} bytes`;
}
