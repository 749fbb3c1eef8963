import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ConflictError } from '../../core/errors.js';
import { useBackend } from '../../engine/backend.js';
import { fakeFashionMnist } from '../../testing/fake-fashion.js';
import { evaluate } from '../../training/fit.js';
import { openRun } from '../saved-run.js';
import { resolveModelOptions, trainRun } from '../train-run.js';
import { getRecipe, RECIPES } from './index.js';
import { parseEpochList } from './options.js';

let dir = '';
before(async () => {
  await useBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-recipes-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = fakeFashionMnist(160, 40, 20);

test('the stacked recipe declares its options and book settings', () => {
  const recipe = getRecipe('stacked');
  assert.deepEqual(recipe.defaults, { epochs: 20, batchSize: 32, optimizer: 'sgd', lr: 1.5, loss: 'binaryCrossentropy' });
  const keys = (recipe.options ?? []).map((o) => o.key);
  for (const k of ['units', 'activation', 'tied', 'greedy', 'greedyEpochs']) assert.ok(keys.includes(k), k);
  const units = recipe.options!.find((o) => o.key === 'units')!;
  assert.deepEqual(units.parse!('100,30'), [100, 30]);
  assert.throws(() => units.parse!('100,x'), /units: expected a comma-separated list of positive integers/);
  assert.ok((getRecipe('conv').options ?? []).some((o) => o.key === 'greedy'));
});

test('recipes are one explicit list with unique names; unknown names list the known ones', () => {
  const names = RECIPES.map((r) => r.name);
  assert.deepEqual(names, ['conv', 'stacked', 'dense', 'recurrent', 'conv1d', 'sparse', 'vae', 'linear']);
  assert.throws(() => getRecipe('convv'), /unknown model 'convv': expected one of conv, stacked/);
});

test('option combinations are refused before anything is built, naming the arguments', () => {
  const conflict = (model: string, options: Record<string, unknown>, pattern: RegExp): void => {
    assert.throws(
      () => resolveModelOptions(getRecipe(model), options),
      (err: unknown) => err instanceof ConflictError && pattern.test(err.message),
    );
  };
  conflict('stacked', { greedyEpochs: [1, 1, 1] }, /greedyEpochs needs greedy/);
  conflict('conv', { greedy: true, noise: 'gaussian:0.2' }, /noise cannot be combined with greedy/);
  conflict('stacked', { greedy: true, greedyEpochs: [1, 1] }, /greedyEpochs: expected 3 numbers \(2 stages, then fine-tuning\), got 2/);
  conflict('stacked', { greedy: true, units: [10, 5, 2], greedyEpochs: [1, 1, 1] }, /expected 4 numbers/);
  assert.throws(() => resolveModelOptions(getRecipe('conv'), { units: [1] }), /model 'conv' has no option units/);
  assert.deepEqual(parseEpochList('10,10,0'), [10, 10, 0]);
  assert.throws(() => parseEpochList('10,0,3'), /stages ≥ 1/);
});

test('aekit train stacked --greedy --tied records every stage, draws both grids, reloads with the recorded loss', async () => {
  const out = path.join(dir, 'stacked-greedy');
  const result = await trainRun({
    model: 'stacked',
    data,
    out,
    backend: 'wasm',
    modelOptions: { units: [16, 8], tied: true, greedy: true, greedyEpochs: [1, 1, 1] },
  });
  const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
  assert.deepEqual(
    metrics.stages.map((s: { name: string; epochs_run: unknown[] }) => [s.name, s.epochs_run.length]),
    [
      ['stage1', 1],
      ['stage2', 1],
    ],
  );
  // the book's stage settings: pixels with BCE and SGD(1.5), codings with MSE and SGD(0.05)
  assert.deepEqual(
    metrics.stages.map((s: { name: string; loss: string; lr: number }) => [s.name, s.loss, s.lr]),
    [
      ['stage1', 'binaryCrossentropy', 1.5],
      ['stage2', 'meanSquaredError', 0.05],
    ],
  );
  assert.equal(metrics.fine_tune.lr, 0.1);
  assert.equal(metrics.epochs.length, 1);
  assert.equal(result.metrics.params.decoder, 8 + 16 + 784 - 8);
  for (const f of ['reconstructions-stacked.png', 'reconstructions.png']) assert.ok((await stat(path.join(out, f))).size > 100, f);
  const run = await openRun(out);
  const valid = { x: data.valid.x, shape: [28, 28], count: data.valid.count };
  const again = await evaluate(run.model, valid);
  assert.ok(Math.abs(again.loss - metrics.epochs[0].val_loss) < 1e-5, `reloaded ${again.loss} vs recorded ${metrics.epochs[0].val_loss}`);
  await assert.rejects(
    trainRun({ model: 'stacked', data, out: path.join(dir, 'x'), backend: 'wasm', modelOptions: { greedyEpochs: [1, 1, 1] } }),
    /greedyEpochs needs greedy/,
  );
});

test('aekit train conv --greedy writes per-stage metrics', async () => {
  const out = path.join(dir, 'conv-greedy');
  await trainRun({
    model: 'conv',
    data: fakeFashionMnist(32, 8, 4),
    out,
    backend: 'wasm',
    batchSize: 16,
    modelOptions: { greedy: true, greedyEpochs: [1, 1, 1, 1] },
  });
  const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
  assert.deepEqual(
    metrics.stages.map((s: { name: string; loss: string }) => `${s.name}:${s.loss}`),
    ['stage1:binaryCrossentropy', 'stage2:meanSquaredError', 'stage3:meanSquaredError'],
  );
  assert.equal(metrics.epochs.length, 1);
});
