/**
 * Parses a node's `service_tokens` file the way Elasticsearch does (spec section 8,
 * `FileServiceAccountTokenStore` + `FileLineParser`):
 * - lines starting with `#` at column 0 and blank lines are skipped;
 * - every other line is trimmed and split at the FIRST `:` into key (`ns/svc/name`, not validated)
 *   and hash;
 * - a line without `:` makes the whole file invalid: ES then holds NO file tokens for that node;
 * - hashes with an unrecognised prefix (plaintext, `{plain}`...) are skipped with a warning;
 * - duplicate keys: the later line wins (warning).
 */
import { hashKind } from './hasher.js';

export interface ServiceTokensProblem {
  /** 1-based line number */
  line: number;
  message: string;
}

export interface ParsedServiceTokens {
  /** `ns/svc/name` -> hash; empty when the file is invalid */
  tokens: Map<string, string>;
  /** warnings (skipped lines, duplicates) and, when invalid, the error that emptied the set */
  problems: ServiceTokensProblem[];
  isValid: boolean;
}

export function parseServiceTokens(text: string): ParsedServiceTokens {
  const tokens = new Map<string, string>();
  const problems: ServiceTokensProblem[] = [];
  const lines = text.split(/\r?\n|\r/);
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    if (raw.startsWith('#')) continue;
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) {
      problems.push({ line: lineNumber, message: `invalid line (no ':' separator); the whole file is ignored` });
      return { tokens: new Map(), problems, isValid: false };
    }
    const key = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (hashKind(hash) === null) {
      problems.push({ line: lineNumber, message: `skipped token [${key}]: unrecognised hash format` });
      continue;
    }
    if (tokens.has(key)) problems.push({ line: lineNumber, message: `duplicate token [${key}]: this later line wins` });
    tokens.set(key, hash);
  }
  return { tokens, problems, isValid: true };
}
