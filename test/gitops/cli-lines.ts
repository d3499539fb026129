/**
 * Every `escred ...` command line in the examples must parse with the real CLI: each --flag it
 * uses is one the subcommand's --help lists (node dist/cli/main.js <command> --help, built by pretest).
 */
import { spawnSync } from 'node:child_process';
import { CLI } from '../support/e2e-harness.js';

const helpCache = new Map<string, Set<string>>();

export function flagsOf(command: string): Set<string> {
  const cached = helpCache.get(command);
  if (cached) return cached;
  const result = spawnSync(process.execPath, [CLI, ...command.split(' '), '--help'], { encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`escred ${command} --help failed: ${result.stderr}`);
  // option lines look like "  --listen <host:port>  ..." or "  -h, --help"
  const flags = new Set([...result.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]!));
  helpCache.set(command, flags);
  return flags;
}

export interface CliLine {
  /** the subcommand, e.g. "plan" or "sink vault-kv2" */
  command: string;
  flags: string[];
  text: string;
}

/** `escred plan "$X" --output markdown --out f` -> { command: 'plan', flags: ['--output', '--out'] } */
export function parseCliLine(text: string): CliLine {
  const words = text.trim().split(/\s+/);
  if (words[0] !== 'escred') throw new Error(`not an escred command line: ${text}`);
  const command = words[1] === 'sink' ? `sink ${words[2]}` : words[1]!;
  const flags = words.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]!);
  return { command, flags, text };
}

export function unknownFlags(line: CliLine): string[] {
  const known = flagsOf(line.command);
  return line.flags.filter((f) => !known.has(f));
}
