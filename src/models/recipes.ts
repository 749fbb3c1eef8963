/**
 * The models `aekit train NAME` knows: how to build each, its book training settings, the
 * model-specific options it accepts, and (optionally) its own data or training procedure.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EpochRecord, FitOptions, Samples } from '../training/fit.js';
import type { Autoencoder } from './conv.js';
import { greedyEpochsOption } from '../training/greedy.js';
import { convAutoencoder } from './conv.js';
import { trainConv } from './conv-greedy.js';
import { NOISE_OPTION, withInputNoise } from './noise.js';

/** Optimizers aekit can train with. */
export type OptimizerName = 'sgd' | 'adam' | 'nadam' | 'rmsprop';

/** The book's training settings for a model; every one can be overridden from the CLI. */
export interface TrainingDefaults {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  /** tfjs loss name. */
  loss: 'binaryCrossentropy' | 'meanSquaredError';
}

/** The resolved training settings of a run. */
export interface TrainingSettings extends TrainingDefaults {
  seed: number;
  limit: number | null;
  backend: string;
}

/**
 * A model-specific option (e.g. `--units 100,30` of the stacked model). The `train` command
 * accepts the union of all recipes' options and rejects those the chosen model does not declare.
 */
export interface RecipeOption {
  /** Commander flag spec, e.g. `'--units <list>'` or `'--tied'`. */
  flag: string;
  /** camelCase key under which the value reaches `build` and `train` (e.g. `units`). */
  key: string;
  description: string;
  /** Parses the raw string (throw commander's InvalidArgumentError on bad input); omit for boolean flags. */
  parse?: (value: string) => unknown;
  /** Default when the flag is absent. */
  defaultValue?: unknown;
}

/** A data set of flat samples, as a recipe's training needs it. */
export interface Dataset {
  train: Samples;
  valid: Samples;
  test?: Samples;
  /** Class labels of train/valid/test when known (Fashion-MNIST). */
  labels?: { train: Uint8Array; valid: Uint8Array; test?: Uint8Array };
  /** Where the data came from, for people. */
  source: string;
  /** True when samples are 28×28 images that can be drawn as grids. */
  images: boolean;
}

/** What a recipe's own `train` procedure receives. */
export interface TrainContext {
  /** The freshly built models. */
  built: Autoencoder;
  settings: TrainingSettings;
  /** Model-specific option values (declared by the recipe), defaults applied. */
  modelOptions: Record<string, unknown>;
  data: Dataset;
  /** Run directory (already created). */
  dir: string;
  /** Compiles a model with the run's optimizer settings (or `overrides`), its loss and `rounded_accuracy`. */
  compile(model: tf.LayersModel, overrides?: Partial<Pick<TrainingDefaults, 'optimizer' | 'lr' | 'loss'>>): void;
  /** Fit options of the run (batch size, seed, validation, progress, and per-epoch recording into metrics.json). */
  fitOptions(overrides?: Partial<FitOptions>): FitOptions;
  /** Records an extra section in metrics.json (e.g. `stages` of greedy training) and rewrites the file. */
  record(key: string, value: unknown): Promise<void>;
  log(line: string): void;
}

/** A buildable model with its defaults. */
export interface ModelRecipe {
  /** Name on the command line (`aekit train NAME`). */
  name: string;
  /** One line for `--help`. */
  description: string;
  defaults: TrainingDefaults;
  /** Model-specific options. */
  options?: RecipeOption[];
  /** Builds fresh, seeded encoder/decoder/autoencoder models. */
  build(options: { seed?: number } & Record<string, unknown>): Autoencoder;
  /**
   * Training procedure when the standard one (compile the autoencoder, fit it on the data) is not
   * enough: greedy layer-wise training, extra loss terms. It must leave `built.autoencoder` trained,
   * and call `ctx.fitOptions()`'s `onEpochEnd` for the epochs it wants recorded in `metrics.epochs`.
   */
  train?(ctx: TrainContext): Promise<void>;
  /** Loads the recipe's data instead of Fashion-MNIST images (e.g. a CSV of sequences); null → Fashion-MNIST after all. */
  loadData?(options: { dataDir?: string; modelOptions: Record<string, unknown>; seed: number }): Promise<Dataset | null>;
}

/** Re-exported for recipes that write their own epoch records. */
export type { EpochRecord };

const recipes = new Map<string, ModelRecipe>();

/** Adds a recipe (models of later chapters register themselves the same way). */
export function registerRecipe(recipe: ModelRecipe): void {
  recipes.set(recipe.name, recipe);
}

/** The recipe called `name`, or an error listing the known names. */
export function getRecipe(name: string): ModelRecipe {
  const recipe = recipes.get(name);
  if (recipe === undefined) {
    throw new RangeError(`unknown model '${name}': expected one of ${[...recipes.keys()].join(', ')}`);
  }
  return recipe;
}

/** Names of all registered recipes. */
export function recipeNames(): string[] {
  return [...recipes.keys()];
}

/** Every recipe option, once per flag, with the recipes that accept it. */
export function allRecipeOptions(): Array<RecipeOption & { recipes: string[] }> {
  const byFlag = new Map<string, RecipeOption & { recipes: string[] }>();
  for (const recipe of recipes.values()) {
    for (const option of recipe.options ?? []) {
      const seen = byFlag.get(option.flag);
      if (seen === undefined) byFlag.set(option.flag, { ...option, recipes: [recipe.name] });
      else seen.recipes.push(recipe.name);
    }
  }
  return [...byFlag.values()];
}

registerRecipe({
  name: 'conv',
  description: "the seed's convolutional autoencoder (23,296 + 23,233 parameters)",
  defaults: { epochs: 5, batchSize: 32, optimizer: 'sgd', lr: 1.0, loss: 'binaryCrossentropy' },
  options: [
    NOISE_OPTION,
    { flag: '--greedy', key: 'greedy', description: 'greedy layer-wise training: one shallow autoencoder per stage, then stack and fine-tune', defaultValue: false },
    greedyEpochsOption('conv: 2 per stage, then 3 of fine-tuning'),
  ],
  build: ({ seed, noise }) => withInputNoise(convAutoencoder({ seed }), noise as string | undefined),
  train: trainConv,
});
