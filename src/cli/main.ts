#!/usr/bin/env node
/**
 * The `aekit` command line. Only this file prints usage and sets exit codes; everything it calls throws.
 */
import { Command, CommanderError } from 'commander';
import { evaluateCommand } from './commands/evaluate.js';
import { reconstructCommand } from './commands/reconstruct.js';
import { summaryCommand } from './commands/summary.js';
import { trainCommand } from './commands/train.js';
import { generateCommand } from './commands/generate.js';
import { interpolateCommand } from './commands/interpolate.js';
import { denoiseCommand } from './commands/denoise.js';
import { encodeCommand } from './commands/encode.js';
import { mapCommand } from './commands/map.js';
import { anomaliesCommand } from './commands/anomalies.js';
import { reportCommand } from './commands/report.js';
import { pretrainingCommand } from './commands/pretraining.js';

const KNOWN_ERRORS = new Set(['DataError', 'ModelIOError', 'BackendError', 'RangeError', 'UsageError']);

function fail(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  const known = KNOWN_ERRORS.has(e.constructor.name) || 'code' in e;
  console.error(`aekit: ${e.message}`);
  if (process.env.AEKIT_DEBUG === '1') console.error(e.stack);
  else if (!known) console.error('(unexpected error: run again with AEKIT_DEBUG=1 for details, and please report it)');
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('aekit')
    .description('aekit: build, train, inspect and reuse autoencoders (TensorFlow.js Layers API)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const make of [summaryCommand, trainCommand, evaluateCommand, reconstructCommand, generateCommand, interpolateCommand, denoiseCommand, encodeCommand, mapCommand, anomaliesCommand, reportCommand, pretrainingCommand]) {
    program.addCommand(make().exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    fail(err);
  }
}

process.on('unhandledRejection', fail);
await main(process.argv);
