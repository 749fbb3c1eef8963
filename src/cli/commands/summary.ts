/** `aekit summary MODEL`: layers, output shapes and parameter counts. */
import { Command, Option } from 'commander';
import '../../models/all.js';
import { allRecipeOptions, getRecipe, recipeNames } from '../../models/recipes.js';
import { UsageError } from '../options.js';
import { formatSummary } from '../../models/summary.js';
import { useBackend } from '../../engine/backend.js';

/** Builds the `summary` command. */
export function summaryCommand(): Command {
  const command = new Command('summary')
    .description('print a Keras-like summary of a model: layers, output shapes, parameter counts')
    .argument('<model>', `model name: ${recipeNames().join(', ')}`);
  // The models' own options (e.g. `stacked --tied`), as `aekit train` accepts them.
  for (const option of allRecipeOptions()) {
    const o = new Option(option.flag, `${option.description} [${option.recipes.join(', ')}]`);
    if (option.parse !== undefined) o.argParser(option.parse as (value: string) => unknown);
    command.addOption(o);
  }
  return command.action(async (name: string, flags: Record<string, unknown>) => {
    const recipe = getRecipe(name);
    const declared = new Map((recipe.options ?? []).map((o) => [o.key, o]));
    const modelOptions: Record<string, unknown> = {};
    for (const [key, option] of declared) modelOptions[key] = option.defaultValue;
    for (const [key, value] of Object.entries(flags)) {
      if (value === undefined) continue;
      if (!declared.has(key)) throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply to model '${name}'`);
      modelOptions[key] = value;
    }
    await useBackend('cpu');
    console.log(formatSummary(recipe.build({ ...modelOptions, seed: 42 }), `${recipe.name}: ${recipe.description}`));
  });
}
