/**
 * A bound on nesting, checked on the raw text before the YAML parser sees it: the parser recurses
 * per level, and 100k nested `[` made it run out of memory instead of reporting an error. A real
 * manifest nests about 8 levels; the bound is far above that.
 */
export const MAX_NESTING_DEPTH = 64;

export interface NestingViolation {
  line: number;
  col: number;
  depth: number;
}

/**
 * Counts flow brackets (`[`, `{`) and block indentation levels. Deliberately rough: brackets inside
 * quoted strings and comments are counted too, so a text may be rejected that a full parser would
 * accept, but only if it has more than MAX_NESTING_DEPTH unclosed brackets, which no manifest has.
 */
export function findExcessiveNesting(text: string, maxDepth = MAX_NESTING_DEPTH): NestingViolation | undefined {
  let flowDepth = 0;
  const indents: number[] = [];
  let line = 1;
  let lineStart = 0;
  let isLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
      lineStart = i + 1;
      isLineStart = true;
      continue;
    }
    if (isLineStart && ch !== 32 && ch !== 9 && ch !== 13) {
      const indent = i - lineStart;
      // A `- ` entry opens a level and its content (maybe `- - x`) sits deeper on the same line.
      const next = text.charCodeAt(i + 1);
      const isEntry = ch === 45 && (Number.isNaN(next) || next === 32 || next === 10 || next === 13);
      isLineStart = isEntry;
      // `#` comments do not open a level.
      if (ch !== 35) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length + flowDepth > maxDepth) return { line, col: indent + 1, depth: indents.length + flowDepth };
      }
      if (isEntry) continue;
    }
    if (ch === 91 || ch === 123) {
      flowDepth++;
      if (indents.length + flowDepth > maxDepth) return { line, col: i - lineStart + 1, depth: indents.length + flowDepth };
    } else if ((ch === 93 || ch === 125) && flowDepth > 0) {
      flowDepth--;
    }
  }
  return undefined;
}
