import type { Command } from 'commander';

/** Each command module exports one `registerXCommand(program)`; add it here. */
export const COMMAND_REGISTRARS: ReadonlyArray<(program: Command) => void> = [];
