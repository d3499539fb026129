import { Option, type Command } from 'commander';
import { parseDuration } from '../../manifest/parse-duration.js';
import { holderIdOfThisProcess, opaqueIdOf } from '../../lease/holder-id.js';

export interface TimeoutCliOptions {
  /** `--timeout`, in milliseconds */
  timeout?: number;
}

export const TIMEOUT_HELP = 'the longest one call to a cluster may take, connect and retries included, e.g. 5s, 500ms, 1m ' +
  "(default: the cluster's timeout in the manifest, else 15s)";

/** `--timeout <duration>` for every command that talks to a cluster. */
export function addTimeoutOption(command: Command): Command {
  return command.addOption(timeoutOption());
}

export function timeoutOption(): Option {
  return new Option('--timeout <duration>', TIMEOUT_HELP).argParser(parseTimeout);
}

export function parseTimeout(value: string): number {
  const millis = /^(\d{1,9})ms$/.exec(value);
  const ms = millis ? Number(millis[1]) : parseDuration(value);
  if (ms === undefined || ms <= 0) throw new Error(`--timeout must be a duration longer than 0 such as 500ms, 5s or 1m, got '${value}'`);
  return ms;
}

/** what openPass and createClusterConnection take; every request says which escred sent it (X-Opaque-Id: escred/<holder id>, issue 15) */
export function connectionOptions(options: TimeoutCliOptions): { timeoutMs?: number; opaqueId: string } {
  return { ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}), opaqueId: opaqueIdOf(holderIdOfThisProcess()) };
}
