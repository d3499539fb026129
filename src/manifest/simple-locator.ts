import type { DiagnosticPosition } from './diagnostic.js';
import type { DataPath, ManifestLocator } from './manifest-locator.js';
import type { SimpleNode } from './simple-yaml.js';

type Place = { line: number; col: number };

/**
 * NodeLocator's answers (same rules: a path that does not exist resolves to the deepest node that
 * does, a list item's key is the item) over the fast reader's nodes, which already hold line and column.
 */
export class SimpleLocator implements ManifestLocator {
  constructor(readonly file: string, private readonly root: SimpleNode) {}

  value(path: DataPath): DiagnosticPosition {
    return this.position(this.walk(path).node);
  }

  key(path: DataPath): DiagnosticPosition {
    const { node, keyPlace } = this.walk(path);
    return this.position(keyPlace ?? node);
  }

  private walk(path: DataPath): { node: SimpleNode; keyPlace?: Place } {
    let node = this.root;
    let keyPlace: Place | undefined;
    for (const segment of path) {
      if (node.entries) {
        const entry = node.entries.get(String(segment));
        if (!entry) return { node };
        keyPlace = entry;
        node = entry.node;
      } else if (node.items) {
        const item = node.items[Number(segment)];
        if (item === undefined) return { node };
        node = item;
        keyPlace = item;
      } else {
        return { node };
      }
    }
    return { node, keyPlace };
  }

  private position(place: Place): DiagnosticPosition {
    return { file: this.file, line: place.line, col: place.col };
  }
}
