/**
 * The data flags `aekit train` and every command that reads data share: where the data comes from
 * (`--images`, `--table`, `--npy`, `--idx`, `--sequences`, `--series`, `--data-dir`) and how it is prepared.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type * as tf from '../core/tf.js';
import type { Dataset } from '../data/dataset.js';
import type { ImageFolderRequest } from '../data/image-folder.js';
import type { DataRequest } from '../data/load.js';
import type { TableRequest } from '../data/table.js';
import { runDataset } from '../runs/run-data.js';
import type { RunMetrics } from '../runs/run-dir.js';
import { choiceFlag, dataDirOption, fractionFlag, intFlag, positiveFlag, UsageError } from './options.js';
import { decodingProgress } from './progress.js';

/** The parsed data flags: the sources, and the loaders' own options under the same names. */
export interface DataFlags
  extends Pick<ImageFolderRequest, 'imageSize' | 'color' | 'validationSplit' | 'normalize'>,
    Pick<TableRequest, 'columns' | 'labelColumn' | 'scale' | 'missing'> {
  images?: string;
  table?: string;
  npy?: string;
  idx?: string;
  idxLabels?: string;
  sequences?: string;
  csv?: string;
  steps?: number;
  features?: number;
  series?: string;
  valueColumn?: string[];
  timestampColumn?: string;
  window?: number;
  stride?: number;
  memoryBudget?: number;
  dataDir?: string;
}

/** Keys of {@link DataFlags}, for commands that separate them from their own flags. */
export const DATA_FLAG_KEYS: ReadonlySet<string> = new Set([
  'images',
  'imageSize',
  'color',
  'normalize',
  'table',
  'columns',
  'labelColumn',
  'scale',
  'missing',
  'npy',
  'idx',
  'idxLabels',
  'sequences',
  'csv',
  'steps',
  'features',
  'series',
  'valueColumn',
  'timestampColumn',
  'window',
  'stride',
  'validationSplit',
  'memoryBudget',
  'dataDir',
]);

/** Parses `--image-size HxW` (e.g. `32x32`, `64×48`). */
export function imageSizeFlag(value: string): { height: number; width: number } {
  const m = /^\s*(\d+)\s*[x×X]\s*(\d+)\s*$/.exec(value);
  const height = Number(m?.[1]);
  const width = Number(m?.[2]);
  if (m === null || height < 1 || width < 1)
    throw new InvalidArgumentError(`expected HEIGHTxWIDTH such as 32x32 (both ≥ 1), got '${value}'.`);
  return { height, width };
}

function listFlag(value: string): string[] {
  const list = value.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new InvalidArgumentError(`expected comma-separated column names, got '${value}'.`);
  return list;
}

/**
 * Adds the data flags to `command`; `purpose` says in help texts what the data is for (`train on`,
 * `use instead of the run's data`).
 */
export function addDataFlags(command: Command, purpose: string, options: { sequences?: boolean } = {}): Command {
  command
    .option(
      '--images <dir>',
      `${purpose} every PNG, JPEG and WebP image under DIR: subfolders are classes; DIR/train and DIR/test are used as such when present`,
    )
    .option(
      '--image-size <HxW>',
      "with --images: height × width every image is resized to (default: the first image's, or the run's)",
      imageSizeFlag,
    )
    .addOption(
      new Option('--color <mode>', 'with --images: grey or rgb (default: rgb if the files have colour)').argParser(
        choiceFlag(['grey', 'rgb'] as const),
      ),
    )
    .addOption(
      new Option(
        '--normalize <method>',
        "with --images: none (pixel / 255) or gcn (each image's global contrast normalised: mean 0, standard deviation 1, mapped to [0, 1]); recorded in the run (default none)",
      ).argParser(choiceFlag(['none', 'gcn'] as const)),
    )
    .option('--table <file>', `${purpose} the numeric columns of a CSV file with a header`)
    .option('--columns <list>', 'with --table: the feature columns, comma-separated (default: every column but --label-column)', listFlag)
    .option(
      '--label-column <name>',
      'with --table: the column of class labels, kept out of training and used for evaluation and anomaly AUC',
    )
    .addOption(
      new Option('--scale <method>', 'with --table: scaling fitted on the training rows (default standard)').argParser(
        choiceFlag(['standard', 'minmax', 'none'] as const),
      ),
    )
    .addOption(
      new Option(
        '--missing <how>',
        'with --table: drop rows with missing values, or fill them with the training mean (default: refuse)',
      ).argParser(choiceFlag(['drop', 'mean'] as const)),
    )
    .option('--npy <file>', `${purpose} a NumPy .npy array of shape [n, …] (uint8 pixels or float32)`)
    .option('--idx <file>', `${purpose} an IDX image file of any size (uint8, .gz allowed)`)
    .option('--idx-labels <file>', 'with --idx: an IDX label file of the same count');
  if (options.sequences !== false)
    command
      .option('--sequences <file>', `${purpose} sequences from a CSV file (one per line, --steps × --features numbers, row-major)`)
      .addOption(new Option('--csv <file>', 'alias of --sequences').hideHelp())
      .option('--steps <n>', 'with --sequences: time steps per sequence', intFlag(1))
      .option('--features <n>', 'with --sequences: values per time step', intFlag(1));
  return command
    .option(
      '--series <file>',
      `${purpose} sliding windows of a time series: a CSV file with a header, a timestamp column and numeric value columns, in time order (z-scored with the training rows' statistics)`,
    )
    .option(
      '--value-column <list>',
      'with --series: the value columns, comma-separated (default: every column but the timestamp)',
      listFlag,
    )
    .option('--timestamp-column <name>', "with --series: the timestamp column (default: 'timestamp', else the first column)")
    .option('--window <n>', "with --series: time steps per window (default 288, or the run's)", intFlag(1))
    .option('--stride <n>', 'with --series: steps between consecutive windows (default 1)', intFlag(1))
    .option(
      '--validation-split <fraction>',
      'fraction of the training samples held out for validation, seeded; with --series the last rows, split by time (default 0.1)',
      fractionFlag,
    )
    .option(
      '--memory-budget <MiB>',
      'decoded images held in memory at most; a larger image folder is decoded into a cache file and streamed from it (default 1024)',
      positiveFlag,
    )
    .addOption(dataDirOption());
}

/**
 * The data request the flags describe, or undefined when none was given (the run's data, or
 * Fashion-MNIST). One source at most; preparation flags only with their source.
 */
export function dataRequestOf(flags: DataFlags): DataRequest | undefined {
  const sequences = flags.sequences ?? flags.csv;
  const given = (
    [
      ['--images', flags.images],
      ['--table', flags.table],
      ['--npy', flags.npy],
      ['--idx', flags.idx],
      [flags.csv !== undefined ? '--csv' : '--sequences', sequences],
      ['--series', flags.series],
      ['--data-dir', flags.dataDir],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (given.length > 1) throw new UsageError(`${given.map(([f]) => f).join(' and ')}: give one data source, found ${given.length}`);
  const needs = (flag: string, value: unknown, source: string, present: unknown): void => {
    if (value !== undefined && present === undefined) throw new UsageError(`${flag} applies to ${source} data only: give ${source} too`);
  };
  needs('--image-size', flags.imageSize, '--images', flags.images);
  needs('--color', flags.color, '--images', flags.images);
  needs('--normalize', flags.normalize, '--images', flags.images);
  for (const [flag, v] of [
    ['--columns', flags.columns],
    ['--label-column', flags.labelColumn],
    ['--scale', flags.scale],
    ['--missing', flags.missing],
  ] as const)
    needs(flag, v, '--table', flags.table);
  needs('--idx-labels', flags.idxLabels, '--idx', flags.idx);
  needs('--steps', flags.steps, '--sequences', sequences);
  needs('--features', flags.features, '--sequences', sequences);
  needs('--value-column', flags.valueColumn, '--series', flags.series);
  needs('--timestamp-column', flags.timestampColumn, '--series', flags.series);
  needs('--window', flags.window, '--series', flags.series);
  needs('--stride', flags.stride, '--series', flags.series);
  const split = flags.validationSplit === undefined ? {} : { validationSplit: flags.validationSplit };
  if (flags.images !== undefined)
    return {
      kind: 'images',
      dir: flags.images,
      imageSize: flags.imageSize,
      color: flags.color,
      normalize: flags.normalize,
      ...split,
    };
  if (flags.table !== undefined)
    return {
      kind: 'table',
      file: flags.table,
      columns: flags.columns,
      labelColumn: flags.labelColumn,
      scale: flags.scale,
      missing: flags.missing,
      ...split,
    };
  if (flags.npy !== undefined) return { kind: 'npy', file: flags.npy, ...split };
  if (flags.idx !== undefined) return { kind: 'idx', file: flags.idx, labels: flags.idxLabels, ...split };
  if (sequences !== undefined) {
    if (flags.steps === undefined || flags.features === undefined)
      throw new UsageError(`--sequences '${sequences}' needs --steps and --features (each line holds steps × features numbers)`);
    return { kind: 'sequences', file: sequences, steps: flags.steps, features: flags.features, ...split };
  }
  if (flags.series !== undefined)
    return {
      kind: 'series',
      file: flags.series,
      valueColumns: flags.valueColumn,
      timestampColumn: flags.timestampColumn,
      window: flags.window,
      stride: flags.stride,
      ...split,
    };
  if (flags.validationSplit !== undefined)
    throw new UsageError('--validation-split applies to --images, --table, --npy, --idx, --sequences or --series data');
  if (flags.dataDir !== undefined) return { kind: 'fashion-mnist', dataDir: flags.dataDir };
  return undefined;
}

/** `--memory-budget` in bytes, or undefined. */
export function memoryBudgetOf(flags: DataFlags): number | undefined {
  return flags.memoryBudget === undefined ? undefined : Math.round(flags.memoryBudget * 1024 * 1024);
}

/**
 * The data a command on the run of `metrics` works on: the run's own, or the one its data flags
 * name, prepared the run's way and checked against `model`'s input; `train: false` when the
 * command reads no training samples (an image folder's are then not decoded).
 */
export function commandData(
  metrics: RunMetrics,
  flags: DataFlags,
  model?: tf.LayersModel,
  options: { train?: boolean } = {},
): Promise<Dataset> {
  return runDataset(metrics, {
    request: dataRequestOf(flags),
    model,
    skipTrain: options.train === false,
    memoryBudget: memoryBudgetOf(flags),
    progress: decodingProgress(),
  });
}
