/**
 * `aekit/runs`: run directories — train a recipe into one (`trainRun`), reopen one (`openRun`),
 * the recipes themselves, and the unsupervised-pretraining experiment.
 */

export type { PretrainingOptions, PretrainingReport, PretrainingResult, PretrainingSummary } from './pretraining.js';
export { pretrainingTable, runPretraining } from './pretraining.js';
export type { Dataset, Recipe, RecipeOption, TrainContext, TrainingDefaults, TrainingSettings } from './recipe.js';
export { getRecipe, RECIPES, recipeNames } from './recipes/index.js';
export type { RunMetrics, RunTarget } from './run-dir.js';
export { checkRunTarget, RunDirectoryError } from './run-dir.js';
export type { SavedRun } from './saved-run.js';
export { openRun, readRunMetrics } from './saved-run.js';
export type { TrainRunOptions, TrainRunResult } from './train-run.js';
export { trainRun } from './train-run.js';
