/**
 * Every model `aekit train NAME` knows, in one explicit list, and lookups over it. Add a recipe by
 * writing its module and listing it here.
 */
import { ArgumentError } from '../../core/errors.js';
import type { Recipe, RecipeOption } from '../recipe.js';
import { convRecipe } from './conv.js';
import { conv1dRecipe } from './conv1d.js';
import { denseRecipe } from './dense.js';
import { linearRecipe } from './linear.js';
import { recurrentRecipe } from './recurrent.js';
import { sparseRecipe } from './sparse.js';
import { stackedRecipe } from './stacked.js';
import { vaeRecipe } from './vae.js';

/** The recipes, in the order `--help` lists them. */
export const RECIPES: readonly Recipe[] = [
  convRecipe,
  stackedRecipe,
  denseRecipe,
  recurrentRecipe,
  conv1dRecipe,
  sparseRecipe,
  vaeRecipe,
  linearRecipe,
];

/** The recipe called `name`, or an error (argument `model`) listing the known names. */
export function getRecipe(name: string): Recipe {
  const recipe = RECIPES.find((r) => r.name === name);
  if (recipe === undefined) throw new ArgumentError('model', `unknown {model} '${name}': expected one of ${recipeNames().join(', ')}`);
  return recipe;
}

/** Names of all recipes. */
export function recipeNames(): string[] {
  return RECIPES.map((r) => r.name);
}

/** Every recipe option, once per key, with the recipes that accept it. */
export function allRecipeOptions(): Array<RecipeOption & { recipes: string[] }> {
  const byKey = new Map<string, RecipeOption & { recipes: string[] }>();
  for (const recipe of RECIPES) {
    for (const option of recipe.options ?? []) {
      const seen = byKey.get(option.key);
      if (seen === undefined) byKey.set(option.key, { ...option, recipes: [recipe.name] });
      else seen.recipes.push(recipe.name);
    }
  }
  return [...byKey.values()];
}
