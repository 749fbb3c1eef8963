/**
 * aekit's public API, shaped like Keras's: namespaces for each layer of the library, and the few
 * names most programs start with at the top. Each namespace is also a subpath of the package
 * (`import { convAutoencoder } from 'aekit/models'`). Everything else under src/ is private.
 *
 * @example
 * import { models, training, useBackend } from 'aekit';
 * await useBackend('auto');
 * const { autoencoder } = models.convAutoencoder({ seed: 42 });
 */
export * as analysis from './analysis/index.js';
export type { AekitErrorOptions } from './core/errors.js';
export { AekitError, ArgumentError, ConflictError, DivergedError, InterruptedError } from './core/errors.js';
export type { ProgressSink, StepProgress } from './core/progress.js';
export * as data from './data/index.js';
export type { BackendName, EngineInfo } from './engine/backend.js';
export { BACKEND_NAMES, BackendError, useBackend } from './engine/backend.js';
export * as layers from './layers/index.js';
export * as models from './models/index.js';
export * as runs from './runs/index.js';
export { openRun, RunDirectoryError, trainRun } from './runs/index.js';
export * as training from './training/index.js';
export { loadModel, saveModel } from './training/io.js';
export * as viz from './viz/index.js';
