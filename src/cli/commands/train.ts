/** `aekit train MODEL`: trains a model and writes a run directory. */
import { Command, Option } from 'commander';
import { type BackendName } from '../../engine/backend.js';
import '../../models/all.js';
import { allRecipeOptions, getRecipe, recipeNames, type OptimizerName } from '../../models/recipes.js';
import { OPTIMIZER_NAMES } from '../../training/optimizers.js';
import { terminalProgress } from '../../training/progress.js';
import { trainRun } from '../../training/run.js';
import { classFlag } from '../../analysis/flags.js';
import { intFlag, positiveFlag, UsageError, backendOption, dataDirOption } from '../options.js';

interface TrainFlags {
  epochs?: number; batchSize?: number; lr?: number; optimizer?: OptimizerName; seed: number;
  limit?: number; excludeClass?: number; dataDir?: string; backend: BackendName; out?: string;
  [modelOption: string]: unknown;
}

const COMMON = new Set(['epochs', 'batchSize', 'lr', 'optimizer', 'seed', 'limit', 'excludeClass', 'dataDir', 'backend', 'out']);

function bookDefaults(key: 'epochs' | 'batchSize' | 'lr' | 'optimizer'): string {
  return `default: the model's book setting (${recipeNames().map((n) => `${n} ${getRecipe(n).defaults[key]}`).join(', ')})`;
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
    .option('--exclude-class <n>', 'leave out every image of class N (0–9) from training and validation (anomaly-detection demo)', classFlag)
    .addOption(dataDirOption())
    .addOption(backendOption())
    .option('--out <dir>', 'run directory (default: runs/<model>-<timestamp>)');
  const owners = new Map<string, string[]>();
  for (const option of allRecipeOptions()) {
    const description = `${option.description} [${option.recipes.join(', ')}]`;
    const o = new Option(option.flag, description);
    if (option.parse !== undefined) o.argParser(option.parse as (value: string) => unknown);
    command.addOption(o);
    owners.set(option.key, option.recipes);
  }
  return command.action(async (model: string, flags: TrainFlags) => {
    getRecipe(model);
    const modelOptions: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(flags)) {
      if (COMMON.has(key) || value === undefined) continue;
      const recipes = owners.get(key) ?? [];
      if (!recipes.includes(model)) {
        const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        throw new UsageError(`${flag} does not apply to model '${model}' (it applies to: ${recipes.join(', ')})`);
      }
      modelOptions[key] = value;
    }
    const { epochs, batchSize, lr, optimizer, seed, limit, excludeClass, dataDir, backend, out } = flags;
    const result = await trainRun({
      model, epochs, batchSize, lr, optimizer, seed, limit, excludeClass, dataDir, backend, out, modelOptions,
      progress: terminalProgress(), log: (line) => console.log(line),
    });
    const last = result.metrics.epochs.at(-1);
    if (last !== undefined) console.log(`done: val_loss ${last.val_loss.toFixed(4)}, run directory ${result.dir}`);
  });
}
