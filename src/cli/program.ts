import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { COMMAND_REGISTRARS } from './commands/index.js';

function packageVersion(): string {
  const packageJson = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/** Builds the commander program; tests call this to run commands in-process. */
export function createProgram(): Command {
  const program = new Command('escred')
    .description('Elasticsearch service-account credentials as code')
    .version(packageVersion())
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const register of COMMAND_REGISTRARS) register(program);
  return program;
}
