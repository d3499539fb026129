import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { PRINCIPAL } from '../../es/principal.js';

export interface ScopeCliOptions {
  /** from --cluster, declared with the file-token options (node mode uses the same flag) */
  cluster?: string[];
  account?: string[];
}

function collectAccount(value: string, previous: string[] = []): string[] {
  if (!PRINCIPAL.test(value)) throw new ConfigError(`--account ${value}: write the service account as namespace/service, e.g. elastic/kibana`);
  return [...previous, value];
}

/** `--account NS/SVC` (repeatable), Terraform's -target for service accounts; `--cluster` comes with the file-token options. */
export function addScopeOptions(command: Command): Command {
  return command.option('--account <ns/svc>', 'only this service account (repeatable; the plan is partial, as with terraform -target)', collectAccount);
}
