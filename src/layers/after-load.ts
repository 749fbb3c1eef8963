/**
 * Steps run on every model that aekit's `loadModel` rebuilds, registered by the layers that need
 * them: a tfjs config cannot hold a reference to another layer, so tied layers store their
 * partner's name and are re-linked here after loading.
 */
import type * as tf from '../core/tf.js';

const hooks: Array<(model: tf.LayersModel) => unknown> = [];

/** Registers `hook` (once) to run on every loaded model. */
export function registerAfterLoad(hook: (model: tf.LayersModel) => unknown): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

/** Runs every registered hook on `model` (a model just rebuilt by `tf.loadLayersModel`). */
export function runAfterLoad(model: tf.LayersModel): void {
  for (const hook of hooks) hook(model);
}
