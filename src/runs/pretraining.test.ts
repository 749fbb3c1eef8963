import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '../core/tf.js';
import { useBackend } from '../engine/backend.js';
import { stackedAutoencoder } from '../models/stacked.js';
import { fakeFashionMnist } from '../testing/fake-fashion.js';
import { fit } from '../training/fit.js';
import { buildClassifier, labelledSamples, pretrainedEncoder, stratifiedSample, trainClassifier } from '../training/pretraining.js';
import { runPretraining } from './pretraining.js';

let dir = '';
before(async () => {
  await useBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-pre-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = fakeFashionMnist(200, 40, 40);
const weightsOf = (m: tf.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

test('stratifiedSample draws the same number per class, reproducibly', () => {
  const labels = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 10);
  const a = stratifiedSample(labels, 25, 1);
  assert.equal(a.length, 25);
  const perClass = Array.from({ length: 10 }, (_, c) => Array.from(a).filter((i) => labels[i] === c).length);
  assert.deepEqual(perClass, [3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
  assert.equal(new Set(a).size, 25);
  assert.deepEqual(Array.from(stratifiedSample(labels, 25, 1)), Array.from(a));
  assert.notDeepEqual(Array.from(stratifiedSample(labels, 25, 2)), Array.from(a));
  assert.throws(() => stratifiedSample(labels, 400, 1), /class 0 has only 30/);
});

test('the pretrained classifier starts from a copy of the trained encoder; scratch does not', async () => {
  // A trained autoencoder (a few steps are enough to move the weights away from their initial values).
  const ae = stackedAutoencoder({ seed: 42, units: [16, 8] });
  ae.autoencoder.compile({ optimizer: tf.train.sgd(1), loss: 'binaryCrossentropy' });
  await fit(ae.autoencoder, { x: data.train.x, shape: [28, 28], count: data.train.count }, { epochs: 1 });
  const trained = weightsOf(ae.encoder);
  // Same seed as the autoencoder: a fresh encoder would equal the *untrained* weights, which is the book's bug.
  const scratchEncoder = stackedAutoencoder({ seed: 42, units: [16, 8] }).encoder;
  const pretrained = pretrainedEncoder(stackedAutoencoder({ seed: 42, units: [16, 8] }).encoder, ae.encoder);
  const classifier = buildClassifier(pretrained, 42);
  const scratch = buildClassifier(scratchEncoder, 42);
  assert.deepEqual(classifier.outputs[0].shape, [null, 10]);
  // Before classifier training: the classifier's encoder layers hold exactly the trained weights …
  const inClassifier = weightsOf(classifier).slice(0, trained.length);
  assert.deepEqual(inClassifier, trained);
  // … the scratch variant's do not, and both heads start alike (same seed).
  assert.notDeepEqual(weightsOf(scratch).slice(0, trained.length), trained);
  assert.deepEqual(weightsOf(scratch).slice(trained.length), weightsOf(classifier).slice(trained.length));
  // The copy does not alias: training the classifier (unfrozen) leaves the autoencoder's encoder as it was.
  const train = labelledSamples(data.train, stratifiedSample(data.train.labels, 50, 1));
  await trainClassifier(classifier, pretrained, 'fine-tuned', train, {
    epochs: 2,
    optimizer: 'sgd',
    lr: 0.05,
    fineTuneLr: 0.05,
    frozenEpochs: 1,
    batchSize: 10,
    seed: 1,
  });
  assert.deepEqual(weightsOf(ae.encoder), trained);
  assert.notDeepEqual(weightsOf(pretrained), trained, 'fine-tuning trains the (copied) encoder');
});

test('the frozen variant leaves the pretrained encoder unchanged and trains the head', async () => {
  const encoder = stackedAutoencoder({ seed: 7, units: [16, 8] }).encoder;
  const classifier = buildClassifier(encoder, 7);
  const enc0 = weightsOf(encoder);
  const all0 = weightsOf(classifier);
  const train = labelledSamples(data.train, stratifiedSample(data.train.labels, 40, 3));
  await trainClassifier(classifier, encoder, 'frozen', train, {
    epochs: 2,
    optimizer: 'sgd',
    lr: 0.05,
    fineTuneLr: 0.01,
    frozenEpochs: 1,
    batchSize: 10,
    seed: 1,
  });
  assert.deepEqual(weightsOf(encoder), enc0);
  assert.notDeepEqual(weightsOf(classifier).slice(enc0.length), all0.slice(enc0.length));
  assert.throws(
    () => pretrainedEncoder(stackedAutoencoder({ units: [16, 4] }).encoder, encoder),
    /does not match the classifier's encoder/,
  );
});

test('runPretraining writes pretraining.json, a table and a plot for every label count, seed and variant', async () => {
  const out = path.join(dir, 'pre');
  const report = await runPretraining({
    encoder: 'stacked',
    labels: [20, 40],
    seeds: 2,
    epochs: 1,
    classifierEpochs: 2,
    lr: 0.05,
    out,
    data,
    backend: 'wasm',
  });
  assert.equal(report.results.length, 2 * 2 * 3);
  assert.equal(report.summary.length, 2 * 3);
  assert.ok(report.results.every((r) => r.test_accuracy >= 0 && r.test_accuracy <= 1));
  const json = JSON.parse(await readFile(path.join(out, 'pretraining.json'), 'utf8'));
  assert.equal(json.encoder, 'stacked');
  assert.ok(json.finished !== null);
  const table = await readFile(path.join(out, 'pretraining.md'), 'utf8');
  assert.match(table, /\| labels \| scratch \| frozen \| fine-tuned \|/);
  assert.match(table, /\| 40 \| 0\.\d{4} ± /);
  assert.ok((await stat(path.join(out, 'pretraining.png'))).size > 500);
  // Reusing the autoencoder it trained:
  const again = await runPretraining({
    from: path.join(out, 'autoencoder'),
    labels: [20],
    seeds: 1,
    classifierEpochs: 2,
    out: path.join(dir, 'again'),
    data,
    backend: 'wasm',
  });
  assert.equal(again.autoencoder.trainedHere, false);
  await assert.rejects(
    runPretraining({ from: path.join(out, 'autoencoder'), encoder: 'conv', labels: [20], out: path.join(dir, 'x'), data }),
    /encoder conv does not match/,
  );
});
