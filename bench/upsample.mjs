#!/usr/bin/env node
/**
 * The conv autoencoder's two decoders on 32×32×3 inputs: seconds per training step (SGD, BCE,
 * trainOnBatch, batch 32) and per epoch of 2,000 random samples, on each engine, after a warm-up,
 * with the per-kernel time of one step. tfjs `cpu` is slow: it times a few steps and scales them
 * to the epoch (one step, no warm-up, by default).
 *
 *   node bench/upsample.mjs [--engines=native,cpu] [--samples=2000] [--batch=32] [--cpuSteps=1]
 */
import { fileURLToPath } from 'node:url';
import { parseOptions, runChild, serveChild } from './child.mjs';

const DEFAULTS = { engines: 'native,cpu', samples: '2000', batch: '32', cpuSteps: '1' };

async function child({ engine, decoder, samples, batch, steps }) {
  const tf = await import('../dist/core/tf.js');
  const { useBackend } = await import('../dist/engine/backend.js');
  const { convAutoencoder } = await import('../dist/models/conv.js');
  const info = await useBackend(engine);
  const { autoencoder } = convAutoencoder({ seed: 42, inputShape: [32, 32, 3], decoder });
  autoencoder.compile({ optimizer: tf.train.sgd(1.0), loss: 'binaryCrossentropy' });
  const data = tf.randomUniform([samples, 32, 32, 3], 0, 1, 'float32', 1);
  let cursor = 0;
  const step = async () => {
    if (cursor + batch > samples) cursor = 0;
    const x = tf.slice(data, [cursor, 0, 0, 0], [batch, 32, 32, 3]);
    cursor += batch;
    await autoencoder.trainOnBatch(x, x);
    x.dispose();
  };
  // tfjs cpu takes minutes a step: its one timed step is the profiled one, with no warm-up
  const cpu = engine === 'cpu';
  for (let i = 0; i < (cpu ? 0 : 5); i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < (cpu ? steps - 1 : steps); i++) await step();
  const p0 = cpu ? await tf.profile(step) : null;
  const stepMs = (performance.now() - t0) / steps;
  const p = p0 ?? (await tf.profile(step));
  const by = {};
  for (const k of p.kernels) by[k.name] = (by[k.name] ?? 0) + k.kernelTimeMs;
  const kernels = Object.fromEntries(
    Object.entries(by)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 14)
      .map(([k, v]) => [k, +v.toFixed(2)]),
  );
  const params = autoencoder.countParams();
  return { engine: info.backend, decoder, stepMs, epochS: (stepMs * Math.ceil(samples / batch)) / 1000, steps, params, kernels };
}

await serveChild(child);

const o = parseOptions('upsample bench', DEFAULTS);
const samples = Number(o.samples);
const batch = Number(o.batch);
for (const engine of o.engines.split(',')) {
  for (const decoder of ['transpose', 'upsample']) {
    const steps = engine === 'cpu' ? Number(o.cpuSteps) : Math.ceil(samples / batch);
    const { result: x, failure } = runChild(fileURLToPath(import.meta.url), { engine, decoder, samples, batch, steps });
    if (!x) {
      console.log(`${engine} ${decoder}: failed: ${failure}`);
      continue;
    }
    console.log(
      `${x.engine.padEnd(7)} ${decoder.padEnd(9)} ${x.params} params  ${x.stepMs.toFixed(1)} ms/step  ${x.epochS.toFixed(1)} s/epoch (${x.steps} timed steps)  ${JSON.stringify(x.kernels)}`,
    );
  }
}
