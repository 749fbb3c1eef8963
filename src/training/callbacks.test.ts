import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { AekitError, ArgumentError, DivergedError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import * as tf from '../core/tf.js';
import type { Samples } from '../data/samples.js';
import { useBackend } from '../engine/backend.js';
import { type Callback, cosineDecay, earlyStopping, reduceLROnPlateau, saveBest, terminateOnNaN } from './callbacks.js';
import { type FitCheckpoint, fit } from './fit.js';
import { getLearningRate, makeOptimizer, OPTIMIZER_NAMES, setLearningRate } from './optimizers.js';

before(async () => {
  await useBackend('wasm');
});

function samples(count: number, seed: number): Samples {
  const random = seededRandom(seed);
  const x = new Float32Array(count * 8);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < 8; j++) x[i * 8 + j] = j < 4 === (i % 2 === 1) ? 0.9 : 0.1 * random();
  }
  return { x, shape: [8], count };
}

/** A small 8 → 3 → 8 autoencoder compiled with `optimizer` (default SGD 0.5) and `loss`. */
function model(
  seed: number,
  optimizer: tf.Optimizer = tf.train.sgd(0.5),
  loss = 'binaryCrossentropy',
  activation = 'sigmoid',
): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [8], activation: 'selu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({
        units: 8,
        activation: activation as 'sigmoid',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
  m.compile({ optimizer, loss });
  return m;
}

function weightsOf(m: tf.LayersModel): number[][] {
  return m.getWeights().map((w) => Array.from(w.dataSync()));
}

/** Puts `values[epoch - 1]` into each epoch's record as `score`, to script what the monitors see. */
function script(values: number[]): Callback {
  return {
    onEpochEnd(epoch, logs) {
      logs.score = values[epoch - 1];
      return false;
    },
  };
}

/** Records the weights after every epoch (after the callbacks before it have run). */
function weightRecorder(): Callback & { byEpoch: Map<number, number[][]> } {
  const byEpoch = new Map<number, number[][]>();
  return {
    byEpoch,
    onEpochEnd(epoch, _logs, state) {
      byEpoch.set(epoch, weightsOf(state.model));
      return false;
    },
  };
}

test('fit calls every hook in order, with batches and epochs counted from 1, and stops when a hook says so', async () => {
  const calls: string[] = [];
  const spy: Callback = {
    onTrainBegin: (state) => {
      calls.push(`begin ${state.epochs}×${state.stepsPerEpoch}`);
    },
    onEpochBegin: (epoch) => {
      calls.push(`epoch ${epoch}`);
    },
    onBatchEnd: (batch, logs) => {
      assert.ok(Number.isFinite(logs.loss));
      calls.push(`batch ${batch}`);
    },
    onEpochEnd: (epoch, logs) => {
      calls.push(`end ${epoch} ${logs.epoch}`);
      return epoch === 2;
    },
    onTrainEnd: (history) => {
      calls.push(`done ${history.length}`);
    },
  };
  const recorded: number[] = [];
  const history = await fit(model(1), samples(20, 1), {
    epochs: 5,
    batchSize: 8,
    callbacks: [spy],
    onEpochEnd: (r) => {
      recorded.push(r.epoch);
    },
  });
  assert.equal(history.length, 2);
  assert.deepEqual(recorded, [1, 2], 'the stopping epoch is still recorded');
  assert.deepEqual(calls, [
    'begin 5×3',
    'epoch 1',
    'batch 1',
    'batch 2',
    'batch 3',
    'end 1 1',
    'epoch 2',
    'batch 1',
    'batch 2',
    'batch 3',
    'end 2 2',
    'done 2',
  ]);
});

test('earlyStopping stops after `patience` epochs without improvement and restores exactly the best epoch’s weights', async () => {
  const m = model(2);
  const recorder = weightRecorder();
  const stop = earlyStopping({ monitor: 'score', patience: 2, restoreBestWeights: true });
  const before = tf.memory().numTensors;
  // best at epoch 2; epochs 3 and 4 do not improve on it → stop after epoch 4
  const history = await fit(m, samples(64, 1), { epochs: 10, batchSize: 8, callbacks: [script([3, 2, 2.5, 2.6, 1, 1]), stop, recorder] });
  assert.equal(tf.memory().numTensors, before, 'the copy of the best weights is freed');
  assert.equal(history.length, 4);
  assert.equal(stop.stoppedEpoch, 4);
  assert.equal(stop.bestEpoch, 2);
  assert.equal(stop.best, 2);
  assert.equal(stop.restored, true);
  assert.deepEqual(weightsOf(m), recorder.byEpoch.get(2));
  assert.notDeepEqual(weightsOf(m), recorder.byEpoch.get(4), 'training moved the weights after the best epoch');
});

test('earlyStopping without restoreBestWeights keeps the last epoch’s weights; minDelta decides what improves', async () => {
  const m = model(3);
  const recorder = weightRecorder();
  const stop = earlyStopping({ monitor: 'score', patience: 1, minDelta: 0.5 });
  // 2.8 improves on 3 by less than minDelta: not an improvement → stop after epoch 2
  const history = await fit(m, samples(64, 1), { epochs: 10, batchSize: 8, callbacks: [script([3, 2.8, 1]), stop, recorder] });
  assert.equal(history.length, 2);
  assert.equal(stop.stoppedEpoch, 2);
  assert.equal(stop.bestEpoch, 1);
  assert.equal(stop.restored, false);
  assert.deepEqual(weightsOf(m), recorder.byEpoch.get(2));
});

test('earlyStopping on val_loss runs every epoch while it improves; stoppedEpoch stays null', async () => {
  const stop = earlyStopping({ patience: 3, restoreBestWeights: true });
  const history = await fit(model(4), samples(64, 1), { epochs: 3, batchSize: 8, validation: samples(16, 2), callbacks: [stop] });
  assert.equal(history.length, 3);
  assert.equal(stop.stoppedEpoch, null);
  assert.equal(stop.best, Math.min(...history.map((r) => r.val_loss)));
});

test('callbacks reject bad arguments by name, and a monitor the record lacks', async () => {
  const argumentOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof ArgumentError);
      return e.argument;
    }
    assert.fail('expected an ArgumentError');
  };
  assert.equal(
    argumentOf(() => earlyStopping({ patience: -1 })),
    'patience',
  );
  assert.equal(
    argumentOf(() => earlyStopping({ minDelta: Number.NaN })),
    'minDelta',
  );
  assert.equal(
    argumentOf(() => reduceLROnPlateau({ factor: 1 })),
    'factor',
  );
  assert.equal(
    argumentOf(() => cosineDecay({ initialLr: 0.1, minLr: 0.2 })),
    'minLr',
  );
  assert.equal(
    argumentOf(() => saveBest({} as never)),
    'save',
  );
  await assert.rejects(fit(model(5), samples(16, 1), { epochs: 1, callbacks: [earlyStopping()] }), (e: unknown) => {
    assert.ok(e instanceof ArgumentError);
    assert.equal(e.argument, 'monitor');
    assert.match(e.message, /no 'val_loss'.*validation samples/);
    return true;
  });
});

test('terminateOnNaN stops on a NaN loss naming epoch and batch, and leaves the last good epoch’s weights', async () => {
  const m = model(6, tf.train.sgd(0.01), 'meanSquaredError', 'linear');
  const recorder = weightRecorder();
  // two good epochs, then a learning rate that makes the loss explode
  const blowUp: Callback = {
    onEpochBegin: (epoch, state) => {
      if (epoch === 3) setLearningRate(state.optimizer!, 1e12);
    },
  };
  const before = tf.memory().numTensors;
  await assert.rejects(
    fit(m, samples(64, 1), { epochs: 5, batchSize: 8, callbacks: [terminateOnNaN(), blowUp, recorder] }),
    (e: unknown) => {
      assert.ok(e instanceof DivergedError && e instanceof AekitError);
      assert.equal(e.code, 'E_DIVERGED');
      assert.equal(e.epoch, 3);
      assert.equal(e.weightsFromEpoch, 2);
      assert.match(
        e.message,
        /^the loss became (NaN|Infinity) at epoch 3, batch \d+: training diverged; lower the learning rate lr \(.*end of epoch 2\)$/,
      );
      return true;
    },
  );
  assert.equal(tf.memory().numTensors, before, 'the copy of the good weights is freed');
  const kept = weightsOf(m);
  assert.ok(kept.flat().every(Number.isFinite));
  assert.deepEqual(kept, recorder.byEpoch.get(2));
});

test('fit stops on a NaN loss without being given terminateOnNaN, keeping the weights it started from', async () => {
  const m = model(7, tf.train.sgd(1e12), 'meanSquaredError', 'linear');
  const initial = weightsOf(m);
  await assert.rejects(fit(m, samples(64, 1), { epochs: 2, batchSize: 8 }), (e: unknown) => {
    assert.ok(e instanceof DivergedError);
    assert.equal(e.epoch, 1);
    assert.equal(e.weightsFromEpoch, 0);
    return true;
  });
  assert.deepEqual(weightsOf(m), initial);
});

test('reduceLROnPlateau lowers the rate after `patience` epochs without improvement, not below minLr, and records lr', async () => {
  const optimizer = tf.train.sgd(0.1);
  const plateau = reduceLROnPlateau({ monitor: 'score', factor: 0.5, patience: 2, minLr: 0.03 });
  const seen: number[] = [];
  const probe: Callback = {
    onEpochBegin: (_epoch, state) => {
      seen.push(getLearningRate(state.optimizer!));
    },
  };
  const history = await fit(model(8, optimizer), samples(32, 1), {
    epochs: 7,
    batchSize: 8,
    callbacks: [probe, script([1, 1, 1, 1, 1, 0.5, 0.5]), plateau],
  });
  // epoch 1 sets the best; epochs 2–3 do not improve → ×0.5; epochs 4–5 → 0.025 floored at 0.03; epoch 6 improves
  assert.deepEqual(
    history.map((r) => r.lr),
    [0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03],
  );
  assert.deepEqual(seen, [0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03], 'the optimizer steps with the recorded rate');
  assert.deepEqual(plateau.reductions, [
    { epoch: 3, lr: 0.05 },
    { epoch: 5, lr: 0.03 },
  ]);
  assert.equal(getLearningRate(optimizer), 0.03);
});

test('cosineDecay follows minLr + (initialLr − minLr)·½·(1 + cos(π·(e − 1)/E)) from the optimizer’s rate', async () => {
  const optimizer = tf.train.adam(0.2);
  const seen: number[] = [];
  const probe: Callback = {
    onEpochEnd: (_epoch, _logs, state) => {
      seen.push(getLearningRate(state.optimizer!));
      return false;
    },
  };
  const history = await fit(model(9, optimizer), samples(32, 1), {
    epochs: 4,
    batchSize: 8,
    callbacks: [cosineDecay({ minLr: 0.02 }), probe],
  });
  const expected = [1, 2, 3, 4].map((e) => 0.02 + (0.2 - 0.02) * 0.5 * (1 + Math.cos((Math.PI * (e - 1)) / 4)));
  assert.deepEqual(
    history.map((r) => r.lr),
    expected,
  );
  assert.deepEqual(seen, expected);
  assert.equal(history[0].lr, 0.2);
});

test('cosineDecay over fewer epochs than fit runs stays at minLr afterwards', async () => {
  const decay = cosineDecay({ initialLr: 1, epochs: 2, minLr: 0.1 });
  const history = await fit(model(10), samples(16, 1), { epochs: 4, batchSize: 8, callbacks: [decay] });
  assert.deepEqual(
    history.map((r) => r.lr),
    [1, 0.55, 0.1, 0.1],
  );
  assert.equal(decay.rate(2), 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 2)));
});

test('saveBest calls back only when the monitored value improves, with the model and the epoch', async () => {
  const m = model(11);
  const saved: Array<{ epoch: number; value: number; first: number }> = [];
  const best = saveBest({
    monitor: 'score',
    save: async (model, info) => {
      assert.equal(model, m);
      saved.push({ ...info, first: model.getWeights()[0].dataSync()[0] });
    },
  });
  const recorder = weightRecorder();
  await fit(m, samples(32, 1), { epochs: 6, batchSize: 8, callbacks: [recorder, script([3, 2, 2.5, 1, 1, 4]), best] });
  assert.deepEqual(
    saved.map(({ epoch, value }) => ({ epoch, value })),
    [
      { epoch: 1, value: 3 },
      { epoch: 2, value: 2 },
      { epoch: 4, value: 1 },
    ],
  );
  assert.deepEqual(
    saved.map((s) => s.first),
    [1, 2, 4].map((e) => recorder.byEpoch.get(e)![0][0]),
    'the model is saved with the weights of the improving epoch',
  );
  assert.equal(best.bestEpoch, 4);
  assert.equal(best.saves, 3);
});

test('the learning rate of every optimizer makeOptimizer builds can be read and set', async () => {
  for (const name of OPTIMIZER_NAMES) {
    const optimizer = makeOptimizer(name, 0.01);
    assert.equal(getLearningRate(optimizer), 0.01, name);
    const m = model(12, optimizer);
    await fit(m, samples(16, 1), { epochs: 1, batchSize: 8 });
    const trained = weightsOf(m);
    setLearningRate(optimizer, 0);
    assert.equal(getLearningRate(optimizer), 0, name);
    await fit(m, samples(16, 1), { epochs: 1, batchSize: 8 });
    assert.deepEqual(weightsOf(m), trained, `${name} with learning rate 0 leaves the weights unchanged`);
  }
  assert.throws(
    () => setLearningRate(tf.train.sgd(1), -1),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'lr',
  );
  assert.throws(
    () => getLearningRate(tf.train.adagrad(0.1)),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'optimizer' && /Adagrad/.test(e.message),
  );
});

test('a fit interrupted mid-epoch and resumed from its checkpoint keeps every callback’s state: same records, stop, reductions, restored weights', async () => {
  // Scripted scores: improve, plateau (a reduction at epoch 3), improve at 4, then stall (reductions at 5 and 6) until the stop after epoch 6.
  const scores = [5, 4, 4.5, 3, 3.5, 3.6, 3.7, 3.8];
  const make = (): { early: ReturnType<typeof earlyStopping>; plateau: ReturnType<typeof reduceLROnPlateau>; list: Callback[] } => {
    const early = earlyStopping({ monitor: 'score', patience: 2, restoreBestWeights: true });
    const plateau = reduceLROnPlateau({ monitor: 'score', patience: 1, factor: 0.5 });
    return { early, plateau, list: [script(scores), plateau, early] };
  };
  const train = samples(64, 3);
  const options = { epochs: 8, batchSize: 8, seed: 5 };
  const whole = model(11, tf.train.adam(0.05));
  const w = make();
  const reference = await fit(whole, train, { ...options, callbacks: w.list });
  assert.equal(w.early.stoppedEpoch, 6, 'the script stops after epoch 6');
  assert.deepEqual(w.plateau.reductions, [
    { epoch: 3, lr: 0.025 },
    { epoch: 5, lr: 0.0125 },
    { epoch: 6, lr: 0.00625 },
  ]);

  // Interrupted at batch 3 of epoch 5 (after the first reduction, with early stopping waiting one epoch).
  const cut = model(11, tf.train.adam(0.05));
  let batches = 0;
  const signal = {
    get aborted() {
      return batches >= 4 * 8 + 3;
    },
  };
  const counter: Callback = {
    onBatchEnd() {
      batches += 1;
    },
  };
  let saved: FitCheckpoint | undefined;
  const c = make();
  await assert.rejects(
    fit(cut, train, {
      ...options,
      callbacks: [...c.list, counter],
      signal,
      checkpointSeconds: 1e-9, // a checkpoint after every batch too
      checkpoint: (cp) => {
        saved = {
          ...cp,
          weights: cp.weights.map((t) => t.clone()),
          callbacks: cp.callbacks?.map((s) => s && { ...s, weights: s.weights?.map((t) => t.clone()) }),
        };
      },
    }),
    /training stopped at epoch 5, after batch 3 of 8/,
  );
  assert.ok(saved !== undefined);
  assert.deepEqual(saved.position.epoch, 5);
  assert.deepEqual(saved.position.batch, 3);
  assert.equal(saved.callbacks?.length, 5, 'terminateOnNaN, the script, plateau, early stopping, the counter');
  assert.equal(saved.callbacks?.[3]?.weights?.length, 4, 'early stopping keeps the best epoch’s weights');
  assert.deepEqual(saved.callbacks?.[2]?.values.lr, 0.025);

  // Resumed into a fresh model and fresh callbacks.
  const resumed = model(99, tf.train.adam(0.05));
  const r = make();
  const rest = await fit(resumed, train, { ...options, callbacks: [...r.list, {}], resume: saved });
  const strip = (h: Array<Record<string, number>>) => h.map(({ seconds: _s, images_per_second: _i, ...v }) => v);
  assert.deepEqual(strip(rest), strip(reference));
  assert.equal(r.early.stoppedEpoch, 6);
  assert.equal(r.early.bestEpoch, 4);
  assert.equal(r.early.restored, true);
  assert.deepEqual(r.plateau.reductions, w.plateau.reductions);
  assert.deepEqual(weightsOf(resumed), weightsOf(whole), 'the best epoch’s weights, restored at the end, are the same');
});

test('cosineDecay resumed mid-epoch trains the rest of that epoch at that epoch’s rate', async () => {
  const train = samples(48, 4);
  const options = { epochs: 4, batchSize: 8, seed: 2 };
  const whole = model(3, tf.train.sgd(0.8));
  const reference = await fit(whole, train, { ...options, callbacks: [cosineDecay({ minLr: 0.1 })] });
  let batches = 0;
  let saved: FitCheckpoint | undefined;
  const cut = model(3, tf.train.sgd(0.8));
  await assert.rejects(
    fit(cut, train, {
      ...options,
      callbacks: [cosineDecay({ minLr: 0.1 }), { onBatchEnd: () => void batches++ }],
      signal: {
        get aborted() {
          return batches >= 6 + 2;
        },
      },
      checkpoint: (cp) => {
        saved = { ...cp, weights: cp.weights.map((t) => t.clone()) };
      },
    }),
    /epoch 2, after batch 2/,
  );
  assert.ok(saved !== undefined);
  const resumed = model(3, tf.train.sgd(0.8)); // its optimizer starts at 0.8, the rate of epoch 1, not of epoch 2
  const rest = await fit(resumed, train, { ...options, callbacks: [cosineDecay({ minLr: 0.1 }), {}], resume: saved });
  assert.deepEqual(
    rest.map((e) => [e.lr, e.loss]),
    reference.map((e) => [e.lr, e.loss]),
  );
  assert.deepEqual(weightsOf(resumed), weightsOf(whole));
});
