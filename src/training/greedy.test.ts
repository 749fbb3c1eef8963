import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { convAutoencoder } from '../models/conv.js';
import { convGreedyStages } from '../models/conv-greedy.js';
import { stackedAutoencoder, stackedGreedyStages } from '../models/stacked.js';
import type { StageModels } from '../models/stages.js';
import { fakeFashionMnist } from '../testing/fake-fashion.js';
import { evaluate } from './fit.js';
import { encodeSamples, type GreedyStage, trainGreedy } from './greedy.js';

before(async () => {
  await useBackend('wasm');
});

/** The book's stage settings: BCE SGD(1.5) for the pixels, MSE SGD(0.05) for codings. */
const withSettings = (stages: StageModels[], epochs = 1): GreedyStage[] =>
  stages.map((m, k) => ({
    ...m,
    loss: k === 0 ? 'binaryCrossentropy' : 'meanSquaredError',
    optimizer: 'sgd',
    lr: k === 0 ? 1.5 : 0.05,
    epochs,
  }));

const data = fakeFashionMnist(160, 40, 20);
const images = (split: 'train' | 'valid', n?: number) => {
  const count = Math.min(n ?? data[split].count, data[split].count);
  return { x: data[split].x.subarray(0, count * 784), shape: [28, 28], count };
};

test('trainGreedy trains each stage on the previous codings, then fine-tunes', async () => {
  const built = stackedAutoencoder({ seed: 5, units: [16, 8] });
  const stages = withSettings(stackedGreedyStages(built), 2);
  const seen: string[] = [];
  let stackedLoss = NaN;
  const result = await trainGreedy(
    built.autoencoder,
    stages,
    { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 0.1, epochs: 1 },
    {
      train: images('train'),
      validation: images('valid'),
      onStageEpoch: (name, r) => {
        seen.push(`${name}:${r.epoch}`);
      },
      onStacked: async () => {
        built.autoencoder.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
        stackedLoss = (await evaluate(built.autoencoder, images('valid'))).loss;
      },
    },
  );
  assert.deepEqual(seen, ['stage1:1', 'stage1:2', 'stage2:1', 'stage2:2']);
  assert.deepEqual(
    result.stages.map((s) => s.inputShape),
    [[28, 28], [16]],
  );
  assert.equal(result.stages[1].loss, 'meanSquaredError');
  const s1 = result.stages[0].epochs_run;
  assert.ok(s1[1].loss < s1[0].loss, 'stage 1 learns');
  assert.equal(result.fineTune?.epochs_run.length, 1);
  // The stacked model was trained by its stages: far better than an untrained one.
  const fresh = stackedAutoencoder({ seed: 5, units: [16, 8] }).autoencoder;
  fresh.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  assert.ok(stackedLoss < (await evaluate(fresh, images('valid'))).loss);
});

test('trainGreedy rejects stages whose shapes do not chain', async () => {
  const a = withSettings(stackedGreedyStages(stackedAutoencoder({ seed: 1, units: [16, 8] })));
  const b = withSettings(stackedGreedyStages(stackedAutoencoder({ seed: 1, units: [12, 8] })));
  await assert.rejects(
    trainGreedy(tf.sequential(), [a[0], b[1]], null, { train: images('train', 20) }),
    /stage 'stage2' expects inputs \[12\], but stage 1's codings are \[16\]/,
  );
});

test('conv greedy stages pair each conv + pool with its transposed convolution', async () => {
  const built = convAutoencoder({ seed: 2 });
  const stages = convGreedyStages(built);
  assert.deepEqual(
    stages.map((s) => s.autoencoder.inputs[0].shape),
    [
      [null, 28, 28],
      [null, 14, 14, 16],
      [null, 7, 7, 32],
    ],
  );
  assert.deepEqual(
    stages.map((s) => s.autoencoder.outputs[0].shape),
    [
      [null, 28, 28],
      [null, 14, 14, 16],
      [null, 7, 7, 32],
    ],
  );
  assert.deepEqual(
    stages.map((s) => s.encoder.outputs[0].shape),
    [
      [null, 14, 14, 16],
      [null, 7, 7, 32],
      [null, 3, 3, 64],
    ],
  );
  assert.deepEqual(
    stages.map((s) => s.autoencoder.countParams()),
    [160 + 145, 4640 + 4624, 18496 + 18464],
  );
  const codings = await encodeSamples(stages[0].encoder, images('train', 3));
  assert.deepEqual([codings.count, ...codings.shape], [3, 14, 14, 16]);
});
