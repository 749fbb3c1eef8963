import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { loadModel, type ModelIOError, saveModel } from './io.js';

let dir: string;
before(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-io-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function small(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }) })],
  });
}

test('saveModel writes tfjs Layers files that loadModel reads back with metadata', async () => {
  const target = path.join(dir, 'a');
  await saveModel(small(1), target, { aekit: { model: 'x' } });
  assert.deepEqual((await readdir(target)).sort(), ['model.json', 'weights.bin']);
  const json = JSON.parse(await readFile(path.join(target, 'model.json'), 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  const loaded = await loadModel(target);
  assert.deepEqual(loaded.getUserDefinedMetadata(), { aekit: { model: 'x' } });
  assert.deepEqual(Array.from(loaded.getWeights()[0].dataSync()), Array.from(small(1).getWeights()[0].dataSync()));
});

test('saving over an existing model replaces it and leaves no temporary directories', async () => {
  const target = path.join(dir, 'b');
  await saveModel(small(1), target);
  await saveModel(small(2), target);
  const loaded = await loadModel(target);
  assert.deepEqual(Array.from(loaded.getWeights()[0].dataSync()), Array.from(small(2).getWeights()[0].dataSync()));
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.includes('tmp')),
    [],
  );
});

test('loadModel explains a missing, a corrupt and a truncated model', async () => {
  await assert.rejects(
    loadModel(path.join(dir, 'nothing')),
    (e: ModelIOError) => e.code === 'E_MODEL_MISSING' && /no model at/.test(e.message),
  );
  const bad = path.join(dir, 'bad');
  await saveModel(small(1), bad);
  await writeFile(path.join(bad, 'model.json'), '{not json');
  await assert.rejects(loadModel(bad), (e: ModelIOError) => e.code === 'E_MODEL_INVALID' && e.message.includes('model.json'));
  const cut = path.join(dir, 'cut');
  await saveModel(small(1), cut);
  await truncate(path.join(cut, 'weights.bin'), 8);
  await assert.rejects(loadModel(cut), (e: ModelIOError) => e.code === 'E_MODEL_INVALID' && /truncated/.test(e.message));
});

test('loadModel refuses weights holding NaN or Infinity, naming the weight and the file', async () => {
  const target = path.join(dir, 'nan');
  await saveModel(small(1), target);
  const file = path.join(target, 'weights.bin');
  const bytes = await readFile(file);
  const kernel = new Float32Array(bytes.buffer, bytes.byteOffset, 12); // Dense(3) on 4 inputs: kernel [4, 3] first
  kernel[5] = Number.NaN;
  await writeFile(file, bytes);
  await assert.rejects(loadModel(target), (err: ModelIOError) => {
    assert.equal(err.code, 'E_MODEL_INVALID');
    assert.match(
      err.message,
      /weight '.*kernel' in '.*nan\/weights\.bin' \(listed in '.*nan\/model\.json'\) holds NaN at index 5 \(1 of its 12 values/,
    );
    return true;
  });
  kernel[5] = 0;
  new Float32Array(bytes.buffer, bytes.byteOffset + 48, 3)[2] = Number.NEGATIVE_INFINITY; // the bias
  await writeFile(file, bytes);
  await assert.rejects(loadModel(target), /weight '.*bias' .* holds -Infinity at index 2 \(1 of its 3 values/);
});
