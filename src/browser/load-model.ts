/**
 * Loading aekit models in a browser: `tf.loadLayersModel` (fetching `model.json` and its weight
 * files over HTTP, or any tfjs IOHandler) followed by the same after-load steps as Node's
 * `loadModel` — tied `DenseTranspose` layers are re-linked to their partners.
 */

import { AekitError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import '../layers/index.js';
import { runAfterLoad } from '../layers/after-load.js';

/**
 * A model could not be fetched or rebuilt. `code` is `E_MODEL_MISSING` when the server answered
 * 404 for the model.json or a weight file, `E_MODEL_INVALID` otherwise; `cause` is tfjs's error.
 */
export class ModelLoadError extends AekitError {
  /** The model.json URL asked for; null when the model came from an IOHandler. */
  readonly url: string | null;

  constructor(message: string, code: 'E_MODEL_MISSING' | 'E_MODEL_INVALID', url: string | null, options: { cause?: unknown } = {}) {
    super(message, { ...options, code });
    this.url = url;
  }
}

/**
 * Loads an aekit model (an autoencoder, encoder or decoder saved by `aekit train` or `saveModel`)
 * from `source`: the URL of its `model.json`, whose weight files are fetched from beside it, or a
 * tfjs IOHandler (`tf.io.browserFiles`, `tf.io.fromMemory`, …). `options` are those of
 * `tf.loadLayersModel` (`requestInit`, `onProgress`, `weightPathPrefix`, …). Tied layers are
 * linked to their partners before the model is returned; a tied decoder loaded without its
 * encoder stays unlinked and throws when it predicts, as in Node.
 *
 * @example
 * const model = await aekit.loadModel('model/model.json');
 * const reconstructions = model.predict(tf.zeros([1, 28, 28]));
 */
export async function loadModel(source: string | tf.io.IOHandler, options?: tf.io.LoadOptions): Promise<tf.LayersModel> {
  const url = typeof source === 'string' ? source : null;
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(source, options);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const missing = /status code 404\b/.test(reason);
    const hint = missing
      ? 'check the URL: it must point to the model.json of a saved model, with its weight files beside it'
      : /Unknown (layer|regularizer)/.test(reason)
        ? 'the model uses a layer that neither tfjs nor this aekit build registers'
        : 'expected a tfjs Layers model (model.json + weights) saved by aekit or tf.LayersModel.save';
    const from = url === null ? 'its IOHandler' : `'${url}'`;
    throw new ModelLoadError(
      `could not load the model from ${from}: ${reason} (${hint})`,
      missing ? 'E_MODEL_MISSING' : 'E_MODEL_INVALID',
      url,
      {
        cause: err,
      },
    );
  }
  runAfterLoad(model);
  return model;
}
