/**
 * The models `aekit train NAME` knows: how to build each and the book's training settings.
 */
import type { Autoencoder } from './conv.js';
import { convAutoencoder } from './conv.js';

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

/** A buildable model with its defaults. */
export interface ModelRecipe {
  /** Name on the command line (`aekit train NAME`). */
  name: string;
  /** One line for `--help`. */
  description: string;
  defaults: TrainingDefaults;
  /** Builds fresh, seeded encoder/decoder/autoencoder models. */
  build(options: { seed?: number }): Autoencoder;
}

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

registerRecipe({
  name: 'conv',
  description: "the seed's convolutional autoencoder (23,296 + 23,233 parameters)",
  defaults: { epochs: 5, batchSize: 32, optimizer: 'sgd', lr: 1.0, loss: 'binaryCrossentropy' },
  build: ({ seed }) => convAutoencoder({ seed }),
});
