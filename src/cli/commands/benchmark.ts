/** `aekit benchmark one-class|holdout`: the anomaly benchmarks on labelled images, per class. */
import { Command } from 'commander';
import { ANOMALY_SCORES, COMBINED_SCORES } from '../../analysis/detector.js';
import type { BackendName } from '../../engine/backend.js';
import {
  type AnomalyBenchmarkMode,
  anomalyBenchmark,
  type BenchmarkProtocol,
  DEFAULT_BENCHMARK_SCORE,
} from '../../runs/anomaly-benchmark.js';
import { recipeNames } from '../../runs/recipes/index.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../training/optimizers.js';
import { imageSizeFlag } from '../data-flags.js';
import {
  anomalyScoreFlag,
  backendOption,
  choiceFlag,
  classListFlag,
  dataDirOption,
  intFlag,
  positiveFlag,
  UsageError,
} from '../options.js';
import { decodingProgress, terminalProgress } from '../progress.js';
import { stopOnSignals } from '../signals.js';

interface BenchmarkFlags {
  dataset: 'fashion-mnist' | 'images';
  images?: string;
  imageSize?: { height: number; width: number };
  color?: 'grey' | 'rgb';
  normalize?: 'none' | 'gcn';
  dataDir?: string;
  classes?: number[];
  score: string;
  protocol: BenchmarkProtocol;
  model: string;
  epochs: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  seed: number;
  k: number;
  maxReference: number;
  backend: BackendName;
  out: string;
}

function benchmarkSubcommand(mode: AnomalyBenchmarkMode): Command {
  const what =
    mode === 'one-class'
      ? "GEOM's one-class protocol: per class, train on that class's training images only and score the whole test split"
      : 'leave-one-class-out: per class, train on every other class and score the whole test split (that class anomalous)';
  return new Command(mode)
    .description(
      `${what}; ROC AUC per class and score. Writes OUT/results.json (score, mean_auc, classes, all_scores), results.md (beside the published numbers) and roc.png`,
    )
    .option(
      '--dataset <name>',
      'fashion-mnist, or images (with --images DIR holding train/<class>/ and test/<class>/)',
      choiceFlag(['fashion-mnist', 'images'] as const),
      'fashion-mnist',
    )
    .option('--images <dir>', 'the image folder of --dataset images')
    .option('--image-size <HxW>', 'decode the folder at this size (default: the first image’s)', imageSizeFlag)
    .option('--color <mode>', 'grey or rgb (default: rgb if any image has colour)', choiceFlag(['grey', 'rgb'] as const))
    .option(
      '--normalize <method>',
      "none (pixel / 255) or gcn (each image's global contrast normalised, mapped to [0, 1]) (default none)",
      choiceFlag(['none', 'gcn'] as const),
    )
    .addOption(dataDirOption())
    .option('--classes <list>', 'class indices to run, e.g. 0,6,8 (default: all)', classListFlag)
    .option(
      '--score <name>',
      `the score reported as the result: ${ANOMALY_SCORES.join(', ')}, or a + sum (${COMBINED_SCORES.join(', ')}); 'all' reports the default and compares every score`,
      anomalyScoreFlag,
      DEFAULT_BENCHMARK_SCORE,
    )
    .option(
      '--protocol <name>',
      'test (the official test split) or dev (a seeded 10 % of the training split: for choosing settings without test data)',
      choiceFlag(['test', 'dev'] as const),
      'test',
    )
    .option('--model <name>', `autoencoder: ${recipeNames().join(', ')}`, choiceFlag(recipeNames()), 'conv')
    .option('--epochs <n>', 'epochs per class', intFlag(1), 10)
    .option('--batch-size <n>', "samples per step (default: the model's)", intFlag(1))
    .option('--lr <x>', "learning rate (default: the model's)", positiveFlag)
    .option('--optimizer <name>', `${OPTIMIZER_NAMES.join(', ')} (default: the model's)`, choiceFlag(OPTIMIZER_NAMES))
    .option('--seed <n>', 'seed of weights, shuffling and reference subsets', intFlag(0), 42)
    .option('--k <n>', 'neighbours of the k-NN scores', intFlag(1), 5)
    .option('--max-reference <n>', "training images kept as the detectors' reference set", intFlag(2), 10_000)
    .requiredOption('--out <dir>', 'directory for results.json, results.md and roc.png')
    .addOption(backendOption())
    .action(async (flags: BenchmarkFlags) => {
      if (flags.dataset === 'images' && flags.images === undefined) throw new UsageError('--dataset images needs --images DIR');
      if (flags.dataset === 'fashion-mnist' && flags.images !== undefined)
        throw new UsageError('--images DIR is read with --dataset images');
      if (flags.dataset === 'fashion-mnist' && flags.normalize !== undefined)
        throw new UsageError('--normalize applies to --dataset images only');
      const stop = stopOnSignals();
      await stop.run(() =>
        anomalyBenchmark({
          mode,
          dataset:
            flags.dataset === 'images'
              ? {
                  kind: 'images',
                  dir: flags.images as string,
                  imageSize: flags.imageSize,
                  color: flags.color,
                  normalize: flags.normalize,
                }
              : { kind: 'fashion-mnist', dataDir: flags.dataDir },
          classes: flags.classes,
          score: flags.score === 'all' ? DEFAULT_BENCHMARK_SCORE : flags.score,
          allScores: flags.score === 'all',
          protocol: flags.protocol,
          model: flags.model,
          epochs: flags.epochs,
          batchSize: flags.batchSize,
          lr: flags.lr,
          optimizer: flags.optimizer,
          seed: flags.seed,
          k: flags.k,
          maxReference: flags.maxReference,
          backend: flags.backend,
          out: flags.out,
          progress: terminalProgress(),
          dataProgress: decodingProgress(),
          log: (line) => console.log(line),
          signal: stop.signal,
        }),
      );
    });
}

/** Builds the `benchmark` command; its help shows each subcommand's options too. */
export function benchmarkCommand(): Command {
  const subcommands = [benchmarkSubcommand('one-class'), benchmarkSubcommand('holdout')];
  const command = new Command('benchmark').description('anomaly-detection benchmarks on labelled images (long runs: minutes per class)');
  for (const sub of subcommands) command.addCommand(sub);
  return command.addHelpText('after', () => subcommands.map((sub) => `\n${sub.helpInformation().trimEnd()}`).join('\n'));
}
