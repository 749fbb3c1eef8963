#!/usr/bin/env node
/**
 * The fused binary cross-entropy against tfjs's string loss: training steps (`trainOnBatch`, SGD
 * lr 1.0, as `npm run bench`'s conv model) of the conv autoencoder on aekit's native engine, one
 * model compiled with `lossFunction('binaryCrossentropy')` (two native kernels) and one with
 * `'binaryCrossentropy'` (tfjs-layers' ~15-kernel chain), same weights, in one process, in
 * alternated rounds (A B A B …, so that the machine's drift hits both). Reports images/s per
 * round and the medians, and the ratio; then the loss alone (forward and the gradient of yPred,
 * on a batch of the model's output shape), fused against tfjs-layers' formula, in ms (medians).
 *
 *   node bench/bce.mjs [--rounds=5] [--batches=32,128] [--models=conv,cifar-conv] [--seconds=1]
 *
 * `conv` is the 28×28×1 model, `cifar-conv` the same on 32×32×3; each round times about
 * --seconds per variant after a warm-up of 5 steps each.
 */
const DEFAULTS = { rounds: '5', batches: '32,128', models: 'conv,cifar-conv', seconds: '1' };

function parseArgs(argv) {
  const o = { ...DEFAULTS };
  for (const a of argv) {
    const m = /^--([a-zA-Z]+)=(.*)$/.exec(a);
    if (!m || !(m[1] in DEFAULTS))
      throw new Error(`bench/bce: unknown argument '${a}'; expected --key=value with key in ${Object.keys(DEFAULTS).join(', ')}`);
    o[m[1]] = m[2];
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const tf = await import('../dist/core/tf.js');
const { useBackend } = await import('../dist/engine/backend.js');
const { convAutoencoder } = await import('../dist/models/conv.js');
const { lossFunction } = await import('../dist/training/loss-functions.js');
const info = await useBackend('native');
console.log(info.description);

const SHAPES = { conv: [28, 28], 'cifar-conv': [32, 32, 3] };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rounds = Number(opts.rounds);
for (const model of opts.models.split(',')) {
  const shape = SHAPES[model];
  if (shape === undefined) throw new Error(`bench/bce: unknown model '${model}': expected one of ${Object.keys(SHAPES).join(', ')}`);
  for (const batch of opts.batches.split(',').map(Number)) {
    const variants = [
      ['fused', lossFunction('binaryCrossentropy')],
      ['tfjs', 'binaryCrossentropy'],
    ].map(([name, loss]) => {
      const m = convAutoencoder({ seed: 42, inputShape: shape }).autoencoder;
      m.compile({ optimizer: tf.train.sgd(1.0), loss });
      return { name, m, rates: [] };
    });
    const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 7);
    const step = async (m) => {
      await m.trainOnBatch(x, x);
    };
    for (const v of variants) for (let i = 0; i < 5; i++) await step(v.m);
    // steps per round from one timed step of the tfjs variant
    const t0 = performance.now();
    await step(variants[1].m);
    const steps = Math.max(3, Math.round((Number(opts.seconds) * 1000) / (performance.now() - t0)));
    for (let r = 0; r < rounds; r++) {
      for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
        const s = performance.now();
        for (let i = 0; i < steps; i++) await step(v.m);
        v.rates.push((batch * steps * 1000) / (performance.now() - s));
      }
    }
    x.dispose();
    const [fused, plain] = variants.map((v) => median(v.rates));
    const fmt = (v) => v.rates.map((r) => r.toFixed(0)).join(' ');
    console.log(
      `${model} batch ${batch} (${steps} steps × ${rounds} rounds): fused ${fused.toFixed(0)} img/s [${fmt(variants[0])}], tfjs ${plain.toFixed(0)} img/s [${fmt(variants[1])}], ×${(fused / plain).toFixed(3)}`,
    );
    for (const v of variants) v.m.dispose();
    // the loss alone, forward and yPred's gradient, on the model's output shape
    const [z, p] = [tf.randomUniform([batch, ...shape], 0, 1, 'float32', 8), tf.randomUniform([batch, ...shape], 0, 1, 'float32', 9)];
    const losses = [
      ['fused', (a, b) => lossFunction('binaryCrossentropy')(a, b)],
      ['tfjs', (a, b) => tf.mean(tf.metrics.binaryCrossentropy(a, b))],
    ].map(([name, f]) => ({ name, f, ms: [] }));
    const lossStep = (f) => tf.dispose(tf.variableGrads(() => f(z, pv)));
    const pv = tf.variable(p);
    for (const l of losses) for (let i = 0; i < 5; i++) lossStep(l.f);
    for (let r = 0; r < rounds; r++)
      for (const l of r % 2 === 0 ? losses : [...losses].reverse()) {
        const s = performance.now();
        for (let i = 0; i < 20; i++) lossStep(l.f);
        l.ms.push((performance.now() - s) / 20);
      }
    tf.dispose([z, p, pv]);
    const [lf, lt] = losses.map((l) => median(l.ms));
    console.log(
      `  the loss alone (forward + gradient): fused ${lf.toFixed(3)} ms, tfjs ${lt.toFixed(3)} ms, ×${(lt / lf).toFixed(1)} faster`,
    );
  }
}
