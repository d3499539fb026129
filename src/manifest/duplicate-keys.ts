import { isScalar, visit, type Document, type LineCounter } from 'yaml';
import { DIAGNOSTIC_CODES, errorAt, type Diagnostic } from './diagnostic.js';

/**
 * Duplicate map keys, each pointing at the first one. Done here in one pass with a Set per map
 * instead of yaml's `uniqueKeys`, which compares every key with every earlier one: 40k keys in
 * one map took 6 s that way. Keys compare as strings, as they end up in the loaded object.
 */
export function findDuplicateKeys(file: string, document: Document.Parsed, lineCounter: LineCounter, limit: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Depth is bounded by findExcessiveNesting, so the recursive visit is safe.
  visit(document, {
    Map(_key, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) continue;
        const name = String(pair.key.value);
        const first = seen.get(name);
        if (first === undefined) {
          seen.set(name, pair.key.range[0]);
          continue;
        }
        diagnostics.push({
          ...errorAt({ file, ...lineCounter.linePos(pair.key.range[0]) }, DIAGNOSTIC_CODES.duplicateKey,
            `duplicate key "${name}": map keys must be unique`),
          related: [{ file, ...lineCounter.linePos(first), message: 'first written here' }],
        });
        if (diagnostics.length >= limit) return visit.BREAK;
      }
      return undefined;
    },
  });
  return diagnostics;
}
