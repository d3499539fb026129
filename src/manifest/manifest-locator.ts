import type { DiagnosticPosition } from './diagnostic.js';

export type DataPath = ReadonlyArray<string | number>;

/**
 * Maps a path in the plain data (from the parse, or an ajv instancePath) back to where it was
 * written. Two implementations: NodeLocator over yaml's Document, SimpleLocator over the fast
 * reader's nodes (simple-yaml.ts); both answer with yaml's positions.
 */
export interface ManifestLocator {
  readonly file: string;
  /** Where the value at `path` starts. */
  value(path: DataPath): DiagnosticPosition;
  /** Where the key of the last path segment is written (the value's position for list items). */
  key(path: DataPath): DiagnosticPosition;
}

/** Parses an ajv instancePath (JSON pointer) into segments; numbers stay strings and match list indexes. */
export function pathFromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}
