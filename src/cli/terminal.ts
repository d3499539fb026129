import { createInterface } from 'node:readline/promises';

/** Colour on a terminal, as Node decides it: FORCE_COLOR first, then NO_COLOR, then whether it is a TTY. */
export function isColorWanted(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return isColorWantedFor(stream.isTTY === true, env);
}

/** FORCE_COLOR values that turn colour on (Node's documented set; chalk/supports-color read them alike). */
const FORCE_COLOR_ON = new Set(['', '1', 'true', '2', '3']);

/**
 * Node's rule (nodejs.org/api/cli.html#force_color1-2-3): FORCE_COLOR set to 1, true, the empty
 * string, 2 or 3 turns colour on, even into a pipe, and NO_COLOR is then ignored; set to anything
 * else (0, false) it turns colour off. Unset: NO_COLOR (non-empty, https://no-color.org) turns it
 * off, and otherwise colour goes only to a terminal.
 */
export function isColorWantedFor(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return FORCE_COLOR_ON.has(force);
  return isTty && (env.NO_COLOR ?? '') === '';
}

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Terraform's rule: only the exact word "yes" approves. */
export async function confirm(question: string): Promise<boolean> {
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await reader.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    return answer.trim() === 'yes';
  } finally {
    reader.close();
  }
}

/** A count that must be at least 1 (`--concurrency`): 0, negatives, fractions and words are refused. */
export function parseCountAtLeastOne(value: string, name: string): number {
  const parsed = parsePositiveInteger(value, name);
  if (parsed < 1) throw new Error(`${name} must be at least 1, got '${value}'`);
  return parsed;
}

/** A whole number >= 0 (`--max-deletions 0` and `--port 0` mean something). */
export function parsePositiveInteger(value: string, name: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new Error(`${name} must be a whole number, got '${value}'`);
  return parsed;
}
