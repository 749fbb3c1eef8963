/**
 * aekit's public API. Everything else under src/ is private to the package.
 */
export { CLASS_NAMES, loadFashionMnist } from './data/fashion-mnist.js';
export type { FashionMnist, LoadOptions, Split } from './data/fashion-mnist.js';
export { DataError } from './data/idx.js';
export { BACKEND_NAMES, BackendError, registerEngineProvider, useBackend } from './engine/backend.js';
export type { BackendName, EngineInfo, EngineProvider } from './engine/backend.js';
export { compose, convAutoencoder } from './models/conv.js';
export type { Autoencoder, ConvAutoencoderOptions } from './models/conv.js';
export { getRecipe, recipeNames, registerRecipe } from './models/recipes.js';
export type { ModelRecipe, OptimizerName, TrainingDefaults } from './models/recipes.js';
export { formatSummary } from './models/summary.js';
export { evaluate, fit } from './training/fit.js';
export type { EpochRecord, FitOptions, Samples } from './training/fit.js';
export { loadModel, ModelIOError, saveModel } from './training/io.js';
export { roundedAccuracy } from './training/metrics.js';
export { Nadam } from './training/nadam.js';
export { makeOptimizer } from './training/optimizers.js';
export { terminalProgress } from './training/progress.js';
export type { ProgressSink } from './training/progress.js';
export { trainRun } from './training/run.js';
export type { RunMetrics, TrainRunOptions, TrainRunResult } from './training/run.js';
export { openRun, readRunMetrics } from './training/saved-run.js';
export type { SavedRun } from './training/saved-run.js';
export { imageGrid } from './viz/image-grid.js';
export { reconstructionGrid } from './viz/reconstructions.js';
