import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { loadData } from '../data/load.js';
import { useBackend } from '../engine/backend.js';
import { trainRun } from '../runs/train-run.js';
import { checkModel } from '../testing/check-model.js';
import { recurrentAutoencoder } from './recurrent.js';

before(async () => {
  await useBackend('wasm');
});

const lstmParams = (units: number, inputs: number): number => 4 * (units * (inputs + units) + units);

test("recurrent autoencoder has the book's layers and parameter counts for images", () => {
  const { encoder, decoder, autoencoder } = recurrentAutoencoder({ seed: 1 });
  assert.deepEqual(encoder.outputs[0].shape, [null, 30]);
  assert.deepEqual(autoencoder.outputs[0].shape, [null, 28, 28]);
  assert.equal(encoder.countParams(), lstmParams(100, 28) + lstmParams(30, 100));
  assert.equal(decoder.countParams(), lstmParams(100, 30) + 100 * 28 + 28);
  assert.deepEqual(
    decoder.layers.map((l) => l.getClassName()),
    ['RepeatVector', 'LSTM', 'TimeDistributed'],
  );
});

test('recurrent autoencoder on [n, steps, features] survives save → load', async () => {
  const model = recurrentAutoencoder({ steps: 5, features: 3, units: [8, 4], seed: 2 });
  const x = tf.randomUniform([2, 5, 3], 0, 1, 'float32', 1);
  await checkModel(model.autoencoder, {
    input: x,
    outputShape: [2, 5, 3],
    trainableParams: lstmParams(8, 3) + lstmParams(4, 8) + lstmParams(8, 4) + 8 * 3 + 3,
    tolerance: 1e-5,
  });
  x.dispose();
});

test("train recurrent --csv: trains on the file's sequences and writes a run", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-rec-'));
  try {
    const csv = path.join(dir, 'seqs.csv');
    const lines = ['# 10 sequences of 4 steps × 2 features', 'a,b,c,d,e,f,g,h'];
    for (let i = 0; i < 10; i++) lines.push(Array.from({ length: 8 }, (_, j) => ((i + j) % 5) / 4).join(','));
    await writeFile(csv, lines.join('\n'));
    const data = await loadData({ kind: 'sequences', file: csv, steps: 4, features: 2 });
    assert.equal(data.train.count, 9);
    assert.equal(data.valid.count, 1);
    const result = await trainRun({
      model: 'recurrent',
      epochs: 1,
      backend: 'wasm',
      out: path.join(dir, 'run'),
      dataset: { kind: 'sequences', file: csv, steps: 4, features: 2 },
    });
    assert.equal(result.metrics.data.train, 9);
    assert.deepEqual(result.metrics.data.spec, { kind: 'sequences', file: csv, steps: 4, features: 2, validationSplit: 0.1, seed: 42 });
    assert.deepEqual(result.model.outputs[0].shape, [null, 4, 2]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('train recurrent --series: the LSTM autoencoder trains on z-scored series windows with a linear output and MSE', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'aekit-rec-series-'));
  try {
    const csv = path.join(dir, 'series.csv');
    const lines = ['timestamp,a,b'];
    for (let i = 0; i < 60; i++) lines.push(`${i},${Math.sin(i / 3).toFixed(4)},${(i % 7) * 2}`);
    await writeFile(csv, lines.join('\n'));
    const result = await trainRun({
      model: 'recurrent',
      epochs: 1,
      backend: 'wasm',
      out: path.join(dir, 'run'),
      dataset: { kind: 'series', file: csv, window: 6 },
    });
    assert.equal(result.metrics.data.spec?.kind, 'series');
    assert.equal(result.metrics.data.train, 54 - 6 + 1); // 54 training rows (the first 90 %), stride 1
    assert.deepEqual(result.model.outputs[0].shape, [null, 6, 2]);
    assert.equal((result.metrics.options as { loss?: string }).loss, 'meanSquaredError');
    const last = result.model.layers[result.model.layers.length - 1] as tf.LayersModel;
    const dense = last.layers[last.layers.length - 1].getConfig() as { layer: { config: { activation: string } } };
    assert.equal(dense.layer.config.activation, 'linear');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
