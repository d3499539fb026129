/**
 * owns/protect patterns speak only `*` (any run of characters, see plan/glob.ts). A user who writes
 * `keep-?` or `keep-[12]` means a glob escred does not speak; matched literally, such a pattern
 * protects nothing and the token it meant is pruned (issue 20, item 6). So any character a name can
 * never contain is an error, and a pattern no possible name matches (`_x*` for tokens, `team` for
 * accounts) is a warning: it is dead text that looks like a rule.
 */
import { ACCOUNT_COMPONENT, MAX_ACCOUNT_COMPONENT_LENGTH, isReservedNamespace } from '../es/principal.js';
import { MAX_TOKEN_NAME_LENGTH } from '../es/token-name.js';
import { DIAGNOSTIC_CODES, errorAt, warningAt } from './diagnostic.js';
import type { DataPath } from './node-locator.js';
import type { NormalizeContext } from './normalize-context.js';

/**
 * The names a pattern is matched against, as a small automaton over one name's characters: the
 * pattern check walks it, so "can this pattern match any valid name" is answered exactly.
 * A state is a number; `step` answers undefined where the name rule forbids the character.
 */
interface NameRules {
  /** what the names are, for messages: "token name" */
  what: string;
  /** the rule in words, for the can-match-nothing warning */
  rule: string;
  /** one character a name may contain */
  isNameCharacter: (character: string) => boolean;
  /** one character of each class the rule tells apart: what `*` is tried with */
  representatives: readonly string[];
  step: (state: number, character: string) => number | undefined;
  isComplete: (state: number) => boolean;
  /** a rule the automaton does not carry (the reserved namespace); true: nothing can match */
  isExcluded?: (pattern: string) => boolean;
}

/** spec section 2: 1-256 of A-Z a-z 0-9 - _, not starting with `_`. State: the length so far. */
const TOKEN_NAMES: NameRules = {
  what: 'token name',
  rule: 'token names are 1-256 of A-Z a-z 0-9 - _ and do not begin with _',
  isNameCharacter: (character) => /^[A-Za-z0-9_-]$/.test(character),
  representatives: ['a', '_'],
  step: (length, character) => (length >= MAX_TOKEN_NAME_LENGTH || (length === 0 && character === '_') ? undefined : length + 1),
  isComplete: (length) => length >= 1,
};

/** States of an account principal: the namespace's length n is state n, the service name's n is SERVICE + n. */
const SERVICE = MAX_ACCOUNT_COMPONENT_LENGTH + 1;

/** `namespace/service`, each component ACCOUNT_COMPONENT and at most 128 characters; never `elastic`. */
const ACCOUNT_PRINCIPALS: NameRules = {
  what: 'user-managed service account',
  rule: 'accounts are namespace/service, each part 1-128 of A-Z a-z 0-9 - _ beginning with a letter or digit, never in the elastic namespace',
  isNameCharacter: (character) => /^[A-Za-z0-9_/-]$/.test(character),
  representatives: ['a', '_', '/'],
  step: (state, character) => {
    const isService = state >= SERVICE;
    const length = isService ? state - SERVICE : state;
    if (character === '/') return !isService && length > 0 ? SERVICE : undefined;
    if (length === 0 && !ACCOUNT_COMPONENT.test(character)) return undefined;
    return length >= MAX_ACCOUNT_COMPONENT_LENGTH ? undefined : state + 1;
  },
  isComplete: (state) => state > SERVICE,
  isExcluded: (pattern) => {
    const namespace = pattern.split('/')[0] ?? '';
    return pattern.includes('/') && !namespace.includes('*') && isReservedNamespace(namespace);
  },
};

/** The `owns` and `protect` of a service account: patterns over its token names. */
export function checkTokenPatterns(context: NormalizeContext, raw: { owns?: string | string[]; protect?: string | string[] }, path: DataPath): void {
  for (const field of ['owns', 'protect'] as const) checkPatterns(context, raw[field], [...path, field], field, TOKEN_NAMES);
}

/** `userManagedAccounts.owns` and `.protect`: patterns over account principals. */
export function checkAccountPatterns(context: NormalizeContext, raw: { owns?: string | string[]; protect?: string | string[] } | undefined, path: DataPath): void {
  for (const field of ['owns', 'protect'] as const) {
    checkPatterns(context, raw?.[field], [...path, field], `userManagedAccounts.${field}`, ACCOUNT_PRINCIPALS);
  }
}

function checkPatterns(context: NormalizeContext, value: string | string[] | undefined, path: DataPath, label: string, rules: NameRules): void {
  if (value === undefined) return;
  const entries: Array<[string, DataPath]> = typeof value === 'string' ? [[value, path]] : value.map((pattern, index) => [pattern, [...path, index]]);
  for (const [pattern, where] of entries) {
    const strange = [...new Set([...pattern].filter((character) => character !== '*' && !rules.isNameCharacter(character)))];
    if (strange.length > 0) {
      context.diagnostics.push(errorAt(context.locator.value(where), DIAGNOSTIC_CODES.patternCharacter,
        `${label} pattern ${JSON.stringify(pattern)} contains ${strange.map((c) => JSON.stringify(c)).join(', ')}, which no ${rules.what} ` +
        'can contain: escred\'s patterns only know * (any run of characters), not ?, [...] or {a,b}; write the names out or use *'));
    } else if (!canMatchSomeName(pattern, rules)) {
      context.diagnostics.push(warningAt(context.locator.value(where), DIAGNOSTIC_CODES.patternMatchesNothing,
        `${label} pattern ${JSON.stringify(pattern)} can never match: ${rules.rule}`));
    }
  }
}

/**
 * Walks the pattern over the name automaton, keeping every state some prefix of a match can be in
 * (a `*` adds all states reachable by any characters). States are bounded by the maximum length,
 * so this is linear in the pattern's length.
 */
function canMatchSomeName(pattern: string, rules: NameRules): boolean {
  if (rules.isExcluded?.(pattern)) return false;
  let states = new Set<number>([0]);
  for (const character of pattern.replace(/\*+/g, '*')) {
    states = character === '*' ? reachable(states, rules) : stepAll(states, character, rules);
    if (states.size === 0) return false;
  }
  return [...states].some(rules.isComplete);
}

function stepAll(states: ReadonlySet<number>, character: string, rules: NameRules): Set<number> {
  const next = new Set<number>();
  for (const state of states) {
    const after = rules.step(state, character);
    if (after !== undefined) next.add(after);
  }
  return next;
}

function reachable(states: ReadonlySet<number>, rules: NameRules): Set<number> {
  const seen = new Set(states);
  const queue = [...states];
  for (let state = queue.pop(); state !== undefined; state = queue.pop()) {
    for (const character of rules.representatives) {
      const after = rules.step(state, character);
      if (after !== undefined && !seen.has(after)) {
        seen.add(after);
        queue.push(after);
      }
    }
  }
  return seen;
}
