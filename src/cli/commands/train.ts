/** `aekit train MODEL`: trains a model and writes a run directory. */
import { Command, Option } from 'commander';
import type { BackendName } from '../../engine/backend.js';
import { getRecipe, recipeNames } from '../../runs/recipes/index.js';
import { trainRun } from '../../runs/train-run.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../training/optimizers.js';
import { backendOption, classFlag, dataDirOption, intFlag, modelOptionsOf, positiveFlag, recipeOptions } from '../options.js';
import { terminalProgress } from '../progress.js';

interface TrainFlags {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  seed: number;
  limit?: number;
  excludeClass?: number;
  dataDir?: string;
  backend: BackendName;
  out?: string;
  overwrite?: boolean;
  [modelOption: string]: unknown;
}

const COMMON = new Set([
  'epochs',
  'batchSize',
  'lr',
  'optimizer',
  'seed',
  'limit',
  'excludeClass',
  'dataDir',
  'backend',
  'out',
  'overwrite',
]);

function bookDefaults(key: 'epochs' | 'batchSize' | 'lr' | 'optimizer'): string {
  return `default: the model's book setting (${recipeNames()
    .map((n) => `${n} ${getRecipe(n).defaults[key]}`)
    .join(', ')})`;
}

/** Builds the `train` command: common flags plus every model's own flags. */
export function trainCommand(): Command {
  const command = new Command('train')
    .description('train a model on Fashion-MNIST (55,000 train / 5,000 validation) and write a run directory')
    .argument('<model>', `model name: ${recipeNames().join(', ')}`)
    .option('--epochs <n>', `passes over the training images (${bookDefaults('epochs')})`, intFlag(1))
    .option('--batch-size <n>', `images per step (${bookDefaults('batchSize')})`, intFlag(1))
    .option('--lr <x>', `learning rate (${bookDefaults('lr')})`, positiveFlag)
    .addOption(new Option('--optimizer <name>', `optimizer (${bookDefaults('optimizer')})`).choices(OPTIMIZER_NAMES))
    .option('--seed <n>', 'seed of the weights and the shuffling', intFlag(0), 42)
    .option('--limit <n>', 'train on the first N training images only (validation keeps 5,000)', intFlag(1))
    .option(
      '--exclude-class <n>',
      'leave out every image of class N (0–9) from training and validation (anomaly-detection demo)',
      classFlag,
    )
    .addOption(dataDirOption())
    .addOption(backendOption())
    .option('--out <dir>', 'run directory: new or empty, else a run replaced only with --overwrite (default: runs/<model>-<timestamp>)')
    .option('--overwrite', 'replace the run already in --out, once the new run is complete (the old one stays if training fails)');
  for (const { option } of recipeOptions()) command.addOption(option);
  return command.action(async (model: string, flags: TrainFlags) => {
    getRecipe(model);
    const modelOptions = modelOptionsOf(model, flags, COMMON);
    const { epochs, batchSize, lr, optimizer, seed, limit, excludeClass, dataDir, backend, out, overwrite } = flags;
    const result = await trainRun({
      model,
      epochs,
      batchSize,
      lr,
      optimizer,
      seed,
      limit,
      excludeClass,
      dataDir,
      backend,
      out,
      overwrite,
      modelOptions,
      progress: terminalProgress(),
      log: (line) => console.log(line),
    });
    const last = result.metrics.epochs.at(-1);
    if (last !== undefined) console.log(`done: val_loss ${last.val_loss.toFixed(4)}, run directory ${result.dir}`);
  });
}
