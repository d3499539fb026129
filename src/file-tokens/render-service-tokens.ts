/**
 * Renders a node's `service_tokens` file (spec section 8) from the current text and the lines
 * escred wants. Pure. Elasticsearch's CLI rewrites the whole file with sorted keys and drops
 * comments; escred instead edits it in place so that what it does not own survives byte for byte:
 * - comments, blank lines and token lines escred does not own are kept where they are;
 * - an owned line whose hash is the desired one is kept verbatim (a rerun is byte-identical);
 * - an owned line with another hash is replaced by `key:hash`; owned keys no longer desired go;
 * - new keys are inserted at their sorted position (ES's TreeMap order, UTF-16 code-unit order
 *   as Java's String.compareTo), above any comment block that sits directly on the next key.
 * Line endings are normalised to `\n` and the file ends with one.
 */
import { EscredError } from '../errors.js';

export const SERVICE_TOKENS_HEADER =
  '# Managed by escred: lines of tokens escred owns are rewritten on apply; other lines and comments are kept.';
const HEADER_PREFIX = '# Managed by escred';

export interface ServiceTokenLine {
  /** `namespace/service/token-name` */
  key: string;
  hash: string;
}

export interface RenderServiceTokensInput {
  /** the file's current text, null when it does not exist */
  existing: string | null;
  desired: readonly ServiceTokenLine[];
  /** keys escred owns: only these are ever replaced or removed */
  owned: ReadonlySet<string> | ((key: string) => boolean);
}

type Line = { kind: 'other'; text: string } | { kind: 'token'; key: string; text: string };

/** Java's String.compareTo order (UTF-16 code units), which TreeMap<String, …> uses. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function renderServiceTokens(input: RenderServiceTokensInput): string {
  const isOwned = typeof input.owned === 'function' ? input.owned : (key: string) => (input.owned as ReadonlySet<string>).has(key);
  const desired = desiredMap(input.desired);
  const lines: Line[] = [];
  const placed = new Set<string>();
  for (const line of classifyLines(input.existing)) {
    if (line.kind === 'other') {
      lines.push(line);
      continue;
    }
    const hash = desired.get(line.key);
    if (hash !== undefined) {
      // Duplicate keys: ES lets the later line win; escred keeps one line, where the first was.
      if (placed.has(line.key)) continue;
      placed.add(line.key);
      lines.push(lineHash(line.text) === hash ? line : { kind: 'token', key: line.key, text: `${line.key}:${hash}` });
    } else if (!isOwned(line.key)) {
      lines.push(line);
    }
  }
  const missing = [...desired].filter(([key]) => !placed.has(key)).sort(([a], [b]) => compareKeys(a, b));
  for (const [key, hash] of missing) lines.splice(insertionIndex(lines, key), 0, { kind: 'token', key, text: `${key}:${hash}` });
  return [SERVICE_TOKENS_HEADER, ...lines.map((line) => line.text)].join('\n') + '\n';
}

/** Throws the error renderServiceTokens would throw for this text, so callers can fail before any write. */
export function assertEditableServiceTokens(existing: string | null): void {
  classifyLines(existing);
}

function desiredMap(desired: readonly ServiceTokenLine[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, hash } of desired) {
    // A ':' in the key or a line break anywhere would change what ES parses.
    if (key.includes(':') || /[\r\n]/.test(key + hash) || key.trim() !== key || key === '' || hash.trim() !== hash || hash === '') {
      throw new EscredError('ESCRED_SERVICE_TOKENS_LINE', `cannot render service_tokens line for key [${key}]: invalid key or hash`);
    }
    const previous = map.get(key);
    if (previous !== undefined && previous !== hash) {
      throw new EscredError('ESCRED_SERVICE_TOKENS_LINE', `two different hashes for service token [${key}]`);
    }
    map.set(key, hash);
  }
  return map;
}

/**
 * Splits the current text as ES reads it. A line without ':' makes ES ignore the whole file, so
 * escred refuses to edit such a file rather than ship tokens that would never load.
 */
function classifyLines(existing: string | null): Line[] {
  if (existing === null || existing === '') return [];
  const raw = existing.split(/\r?\n|\r/);
  if (raw.at(-1) === '') raw.pop();
  const lines: Line[] = [];
  for (const [index, text] of raw.entries()) {
    if (index === 0 && text.startsWith(HEADER_PREFIX)) continue;
    const trimmed = text.trim();
    if (text.startsWith('#') || trimmed === '') {
      lines.push({ kind: 'other', text });
      continue;
    }
    const colon = trimmed.indexOf(':');
    if (colon < 0) {
      throw new EscredError('ESCRED_SERVICE_TOKENS_INVALID',
        `service_tokens line ${index + 1} has no ':' separator; Elasticsearch ignores the whole file until it is fixed`);
    }
    lines.push({ kind: 'token', key: trimmed.slice(0, colon), text });
  }
  return lines;
}

function lineHash(text: string): string {
  const trimmed = text.trim();
  return trimmed.slice(trimmed.indexOf(':') + 1);
}

/** Before the first token line with a greater key (and its comment block), else after the last token line. */
function insertionIndex(lines: readonly Line[], key: string): number {
  const next = lines.findIndex((line) => line.kind === 'token' && compareKeys(line.key, key) > 0);
  if (next < 0) {
    const last = lines.findLastIndex((line) => line.kind === 'token');
    return last < 0 ? lines.length : last + 1;
  }
  let index = next;
  while (index > 0 && lines[index - 1]?.text.startsWith('#')) index -= 1;
  return index;
}
