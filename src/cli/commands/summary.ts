/** `aekit summary MODEL`: layers, output shapes and parameter counts. */
import { Command } from 'commander';
import { useBackend } from '../../engine/backend.js';
import { formatSummary } from '../../models/summary.js';
import { FASHION_INPUT } from '../../runs/recipe.js';
import { getRecipe, recipeNames } from '../../runs/recipes/index.js';
import { resolveModelOptions } from '../../runs/train-run.js';
import { modelOptionsOf, recipeOptions } from '../options.js';

/** Builds the `summary` command. */
export function summaryCommand(): Command {
  const command = new Command('summary')
    .description('print a Keras-like summary of a model: layers, output shapes, parameter counts')
    .argument('<model>', `model name: ${recipeNames().join(', ')}`);
  // The models' own options (e.g. `stacked --tied`), as `aekit train` accepts them.
  for (const { option } of recipeOptions()) command.addOption(option);
  return command.action(async (name: string, flags: Record<string, unknown>) => {
    const recipe = getRecipe(name);
    const modelOptions = resolveModelOptions(recipe, modelOptionsOf(name, flags, new Set()));
    await useBackend('cpu');
    console.log(formatSummary(recipe.build({ ...modelOptions, seed: 42, input: FASHION_INPUT }), `${recipe.name}: ${recipe.description}`));
  });
}
