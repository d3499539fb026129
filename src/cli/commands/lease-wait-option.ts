import { Option } from 'commander';
import { parseDuration } from '../../manifest/parse-duration.js';

export interface LeaseWaitCliOptions {
  /** `--lease-wait`, in milliseconds; absent: do not wait */
  leaseWait?: number;
}

export const LEASE_WAIT_HELP = 'when another escred holds the lease of a cluster to write, wait up to this long for it ' +
  '(e.g. 30s, 2m; default: do not wait), then fail naming the holder, having written nothing';

/** `--lease-wait <duration>` for apply and rotate (issue 15). */
export function leaseWaitOption(): Option {
  return new Option('--lease-wait <duration>', LEASE_WAIT_HELP).argParser(parseLeaseWait);
}

export function parseLeaseWait(value: string): number {
  const millis = /^(\d{1,9})ms$/.exec(value);
  const ms = value === '0' ? 0 : millis ? Number(millis[1]) : parseDuration(value);
  if (ms === undefined) throw new Error(`--lease-wait must be a duration such as 30s, 2m or 0, got '${value}'`);
  return ms;
}
