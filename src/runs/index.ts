/**
 * `aekit/runs`: run directories — train a recipe into one (`trainRun`), reopen one (`openRun`),
 * resume an interrupted one (`resumeRun`), the recipes themselves, and the unsupervised-pretraining experiment.
 */

export type {
  AnomalyBenchmarkMode,
  AnomalyBenchmarkOptions,
  AnomalyBenchmarkResults,
  BenchmarkProtocol,
  ClassAuc,
} from './anomaly-benchmark.js';
export { anomalyBenchmark } from './anomaly-benchmark.js';
export { detectorDir, loadDetector, saveDetector } from './detector-store.js';
export type { NabDetection, NabDetectorName, NabDetectorSettings } from './nab-detector.js';
export { detectNab, NAB_DETECTORS, NAB_RUN_DEFAULTS, nabWindow } from './nab-detector.js';
export type { PretrainingOptions, PretrainingReport, PretrainingResult, PretrainingSummary } from './pretraining.js';
export { pretrainingTable, resumePretraining, runPretraining } from './pretraining.js';
export type { Dataset, Recipe, RecipeOption, TrainContext, TrainingDefaults, TrainingSettings } from './recipe.js';
export { getRecipe, RECIPES, recipeNames } from './recipes/index.js';
export type { CheckpointState, LoadedCheckpoint, RunMetrics, RunTarget } from './run-dir.js';
export { checkRunTarget, RunDirectoryError, readCheckpoint } from './run-dir.js';
export type { SavedRun } from './saved-run.js';
export { openRun, readRunMetrics } from './saved-run.js';
export type { ResumeRunOptions, TrainRunOptions, TrainRunResult } from './train-run.js';
export { resumeRun, trainRun } from './train-run.js';
