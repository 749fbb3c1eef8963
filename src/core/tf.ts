/**
 * TensorFlow.js as aekit uses it: tfjs-core and tfjs-layers (the Keras API), with the reference
 * `cpu` backend; the `wasm` backend and aekit's native engine register themselves in
 * `engine/backend.ts`. Every module imports `tf` from here instead of the `@tensorflow/tfjs`
 * umbrella, which would also install the WebGL backend, the converter and tfjs-data (and their
 * dependencies) that Node never uses. The browser bundles (`scripts/build-browser.mjs`) take the
 * page's tfjs instead: the two packages below become the global `tf` (or the app's own imports) and
 * the cpu backend import is dropped, since a page chooses its backends.
 *
 * In Node, tfjs-layers' bundle registers the gradients of every core op (the umbrella's job), and
 * `./chained-ops.ts` the tensor methods (`t.flatten()`, …) that tfjs-layers itself calls; aekit's
 * own code writes the functional form (`tf.reshape(t, …)`).
 */
import '@tensorflow/tfjs-backend-cpu';
import './chained-ops.js';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
