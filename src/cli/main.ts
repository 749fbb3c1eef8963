#!/usr/bin/env node
/**
 * The `aekit` command line. Only this file prints usage and sets exit codes; everything it calls
 * throws. Commands are declared as data below and loaded only when they run, so `aekit --help`
 * starts no engine.
 */
import { Command, CommanderError, Help } from 'commander';
import { AekitError } from '../core/errors.js';
import { flagOf } from './names.js';

/** A command: its name, usage, one-line summary, and the module that builds it. */
interface CommandEntry {
  name: string;
  usage: string;
  summary: string;
  load: () => Promise<Command>;
}

/** Every command, in the order `aekit --help` lists them. */
const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'summary',
    usage: '[options] <model>',
    summary: 'layers, output shapes and parameter counts of a model',
    load: async () => (await import('./commands/summary.js')).summaryCommand(),
  },
  {
    name: 'train',
    usage: '[options] <model>',
    summary: 'train a model and write a run directory',
    load: async () => (await import('./commands/train.js')).trainCommand(),
  },
  {
    name: 'resume',
    usage: '<run-dir>',
    summary: 'continue an interrupted run from its last checkpoint',
    load: async () => (await import('./commands/resume.js')).resumeCommand(),
  },
  {
    name: 'evaluate',
    usage: '[options] <run-dir>',
    summary: "a run's loss and rounded accuracy on the validation and test sets",
    load: async () => (await import('./commands/evaluate.js')).evaluateCommand(),
  },
  {
    name: 'reconstruct',
    usage: '[options] <run-dir>',
    summary: 'draw images and their reconstructions as a PNG',
    load: async () => (await import('./commands/reconstruct.js')).reconstructCommand(),
  },
  {
    name: 'generate',
    usage: '[options] <run-dir>',
    summary: "decode random codings with a VAE run's decoder",
    load: async () => (await import('./commands/generate.js')).generateCommand(),
  },
  {
    name: 'interpolate',
    usage: '[options] <run-dir>',
    summary: "decode points between two images' codings (VAE runs)",
    load: async () => (await import('./commands/interpolate.js')).interpolateCommand(),
  },
  {
    name: 'denoise',
    usage: '[options] <run-dir>',
    summary: "clean images with a run's autoencoder",
    load: async () => (await import('./commands/denoise.js')).denoiseCommand(),
  },
  {
    name: 'encode',
    usage: '[options] <run-dir>',
    summary: "write a split's codings as CSV or .npy",
    load: async () => (await import('./commands/encode.js')).encodeCommand(),
  },
  {
    name: 'map',
    usage: '[options] <run-dir>',
    summary: 'draw the codings in 2-D (t-SNE, UMAP, PCA) with k-NN accuracies',
    load: async () => (await import('./commands/map.js')).mapCommand(),
  },
  {
    name: 'anomalies',
    usage: '[options] <run-dir>',
    summary: 'score images by reconstruction error, with a threshold and ROC AUC',
    load: async () => (await import('./commands/anomalies.js')).anomaliesCommand(),
  },
  {
    name: 'benchmark',
    usage: '[options] <one-class|holdout>',
    summary: 'anomaly benchmarks on labelled images: one-class and leave-one-class-out ROC AUCs',
    load: async () => (await import('./commands/benchmark.js')).benchmarkCommand(),
  },
  {
    name: 'report',
    usage: '[options] <run-dir>',
    summary: 'one self-contained HTML page about a run',
    load: async () => (await import('./commands/report.js')).reportCommand(),
  },
  {
    name: 'serve',
    usage: '[options] <run-dir>',
    summary: "a local page that runs a run's model in the browser: reconstructions, map, latent sliders",
    load: async () => (await import('./commands/serve.js')).serveCommand(),
  },
  {
    name: 'export',
    usage: '[options] <run-dir>',
    summary: 'the page of serve, with the model, as a static site for any web host',
    load: async () => (await import('./commands/serve.js')).exportCommand(),
  },
  {
    name: 'nab',
    usage: '<command> [options]',
    summary: "the Numenta Anomaly Benchmark: score a detector's results as NAB does (nab score)",
    load: async () => (await import('./commands/nab.js')).nabCommand(),
  },
  {
    name: 'pretraining',
    usage: '[options]',
    summary: 'unsupervised pretraining: classifiers on few labels, scratch vs pretrained',
    load: async () => (await import('./commands/pretraining.js')).pretrainingCommand(),
  },
];

/** Exit codes: 1 for bad input and failures aekit explains, 2 for commander's usage errors, 70 for bugs. */
const EXIT = { failure: 1, internal: 70 } as const;

/** How an argument of the library is called on the command line. */
function nameOnCommandLine(argument: string): string {
  if (argument === 'runDir') return 'RUN_DIR';
  return argument === 'model' ? 'model' : flagOf(argument);
}

function fail(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  const known = e instanceof AekitError || (e as { code?: unknown }).code !== undefined;
  console.error(`aekit: ${e instanceof AekitError ? e.describe(nameOnCommandLine) : e.message}`);
  if (process.env.AEKIT_DEBUG === '1') console.error(e.stack);
  else if (!known) console.error('(unexpected error: run again with AEKIT_DEBUG=1 for details, and please report it)');
  process.exit(known ? EXIT.failure : EXIT.internal);
}

/** How `aekit --help` lists a command: its usage from {@link COMMANDS}, commander's own term for `help`. */
function termOf(command: Command): string {
  const entry = COMMANDS.find((e) => e.name === command.name());
  return entry === undefined ? new Help().subcommandTerm(command) : `${entry.name} ${entry.usage}`;
}

/** The command the arguments ask for (`aekit help NAME` included), if it is one of {@link COMMANDS}. */
function requested(args: string[]): CommandEntry | undefined {
  const first = args.findIndex((a) => !a.startsWith('-'));
  if (first < 0) return undefined;
  const name = args[first] === 'help' ? args[first + 1] : args[first];
  return COMMANDS.find((c) => c.name === name);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('aekit')
    .description('aekit: build, train, inspect and reuse autoencoders (TensorFlow.js Layers API)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ subcommandTerm: (c) => termOf(c) })
    .exitOverride();
  const wanted = requested(argv.slice(2));
  for (const entry of COMMANDS) {
    const command = entry === wanted ? await entry.load() : new Command(entry.name).usage(entry.usage);
    command.summary(entry.summary);
    program.addCommand(command.exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    fail(err);
  }
}

process.on('unhandledRejection', fail);
try {
  await main(process.argv);
} catch (err) {
  fail(err);
}
