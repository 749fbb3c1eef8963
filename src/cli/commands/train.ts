/** `aekit train MODEL`: trains a model and writes a run directory. */
import { Command, Option } from 'commander';
import type { BackendName } from '../../engine/backend.js';
import { getRecipe, recipeNames } from '../../runs/recipes/index.js';
import { LR_SCHEDULES, type LrScheduleName } from '../../runs/run-callbacks.js';
import { CHECKPOINT_MINUTES, trainRun } from '../../runs/train-run.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../training/optimizers.js';
import { addDataFlags, DATA_FLAG_KEYS, type DataFlags, dataRequestOf, memoryBudgetOf } from '../data-flags.js';
import {
  backendOption,
  choiceFlag,
  classListFlag,
  fractionFlag,
  intFlag,
  modelOptionsOf,
  nonNegativeFlag,
  positiveFlag,
  positiveOrOffFlag,
  recipeOptions,
} from '../options.js';
import { decodingProgress, terminalProgress } from '../progress.js';
import { stopOnSignals } from '../signals.js';

interface TrainFlags {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  seed: number;
  limit?: number;
  excludeClass?: number;
  onlyClass?: number[];
  dataDir?: string;
  backend: BackendName;
  out?: string;
  earlyStopping?: number;
  saveBest?: boolean;
  lrSchedule?: LrScheduleName;
  lrPatience?: number;
  lrFactor?: number;
  minLr?: number;
  overwrite?: boolean;
  checkpointMinutes: number;
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
  'onlyClass',
  'dataDir',
  'backend',
  'out',
  'earlyStopping',
  'saveBest',
  'lrSchedule',
  'lrPatience',
  'lrFactor',
  'minLr',
  'overwrite',
  'checkpointMinutes',
]);

function bookDefaults(key: 'epochs' | 'batchSize' | 'lr' | 'optimizer'): string {
  return `default: the model's book setting (${recipeNames()
    .map((n) => `${n} ${getRecipe(n).defaults[key]}`)
    .join(', ')})`;
}

/** Builds the `train` command: common flags plus every model's own flags. */
export function trainCommand(): Command {
  const command = new Command('train')
    .description(
      'train a model on your data (an image folder, a table, an array file, sequences) or on Fashion-MNIST (55,000 train / 5,000 validation), and write a run directory',
    )
    .argument('<model>', `model name: ${recipeNames().join(', ')}`)
    .option('--epochs <n>', `passes over the training images (${bookDefaults('epochs')})`, intFlag(1))
    .option('--batch-size <n>', `images per step (${bookDefaults('batchSize')})`, intFlag(1))
    .option('--lr <x>', `learning rate (${bookDefaults('lr')})`, positiveFlag)
    .addOption(new Option('--optimizer <name>', `optimizer (${bookDefaults('optimizer')})`).choices(OPTIMIZER_NAMES))
    .option('--seed <n>', 'seed of the weights and the shuffling', intFlag(0), 42)
    .option('--limit <n>', 'train on the first N training images only (validation keeps 5,000)', intFlag(1))
    .option(
      '--exclude-class <n>',
      "leave out every sample of class N (Fashion-MNIST 0–9, else the index in the data's sorted classes) from training and validation (anomaly detection)",
      intFlag(0),
    )
    .option(
      '--only-class <list>',
      'train and validate on these classes only, e.g. 8 or 0,2 (same indices as --exclude-class): one-class anomaly detection',
      classListFlag,
    )
    .addOption(backendOption())
    .option('--out <dir>', 'run directory: new or empty, else a run replaced only with --overwrite (default: runs/<model>-<timestamp>)')
    .option('--overwrite', 'replace the run already in --out, once the new run is complete (the old one stays if training fails)')
    .option(
      '--checkpoint-minutes <m>',
      'inside an epoch, also write a checkpoint for aekit resume every M minutes (at a batch boundary; checkpoints follow every epoch anyway); 0 or off: after epochs only',
      positiveOrOffFlag,
      CHECKPOINT_MINUTES,
    )
    .option(
      '--early-stopping <patience>',
      'stop when val_loss has not improved for PATIENCE epochs in a row, and keep the weights of the best epoch',
      intFlag(1),
    )
    .option('--save-best', 'save the model each time val_loss improves, to best/ in the run directory')
    .addOption(
      new Option(
        '--lr-schedule <name>',
        'change the learning rate per epoch: plateau (×--lr-factor after --lr-patience epochs without val_loss improvement) or cosine (cosine decay from --lr to --min-lr over the epochs)',
      ).argParser(choiceFlag(LR_SCHEDULES)),
    )
    .option('--lr-patience <n>', 'plateau: epochs without improvement before the rate is lowered (default 10)', intFlag(0))
    .option('--lr-factor <x>', 'plateau: factor in (0, 1) the rate is multiplied by (default 0.1)', fractionFlag)
    .option('--min-lr <x>', 'lowest learning rate of the schedule (default 0)', nonNegativeFlag);
  addDataFlags(command, 'train on');
  for (const { option } of recipeOptions()) command.addOption(option);
  return command.action(async (model: string, flags: TrainFlags & DataFlags) => {
    getRecipe(model);
    const modelOptions = modelOptionsOf(model, flags, new Set([...COMMON, ...DATA_FLAG_KEYS]));
    const dataset = dataRequestOf(flags);
    const { earlyStopping, saveBest, lrSchedule, lrPatience, lrFactor, minLr } = flags;
    const { epochs, batchSize, lr, optimizer, seed, limit, excludeClass, onlyClass, dataDir, backend, out, overwrite, checkpointMinutes } =
      flags;
    const stop = stopOnSignals();
    const result = await stop.run(() =>
      trainRun({
        model,
        epochs,
        batchSize,
        lr,
        optimizer,
        seed,
        limit,
        excludeClass,
        onlyClass,
        dataDir,
        dataset,
        memoryBudget: memoryBudgetOf(flags),
        dataProgress: decodingProgress(),
        backend,
        out,
        overwrite,
        checkpointMinutes,
        modelOptions,
        earlyStopping: earlyStopping === undefined ? undefined : { patience: earlyStopping },
        saveBest,
        lrSchedule,
        lrPatience,
        lrFactor,
        minLr,
        progress: terminalProgress(),
        log: (line) => console.log(line),
        signal: stop.signal,
      }),
    );
    const last = result.metrics.epochs.at(-1);
    const stopped = (
      result.metrics.callbacks as { early_stopping?: { stopped_epoch: number | null; best_epoch: number | null } } | undefined
    )?.early_stopping;
    if (stopped?.stopped_epoch != null)
      console.log(`early stopping after epoch ${stopped.stopped_epoch}: kept the weights of epoch ${stopped.best_epoch}`);
    if (last !== undefined) console.log(`done: val_loss ${last.val_loss.toFixed(4)}, run directory ${result.dir}`);
  });
}
