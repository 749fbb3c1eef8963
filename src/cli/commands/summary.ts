/** `aekit summary MODEL`: layers, output shapes and parameter counts. */
import { Command } from 'commander';
import { getRecipe, recipeNames } from '../../models/recipes.js';
import { formatSummary } from '../../models/summary.js';
import { useBackend } from '../../engine/backend.js';

/** Builds the `summary` command. */
export function summaryCommand(): Command {
  return new Command('summary')
    .description('print a Keras-like summary of a model: layers, output shapes, parameter counts')
    .argument('<model>', `model name: ${recipeNames().join(', ')}`)
    .action(async (name: string) => {
      const recipe = getRecipe(name);
      await useBackend('cpu');
      console.log(formatSummary(recipe.build({ seed: 42 }), `${recipe.name}: ${recipe.description}`));
    });
}
