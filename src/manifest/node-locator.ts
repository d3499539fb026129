import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { DiagnosticPosition } from './diagnostic.js';
import { pathFromPointer, type DataPath, type ManifestLocator } from './manifest-locator.js';

export type { DataPath } from './manifest-locator.js';

/**
 * Maps a path in the plain data (from toJS, or an ajv instancePath) back to where it was written.
 * A path that does not exist in the document (a missing required key) resolves to the deepest
 * node that does, which is the object the key is missing from.
 */
export class NodeLocator implements ManifestLocator {
  private readonly index = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    readonly file: string,
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Where the value at `path` starts. */
  value(path: DataPath): DiagnosticPosition {
    return this.position(this.walk(path).node);
  }

  /** Where the key of the last path segment is written (the value's position for list items). */
  key(path: DataPath): DiagnosticPosition {
    const { node, keyNode } = this.walk(path);
    return this.position(keyNode ?? node);
  }

  /** Parses an ajv instancePath (JSON pointer) into segments; numbers stay strings and match list indexes. */
  static fromPointer(pointer: string): string[] {
    return pathFromPointer(pointer);
  }

  private walk(path: DataPath): { node: Node | null; keyNode?: Node | null } {
    let node = this.resolve(this.document.contents);
    let keyNode: Node | null | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = this.pairsOf(node).get(String(segment));
        if (!pair) return { node, keyNode: undefined };
        keyNode = pair.key as Node | null;
        node = this.resolve(pair.value as Node | null) ?? keyNode;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (item === undefined) return { node, keyNode: undefined };
        node = this.resolve(item);
        keyNode = node;
      } else {
        return { node, keyNode: undefined };
      }
    }
    return { node, keyNode };
  }

  /** Key -> first pair, built once per map: a lookup per key must not scan a 40k-key map. */
  private pairsOf(map: YAMLMap): Map<string, Pair> {
    let pairs = this.index.get(map);
    if (!pairs) {
      pairs = new Map();
      for (const item of map.items) {
        const key = keyText(item.key);
        if (isPair(item) && key !== undefined && !pairs.has(key)) pairs.set(key, item as Pair);
      }
      this.index.set(map, pairs);
    }
    return pairs;
  }

  private resolve(node: Node | null): Node | null {
    // Bounded: aliases were already expanded once (with maxAliasCount) by toJS.
    for (let hops = 0; isAlias(node) && hops < 64; hops++) node = (node.resolve(this.document) ?? null) as Node | null;
    return node;
  }

  private position(node: Node | null | undefined): DiagnosticPosition {
    const offset = node?.range?.[0] ?? 0;
    return { file: this.file, ...this.lineCounter.linePos(offset) };
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}
