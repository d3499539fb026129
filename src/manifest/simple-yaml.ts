/**
 * A fast reader for the plain block YAML that manifests are almost always written in (block maps and
 * lists, plain or simply quoted scalars, one-line flow lists, comments). It exists for speed: the
 * `yaml` library spent ~60 ms warm and ~250 ms in a fresh process on a 5,000-token manifest, most
 * of a plan's own time (issue 16); this reads the same file in a few ms.
 *
 * It answers only where it is sure to agree with `yaml` (YAML 1.2 core schema): anything else
 * (anchors, aliases, tags, directives, block scalars, multi-line scalars, escapes, flow maps, tabs,
 * CR, non-ASCII text, duplicate keys, number forms other than plain decimals...) returns undefined,
 * and the caller uses the `yaml` library. test/manifest/simple-yaml.test.ts checks both agree on
 * data and positions.
 */

/** Where a node starts (1-based), as yaml's `range[0]` gives it; collections carry their children. */
export interface SimpleNode {
  line: number;
  col: number;
  /** key -> where the key is written (line, col) and its value */
  entries?: Map<string, { line: number; col: number; node: SimpleNode }>;
  items?: SimpleNode[];
}

export interface SimpleYaml {
  data: unknown;
  root: SimpleNode;
}

/** Thrown inside the reader to give up; never escapes parseSimpleYaml. */
class NotSimple extends Error {}

/** Deeper than this is given to the `yaml` path, which reports the nesting bound. */
const MAX_DEPTH = 64;
/** yaml refuses implicit keys longer than 1024 characters; stay well below. */
const MAX_KEY_LENGTH = 1000;
/** yaml core-schema forms that resolve to something other than a string (schema/core/*.js, schema/common/null.js) */
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const NUMBER_LIKE = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const PLAIN_DECIMAL = /^[0-9]{1,15}$/;
const PLAIN_START_FORBIDDEN = new Set([...',[]{}#&*!|>\'"%@`?:']);
/** first characters of every non-string form above (NaN: an empty text, which is null) */
const MAY_RESOLVE = new Set([...'~nNtTfF0123456789+-.'].map((c) => c.charCodeAt(0)).concat([Number.NaN]));

export function parseSimpleYaml(text: string): SimpleYaml | undefined {
  // Only printable ASCII and LF: no tabs, CR, BOM or characters some YAML versions treat as breaks.
  if (/[^\n\x20-\x7e]/.test(text)) return undefined;
  try {
    return new Reader(text.split('\n')).document();
  } catch (error) {
    if (error instanceof NotSimple) return undefined;
    throw error;
  }
}

interface Parsed {
  value: unknown;
  node: SimpleNode;
}

/** Reads line by line; `next` is the first content line after what the last call read. */
class Reader {
  private depth = 0;
  private next = 0;
  /** each line's indentation, counted once (-1: not yet): several steps ask for the same line's */
  private readonly indents: Int32Array;

  constructor(private readonly lines: string[]) {
    this.indents = new Int32Array(lines.length).fill(-1);
  }

  document(): SimpleYaml {
    let first = this.nextContent(0);
    if (first < this.lines.length && this.lines[first] === '---') first = this.nextContent(first + 1);
    if (first >= this.lines.length || this.indentAt(first) !== 0) throw new NotSimple();
    const { value, node } = this.map(first, 0);
    if (this.next < this.lines.length) throw new NotSimple();
    return { data: value, root: node };
  }

  /** A block map whose first key starts at (row, col); the rest of its keys at that column. `firstKeyEnd`: readKey's answer for the first, when the caller has it. */
  private map(row: number, col: number, firstKeyEnd = -1): Parsed {
    this.enter();
    const value: Record<string, unknown> = {};
    const entries: NonNullable<SimpleNode['entries']> = new Map();
    const node: SimpleNode = { line: row + 1, col: col + 1, entries };
    let at = row;
    for (;;) {
      const line = this.lines[at]!;
      const keyEnd = at === row && firstKeyEnd >= 0 ? firstKeyEnd : readKey(line, col);
      if (keyEnd < 0) throw new NotSimple();
      const key = keyText;
      if (entries.has(key) || key === '__proto__') throw new NotSimple();
      const valueCol = keyEnd + spacesFrom(line, keyEnd);
      const child = isCommentOrEnd(line, valueCol) ? this.blockValue(at, col, keyEnd) : this.inline(line, valueCol, at);
      value[key] = child.value;
      entries.set(key, { line: at + 1, col: col + 1, node: child.node });
      at = this.next;
      if (at >= this.lines.length) break;
      const indent = this.indentAt(at);
      if (indent < col) break;
      if (indent > col) throw new NotSimple();
    }
    this.depth--;
    return { value, node };
  }

  /** The value of `key:` written on the lines below it: a deeper map or list, a list at the key's column, or null. */
  private blockValue(row: number, keyCol: number, afterColon: number): Parsed {
    const next = this.nextContent(row + 1);
    const line = this.lines[next];
    const indent = line === undefined ? -1 : this.indentAt(next);
    if (line !== undefined && indent >= keyCol && isListItem(line, indent)) return this.list(next, indent);
    if (line !== undefined && indent > keyCol) return this.map(next, indent);
    // An empty value: yaml places it after the colon. Nothing here reads that position (a null the
    // schema refuses sends the file to the `yaml` path for its diagnostics).
    this.next = next;
    return { value: null, node: { line: row + 1, col: afterColon + 1 } };
  }

  /** A block list whose `-` items start at (row, col). */
  private list(row: number, col: number): Parsed {
    this.enter();
    const value: unknown[] = [];
    const items: SimpleNode[] = [];
    const node: SimpleNode = { line: row + 1, col: col + 1, items };
    let at = row;
    for (;;) {
      const line = this.lines[at]!;
      const contentCol = col + 1 + spacesFrom(line, col + 1);
      if (contentCol === col + 1 || isCommentOrEnd(line, contentCol) || isListItem(line, contentCol)) throw new NotSimple();
      const keyEnd = readKey(line, contentCol);
      const item = keyEnd >= 0 ? this.map(at, contentCol, keyEnd) : this.inline(line, contentCol, at);
      value.push(item.value);
      items.push(item.node);
      at = this.next;
      if (at >= this.lines.length) break;
      const indent = this.indentAt(at);
      if (indent < col || (indent === col && !isListItem(this.lines[at]!, col))) break;
      if (indent > col) throw new NotSimple();
    }
    this.depth--;
    return { value, node };
  }

  private inline(line: string, col: number, row: number): Parsed {
    const parsed = inlineValue(line, col, row);
    this.next = this.nextContent(row + 1);
    return parsed;
  }

  /** The first line at or after `row` that is neither blank nor only a comment. */
  private nextContent(row: number): number {
    let at = row;
    while (at < this.lines.length) {
      if (!isCommentOrEnd(this.lines[at]!, this.indentAt(at))) break;
      at++;
    }
    return at;
  }

  private indentAt(row: number): number {
    let indent = this.indents[row]!;
    if (indent < 0) {
      indent = spacesFrom(this.lines[row]!, 0);
      this.indents[row] = indent;
    }
    return indent;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new NotSimple();
  }
}

function spacesFrom(text: string, from: number): number {
  let n = from;
  while (text.charCodeAt(n) === 32) n++;
  return n - from;
}

/** Nothing but a comment (or nothing) from `at`, which follows a space or starts the line. */
function isCommentOrEnd(line: string, at: number): boolean {
  return at >= line.length || line.charCodeAt(at) === 35;
}

/** Only spaces, then a comment or the end, from `at` on (a comment needs a space before `#`). */
function isRestEmpty(line: string, at: number): boolean {
  const skipped = spacesFrom(line, at);
  return at + skipped >= line.length || (skipped > 0 && line.charCodeAt(at + skipped) === 35);
}

function isListItem(line: string, col: number): boolean {
  return line.charCodeAt(col) === 45 && (col + 1 === line.length || line.charCodeAt(col + 1) === 32);
}

/** Regular expressions, not loops, for the per-character scans: they run as native code from the first call, which a CLI's one cold pass notices. */
const PLAIN_KEY = /[A-Za-z0-9_][A-Za-z0-9_./-]*/y;
const FLOW_PLAIN = /[^,[\]{}]*/y;

/** The text of the key readKey found last (a module variable: one string, no object per key). */
let keyText = '';

/**
 * `key:` at `col` (plain or simply quoted), followed by a space or the end of the line: the index
 * just after the colon, with the key in keyText; -1 when the line holds no key there.
 */
function readKey(line: string, col: number): number {
  const quote = line[col];
  let colon: number;
  if (quote === '"' || quote === "'") {
    const close = line.indexOf(quote, col + 1);
    if (close < 0) return -1;
    keyText = line.slice(col + 1, close);
    colon = close + 1;
    if (line.charCodeAt(colon) !== 58) return -1;
    if (keyText.includes('\\')) throw new NotSimple();
  } else {
    PLAIN_KEY.lastIndex = col;
    if (!PLAIN_KEY.test(line)) return -1;
    colon = PLAIN_KEY.lastIndex;
    if (line.charCodeAt(colon) !== 58) return -1;
    keyText = line.slice(col, colon);
  }
  if (colon + 1 < line.length && line.charCodeAt(colon + 1) !== 32) return -1;
  if (quote !== '"' && quote !== "'" && resolvePlain(keyText) !== keyText) throw new NotSimple();
  if (colon - col > MAX_KEY_LENGTH) throw new NotSimple();
  return colon + 1;
}

/** A value on the same line as its key or `-`: a scalar or a one-line flow list or map. */
function inlineValue(line: string, col: number, row: number): Parsed {
  const parsed = flowValue(line, col, row, false, 0);
  if (!isRestEmpty(line, flowEnd)) throw new NotSimple();
  return parsed;
}

/** Where the flow value read last ends. */
let flowEnd = 0;

function flowValue(line: string, col: number, row: number, isFlow: boolean, depth: number): Parsed {
  if (depth > MAX_DEPTH) throw new NotSimple();
  const first = line.charCodeAt(col);
  if (first === 91 || first === 123) return flowCollection(line, col, row, first === 123, depth + 1);
  flowEnd = readScalar(line, col, isFlow);
  return { value: scalarValue, node: { line: row + 1, col: col + 1 } };
}

/** `[a, b]` or `{k: v, k2: [x]}` on one line; no trailing comma, no empty values, no `?` keys. */
function flowCollection(line: string, col: number, row: number, isMap: boolean, depth: number): Parsed {
  const close = isMap ? '}' : ']';
  const list: unknown[] = [];
  const map: Record<string, unknown> = {};
  const node: SimpleNode = { line: row + 1, col: col + 1 };
  if (isMap) node.entries = new Map();
  else node.items = [];
  let at = col + 1 + spacesFrom(line, col + 1);
  if (line[at] !== close) {
    for (;;) {
      if (isMap) {
        const keyEnd = readKey(line, at);
        if (keyEnd < 0 || keyEnd >= line.length) throw new NotSimple();
        const key = keyText;
        if (node.entries!.has(key) || key === '__proto__') throw new NotSimple();
        const valueCol = keyEnd + spacesFrom(line, keyEnd);
        const child = flowValue(line, valueCol, row, true, depth);
        map[key] = child.value;
        node.entries!.set(key, { line: row + 1, col: at + 1, node: child.node });
      } else {
        const child = flowValue(line, at, row, true, depth);
        list.push(child.value);
        node.items!.push(child.node);
      }
      at = flowEnd + spacesFrom(line, flowEnd);
      if (line[at] === close) break;
      if (line[at] !== ',') throw new NotSimple();
      at += 1 + spacesFrom(line, at + 1);
      if (line[at] === close) throw new NotSimple(); // a trailing comma: leave it to yaml
    }
  }
  flowEnd = at + 1;
  return { value: isMap ? map : list, node };
}

/** The value readScalar read last. */
let scalarValue: unknown;

/** A quoted scalar without escapes, or a plain one, into scalarValue; returns the index just after it. */
function readScalar(line: string, col: number, isFlow: boolean): number {
  const first = line[col];
  if (first === undefined) throw new NotSimple();
  if (first === '"' || first === "'") {
    const close = line.indexOf(first, col + 1);
    if (close < 0 || line[close + 1] === first) throw new NotSimple();
    const text = line.slice(col + 1, close);
    if (text.includes('\\')) throw new NotSimple();
    scalarValue = text;
    return close + 1;
  }
  const next = line[col + 1];
  if (PLAIN_START_FORBIDDEN.has(first) || (first === '-' && (next === undefined || next === ' '))) throw new NotSimple();
  // up to a comment (` #`) or the end of the line; in a flow collection also up to `,[]{}`
  let end = line.indexOf(' #', col);
  if (end < 0) end = line.length;
  if (isFlow) {
    FLOW_PLAIN.lastIndex = col;
    FLOW_PLAIN.test(line);
    end = Math.min(end, FLOW_PLAIN.lastIndex);
  }
  while (end > col && line.charCodeAt(end - 1) === 32) end--;
  const text = line.slice(col, end);
  if (text.includes(': ') || text.endsWith(':') || (isFlow && text.includes(':'))) throw new NotSimple();
  scalarValue = resolvePlain(text);
  return end;
}

/** yaml's core schema for a plain scalar, where it is simple; number forms beyond plain decimals give up. */
function resolvePlain(text: string): unknown {
  if (!MAY_RESOLVE.has(text.charCodeAt(0))) return text;
  if (NULL.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (NUMBER_LIKE.test(text)) {
    if (PLAIN_DECIMAL.test(text)) return Number(text);
    throw new NotSimple();
  }
  return text;
}
