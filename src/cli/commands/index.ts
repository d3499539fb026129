import type { Command } from 'commander';
import { registerAccountsCommand } from './accounts-command.js';
import { registerApplyCommand } from './apply-command.js';
import { registerEmulatorCommand } from './emulator-command.js';
import { registerImportCommand } from './import-command.js';
import { registerPlanCommand } from './plan-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRevokeCommand } from './revoke-command.js';
import { registerRotateCommand } from './rotate-command.js';
import { registerSinkCommand } from './sink-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerWatchCommand } from './watch-command.js';

/**
 * Each command module exports one `registerXCommand(program)`; add it here. Registrars import
 * nothing heavy: each action loads its implementation lazily, so `escred --version` stays fast.
 */
export const COMMAND_REGISTRARS: ReadonlyArray<(program: Command) => void> = [
  registerValidateCommand,
  registerPlanCommand,
  registerApplyCommand,
  registerRotateCommand,
  registerRevokeCommand,
  registerReportCommand,
  registerImportCommand,
  registerWatchCommand,
  registerAccountsCommand,
  registerEmulatorCommand,
  registerSinkCommand,
];
