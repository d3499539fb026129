import { readFileSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { Diagnostic } from '../../manifest/diagnostic.js';

/** Where the command writes and what it knows of its terminal; tests inject their own. */
export interface ValidateCommandIo {
  write: (text: string) => void;
  writeError: (text: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: () => string;
  setExitCode: (code: number) => void;
}

interface ValidateOptions {
  output: 'human' | 'json';
  esVersion?: string;
}

const DEFAULT_MANIFEST = 'escred.yaml';
/** the excerpt reader skips files the loader refused to read for their size */
const MAX_EXCERPT_SOURCE_BYTES = 1024 * 1024;

export function registerValidateCommand(program: Command, io: Partial<ValidateCommandIo> = {}): void {
  const resolved: ValidateCommandIo = {
    write: (text) => process.stdout.write(text),
    writeError: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
    cwd: () => process.cwd(),
    setExitCode: (code) => {
      process.exitCode = code;
    },
    ...io,
  };
  program
    .command('validate')
    .description('check manifest files (or directories of *.yaml) without contacting any cluster; exit 1 on any error')
    .argument('[paths...]', `manifest files or directories (default: ${DEFAULT_MANIFEST})`)
    .addOption(new Option('--output <format>', 'output format').choices(['human', 'json']).default('human'))
    .option('--es-version <version>', 'Elasticsearch version for the built-in service account check (default: any version)')
    .action(async (paths: string[], options: ValidateOptions) => {
      resolved.setExitCode(await runValidate(paths, options, resolved));
    });
}

async function runValidate(paths: string[], options: ValidateOptions, io: ValidateCommandIo): Promise<number> {
  // Loaded here, not at the top: other commands should not pay for the manifest code at start-up.
  const { loadManifest, resolveManifestPaths } = await import('../../manifest/load-manifest.js');
  const cwd = io.cwd();
  if (options.esVersion !== undefined && !/^\d+\.\d+(\.\d+)?/.test(options.esVersion)) {
    const message = `--es-version: not an Elasticsearch version: ${options.esVersion} (e.g. 8.17.0)`;
    if (options.output === 'json') io.write(`${JSON.stringify({ formatVersion: 1, error: { code: 'ESCRED_USAGE', message } }, null, 2)}\n`);
    io.writeError(`escred: ${message}\n`);
    return 1;
  }
  const args = paths.length > 0 ? paths : [DEFAULT_MANIFEST];
  let files: string[];
  try {
    files = await resolveManifestPaths(args, cwd);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = paths.length === 0 ? ` (no paths given, so ${DEFAULT_MANIFEST} in ${cwd} was tried)` : '';
    if (options.output === 'json') {
      const diagnostic: Diagnostic = { severity: 'error', code: 'ESCRED_FILE_UNREADABLE', message: `${message}${hint}`,
        file: args[0] ?? DEFAULT_MANIFEST, line: 1, col: 1 };
      io.write(`${JSON.stringify({ formatVersion: 1, valid: false, diagnostics: [diagnostic] }, null, 2)}\n`);
    } else {
      io.writeError(`escred: ${message}${hint}\n`);
    }
    return 1;
  }
  const loadOptions = options.esVersion === undefined ? { cwd } : { cwd, knownVersion: options.esVersion };
  const { desired, diagnostics } = await loadManifest(files, loadOptions);
  const isValid = desired !== null;
  if (options.output === 'json') {
    io.write(`${JSON.stringify({ formatVersion: 1, valid: isValid, diagnostics }, null, 2)}\n`);
    return isValid ? 0 : 1;
  }
  const { renderDiagnostics } = await import('../render-diagnostics.js');
  const { isColorWantedFor } = await import('../terminal.js');
  const isColor = isColorWantedFor(io.isTty, io.env);
  io.write(renderDiagnostics(diagnostics, readExcerptSource, { isColor, cwd }));
  io.write(`${summary(files.length, diagnostics, isValid)}\n`);
  return isValid ? 0 : 1;
}

function summary(fileCount: number, diagnostics: Diagnostic[], isValid: boolean): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = `${fileCount} ${fileCount === 1 ? 'file' : 'files'}`;
  const counts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean);
  return isValid
    ? `valid: ${files}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`
    : `invalid: ${counts.join(', ')} in ${files}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function readExcerptSource(file: string): string | undefined {
  try {
    // stat by path before opening: opening a FIFO for reading would block.
    const info = statSync(file);
    if (!info.isFile() || info.size > MAX_EXCERPT_SOURCE_BYTES) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
