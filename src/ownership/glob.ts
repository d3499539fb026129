/** Ownership and protection patterns: only `*` is special (any run of characters). */
export function matchesGlob(pattern: string, name: string): boolean {
  return globRegExp(pattern).test(name);
}

/** Compiled once per pattern: a 5,000-token manifest asks the same few patterns once per token (issue 16). */
const compiledGlobs = new Map<string, RegExp>();

function globRegExp(pattern: string): RegExp {
  let compiled = compiledGlobs.get(pattern);
  if (!compiled) {
    const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    compiled = new RegExp(`^${escaped.join('.*')}$`);
    // bounded: a daemon reading edited manifests for months must not keep every pattern it ever saw
    if (compiledGlobs.size >= 1000) compiledGlobs.clear();
    compiledGlobs.set(pattern, compiled);
  }
  return compiled;
}

export function matchesAny(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => matchesGlob(pattern, name));
}
