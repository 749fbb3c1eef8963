/** `aekit summary MODEL`: layers, output shapes and parameter counts, for the input the flags describe. */
import { Command, Option } from 'commander';
import { AekitError } from '../../core/errors.js';
import { useBackend } from '../../engine/backend.js';
import { formatSummary } from '../../models/summary.js';
import { FASHION_INPUT, type ModelInput } from '../../runs/recipe.js';
import { getRecipe, recipeNames } from '../../runs/recipes/index.js';
import { resolveModelOptions } from '../../runs/train-run.js';
import { imageSizeFlag } from '../data-flags.js';
import { flagOf } from '../names.js';
import { choiceFlag, intFlag, modelOptionsOf, recipeOptions, UsageError } from '../options.js';

/** The summary's own flags, which say what the model is built for. */
const INPUT_FLAGS = new Set(['imageSize', 'color', 'features']);

/**
 * The input the summary builds for: `--features N` → table rows `[N]` (unbounded values, as a
 * standardised table: linear output); else images of `--image-size` (default 28×28) in `--color`
 * (grey `[h, w]`, rgb `[h, w, 3]`; values in [0, 1]); no flag → `fallback` (the model's own data's
 * input, else Fashion-MNIST's 28×28 grey).
 */
export function summaryInput(
  flags: {
    imageSize?: { height: number; width: number };
    color?: 'grey' | 'rgb';
    features?: number;
  },
  fallback: ModelInput = FASHION_INPUT,
): ModelInput {
  const { imageSize, color, features } = flags;
  if (features !== undefined) {
    if (imageSize !== undefined || color !== undefined)
      throw new UsageError('--features describes table rows; --image-size and --color describe images: give one or the other');
    return { shape: [features], kind: 'table', unitRange: false };
  }
  if (imageSize === undefined && color === undefined) return fallback;
  const { height: h, width: w } = imageSize ?? { height: 28, width: 28 };
  return { shape: color === 'rgb' ? [h, w, 3] : [h, w], kind: 'images', unitRange: true };
}

/** Builds the `summary` command. */
export function summaryCommand(): Command {
  const command = new Command('summary')
    .description('print a Keras-like summary of a model: layers, output shapes, parameter counts')
    .argument('<model>', `model name: ${recipeNames().join(', ')}`)
    .addOption(
      new Option('--image-size <HxW>', 'build the model for images of this size (default 28x28, Fashion-MNIST)').argParser(imageSizeFlag),
    )
    .addOption(
      new Option('--color <kind>', 'build the model for grey [h, w] or rgb [h, w, 3] images (default grey)').argParser(
        choiceFlag(['grey', 'rgb'] as const),
      ),
    )
    .addOption(new Option('--features <n>', 'build the model for table rows of n values (unbounded: linear output)').argParser(intFlag(1)));
  // The models' own options (e.g. `stacked --tied`), as `aekit train` accepts them.
  for (const { option, key } of recipeOptions()) if (!INPUT_FLAGS.has(key)) command.addOption(option);
  return command.action(async (name: string, flags: Record<string, unknown>) => {
    const recipe = getRecipe(name);
    const modelOptions = resolveModelOptions(recipe, modelOptionsOf(name, flags, INPUT_FLAGS));
    const input = summaryInput(flags, recipe.defaultInput);
    try {
      recipe.checkInput?.(input);
    } catch (err) {
      // the recipes name the train command's data flag; here the input comes from the flags above
      if (err instanceof AekitError && err.argument === 'input')
        throw new UsageError(err.describe((a) => (a === 'input' ? `${name} summary` : flagOf(a))));
      throw err;
    }
    await useBackend('cpu');
    console.log(formatSummary(recipe.build({ ...modelOptions, seed: 42, input }), `${recipe.name}: ${recipe.description}`));
  });
}
