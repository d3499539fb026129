#!/usr/bin/env node
import { createProgram } from './program.js';

// The only place that turns a thrown error into an exit code; commands set process.exitCode themselves.
createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`escred: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
