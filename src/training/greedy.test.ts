import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { useBackend } from '../engine/backend.js';
import { convAutoencoder } from '../models/conv.js';
import { convGreedyStages } from '../models/conv-greedy.js';
import { stackedAutoencoder, stackedGreedyStages } from '../models/stacked.js';
import { fakeFashionMnist } from './fake-fashion.js';
import { evaluate } from './fit.js';
import { encodeSamples, parseEpochList, trainGreedy } from './greedy.js';
import { trainRun } from './run.js';
import { openRun } from './saved-run.js';

let dir = '';
before(async () => {
  await useBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-greedy-'));
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

const data = fakeFashionMnist(160, 40, 20);
const images = (split: 'train' | 'valid', n?: number) => {
  const count = Math.min(n ?? data[split].count, data[split].count);
  return { x: data[split].images.subarray(0, count * 784), shape: [28, 28], count };
};

test('trainGreedy trains each stage on the previous codings, then fine-tunes', async () => {
  const built = stackedAutoencoder({ seed: 5, units: [16, 8] });
  const stages = stackedGreedyStages(built, [2, 2]);
  const seen: string[] = [];
  let stackedLoss = NaN;
  const result = await trainGreedy(built.autoencoder, stages, { loss: 'binaryCrossentropy', optimizer: 'sgd', lr: 0.1, epochs: 1 }, {
    train: images('train'), validation: images('valid'),
    onStageEpoch: (name, r) => { seen.push(`${name}:${r.epoch}`); },
    onStacked: async () => {
      built.autoencoder.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      stackedLoss = (await evaluate(built.autoencoder, images('valid'))).loss;
    },
  });
  assert.deepEqual(seen, ['stage1:1', 'stage1:2', 'stage2:1', 'stage2:2']);
  assert.deepEqual(result.stages.map((s) => s.inputShape), [[28, 28], [16]]);
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
  const a = stackedGreedyStages(stackedAutoencoder({ seed: 1, units: [16, 8] }));
  const b = stackedGreedyStages(stackedAutoencoder({ seed: 1, units: [12, 8] }));
  await assert.rejects(trainGreedy(tf.sequential(), [a[0], b[1]], null, { train: images('train', 20) }),
    /stage 'stage2' expects inputs \[12\], but stage 1's codings are \[16\]/);
  assert.deepEqual(parseEpochList('10,10,0'), [10, 10, 0]);
  assert.throws(() => parseEpochList('10,0,3'), /stages ≥ 1/);
});

test('conv greedy stages pair each conv + pool with its transposed convolution', async () => {
  const built = convAutoencoder({ seed: 2 });
  const stages = convGreedyStages(built);
  assert.deepEqual(stages.map((s) => s.autoencoder.inputs[0].shape), [[null, 28, 28], [null, 14, 14, 16], [null, 7, 7, 32]]);
  assert.deepEqual(stages.map((s) => s.autoencoder.outputs[0].shape), [[null, 28, 28], [null, 14, 14, 16], [null, 7, 7, 32]]);
  assert.deepEqual(stages.map((s) => s.encoder.outputs[0].shape), [[null, 14, 14, 16], [null, 7, 7, 32], [null, 3, 3, 64]]);
  assert.deepEqual(stages.map((s) => s.autoencoder.countParams()), [160 + 145, 4640 + 4624, 18496 + 18464]);
  const codings = await encodeSamples(stages[0].encoder, images('train', 3));
  assert.deepEqual([codings.count, ...codings.shape], [3, 14, 14, 16]);
});

test('aekit train stacked --greedy --tied records every stage, draws both grids, reloads with the recorded loss', async () => {
  const out = path.join(dir, 'stacked-greedy');
  const result = await trainRun({
    model: 'stacked', data, out, backend: 'wasm',
    modelOptions: { units: [16, 8], tied: true, greedy: true, greedyEpochs: [1, 1, 1] },
  });
  const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.stages.map((s: { name: string; epochs_run: unknown[] }) => [s.name, s.epochs_run.length]), [['stage1', 1], ['stage2', 1]]);
  assert.equal(metrics.fine_tune.lr, 0.1);
  assert.equal(metrics.epochs.length, 1);
  assert.equal(result.metrics.params.decoder, 8 + 16 + 784 - 8);
  for (const f of ['reconstructions-stacked.png', 'reconstructions.png']) assert.ok((await stat(path.join(out, f))).size > 100, f);
  const run = await openRun(out);
  const valid = { x: data.valid.images, shape: [28, 28], count: data.valid.count };
  const again = await evaluate(run.model, valid);
  assert.ok(Math.abs(again.loss - metrics.epochs[0].val_loss) < 1e-5, `reloaded ${again.loss} vs recorded ${metrics.epochs[0].val_loss}`);
  await assert.rejects(trainRun({ model: 'stacked', data, out: path.join(dir, 'x'), backend: 'wasm', modelOptions: { greedyEpochs: [1, 1, 1] } }), /--greedy-epochs needs --greedy/);
});

test('aekit train conv --greedy writes per-stage metrics', async () => {
  const out = path.join(dir, 'conv-greedy');
  await trainRun({ model: 'conv', data: fakeFashionMnist(32, 8, 4), out, backend: 'wasm', batchSize: 16, modelOptions: { greedy: true, greedyEpochs: [1, 1, 1, 1] } });
  const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
  assert.deepEqual(metrics.stages.map((s: { name: string; loss: string }) => `${s.name}:${s.loss}`),
    ['stage1:binaryCrossentropy', 'stage2:meanSquaredError', 'stage3:meanSquaredError']);
  assert.equal(metrics.epochs.length, 1);
});
