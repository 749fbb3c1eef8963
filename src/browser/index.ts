/**
 * `aekit/browser`: what a web page needs to run aekit's models — every custom layer and
 * regularizer registered with tfjs's serialization, and {@link loadModel}, which loads a model
 * over HTTP and re-links its tied layers. It uses the page's TensorFlow.js instead of bundling
 * its own: `dist/browser/aekit-layers.min.js` is a classic script for pages that load tfjs's
 * `tf.min.js` first (it defines the global `aekit`), `dist/browser/aekit-layers.mjs` an ES module
 * for bundlers that imports `@tensorflow/tfjs-core` and `@tensorflow/tfjs-layers`. Nothing here
 * touches Node's file system. See docs/browser.md.
 */

export { AekitError, ArgumentError } from '../core/errors.js';
export * from '../layers/index.js';
export { loadModel, ModelLoadError } from './load-model.js';
