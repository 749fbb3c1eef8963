/**
 * Test support (not public API): the checks every custom layer and every model builder must pass —
 * output shape, trainable weight count, save → load → same predictions, and no leaked tensors.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../core/tf.js';
import { loadModel, saveModel } from '../training/io.js';

/** What {@link checkModel} verifies. */
export interface ModelExpectations {
  /** Input batch to run. */
  input: tf.Tensor;
  /** Expected output shape for that input. */
  outputShape: number[];
  /** Expected number of trainable parameters (scalars). */
  trainableParams?: number;
  /** Largest allowed absolute difference between predictions before save and after load. Default 1e-6. */
  tolerance?: number;
}

/**
 * Runs `model` on `input`, checks the output shape and trainable parameter count, saves it in the
 * tfjs Layers format, loads it back, checks the reloaded model predicts the same, and checks that
 * predicting leaks no tensors. Returns the reloaded model (caller disposes).
 */
export async function checkModel(model: tf.LayersModel, expect: ModelExpectations): Promise<tf.LayersModel> {
  const { input, outputShape, trainableParams, tolerance = 1e-6 } = expect;
  const before = tf.memory().numTensors;
  const out = model.predict(input) as tf.Tensor;
  assert.deepEqual(out.shape, outputShape, 'output shape');
  const expected = await out.data();
  out.dispose();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by predict');
  if (trainableParams !== undefined) {
    const n = model.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
    assert.equal(n, trainableParams, 'trainable parameters');
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-layer-'));
  try {
    await saveModel(model, path.join(dir, 'm'));
    const loaded = await loadModel(path.join(dir, 'm'));
    const again = loaded.predict(input) as tf.Tensor;
    const got = await again.data();
    again.dispose();
    assert.equal(got.length, expected.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
    assert.ok(worst <= tolerance, `predictions after save → load differ by ${worst} (tolerance ${tolerance})`);
    return loaded;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
