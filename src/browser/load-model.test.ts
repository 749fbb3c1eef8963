/**
 * The browser's `loadModel` run in Node through tfjs IOHandlers (test/browser.test.ts runs it in
 * Chromium over HTTP): it links tied layers like Node's `loadModel`, and its failures are
 * `ModelLoadError`s whose code says whether the model was missing or invalid.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AekitError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { DenseTranspose } from '../layers/dense-transpose.js';
import { stackedAutoencoder } from '../models/stacked.js';
import { loadModel, ModelLoadError } from './load-model.js';

/** `model`'s save artifacts, kept in memory. */
async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return saved!;
}

/** A handler whose load fails with `message` (what tfjs's http handler throws, for example). */
function failing(message: string): tf.io.IOHandler {
  return {
    load: async () => {
      throw new Error(message);
    },
  };
}

test('loadModel rebuilds a tied stacked model from an IOHandler, links it, and predicts as the original', async () => {
  const { autoencoder } = stackedAutoencoder({ units: [5, 2], inputShape: [3, 3], tied: true, seed: 1 });
  const loaded = await loadModel(tf.io.fromMemory(await artifactsOf(autoencoder)));
  const tied = loaded.layers
    .flatMap((l) => ('layers' in l ? (l as tf.LayersModel).layers : [l]))
    .filter((l) => l instanceof DenseTranspose);
  assert.equal(tied.length, 2);
  assert.ok(tied.every((l) => l.linked));
  const x = tf.randomUniform([2, 3, 3], 0, 1, 'float32', 7);
  const want = autoencoder.predict(x) as tf.Tensor;
  const got = loaded.predict(x) as tf.Tensor;
  assert.equal(tf.max(tf.abs(tf.sub(want, got))).dataSync()[0], 0);
  tf.dispose([x, want, got]);
  loaded.dispose();
});

test('loadModel names a missing model E_MODEL_MISSING and anything else E_MODEL_INVALID', async () => {
  const missing = await loadModel(
    failing(
      'Request to /runs/x/model.json failed with status code 404. Please verify this URL points to the model JSON of the model to load.',
    ),
  ).catch((e: unknown) => e);
  assert.ok(missing instanceof ModelLoadError && missing instanceof AekitError);
  assert.equal(missing.code, 'E_MODEL_MISSING');
  assert.equal(missing.url, null);
  assert.match(missing.message, /^could not load the model from its IOHandler: Request to .* 404.*\(check the URL/);
  assert.ok(missing.cause instanceof Error);

  const { autoencoder } = stackedAutoencoder({ units: [4, 2], inputShape: [2, 2], seed: 2 });
  const artifacts = await artifactsOf(autoencoder);
  const topology = JSON.parse(
    JSON.stringify(artifacts.modelTopology).replaceAll('"Dense"', '"NoSuchLayer"'),
  ) as tf.io.ModelArtifacts['modelTopology'];
  const unknown = await loadModel(tf.io.fromMemory({ ...artifacts, modelTopology: topology })).catch((e: unknown) => e);
  assert.ok(unknown instanceof ModelLoadError);
  assert.equal(unknown.code, 'E_MODEL_INVALID');
  assert.match(unknown.message, /Unknown layer: NoSuchLayer.*neither tfjs nor this aekit build registers/s);

  const garbage = await loadModel(failing('Unexpected token < in JSON at position 0')).catch((e: unknown) => e);
  assert.ok(garbage instanceof ModelLoadError);
  assert.equal(garbage.code, 'E_MODEL_INVALID');
  assert.match(garbage.message, /expected a tfjs Layers model/);
});
