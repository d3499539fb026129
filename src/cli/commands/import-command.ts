import { Option, type Command } from 'commander';
import { timeoutOption } from './timeout-option.js';

interface ImportCommandOptions {
  file?: string[];
  out?: string;
  force?: boolean;
  timeout?: number;
  output: 'human' | 'json';
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Write a manifest from what a live cluster has, to adopt escred without deleting anything.')
    .argument('<cluster>', 'a cluster declared in the manifest (its URL, auth and TLS are used to connect)')
    .option('-f, --file <paths...>', 'manifest files or folders declaring the cluster (default: ./escred.yaml)')
    .option('--out <file>', 'write the manifest here instead of stdout')
    .option('--force', 'overwrite --out if it exists')
    .addOption(timeoutOption())
    .addOption(new Option('--output <format>', 'human: the manifest as YAML; json: one JSON document with the manifest in it').choices(['human', 'json']).default('human'))
    .addHelpText('after', '\nThe manifest declares every token the cluster has, with prune: none and no owns, and pins the\ncluster UUID: applying it changes nothing. Then narrow it down and add ownership rules.')
    .action(async (cluster: string, options: ImportCommandOptions) => {
      const { runImport } = await import('../run-import.js');
      process.exitCode = await runImport(cluster, options);
    });
}
