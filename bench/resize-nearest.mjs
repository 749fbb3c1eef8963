#!/usr/bin/env node
/**
 * The native nearest-neighbour resize kernels, A/B: the `upsample` conv autoencoder (UpSampling2D
 * decoder, 32×32×3, SGD lr 1.0, BCE, trainOnBatch) on the native engine with them (A) and without
 * them (B: AEKIT_NATIVE_DISABLE=ResizeNearestNeighbor,ResizeNearestNeighborGrad, tfjs wasm's
 * kernels), in alternated child processes (the setting is read once, at registration). Each child
 * warms up, then times single steps (median), and profiles one step for the two kernels' times.
 * A third child variant, `alternate`, runs A and B step by step in one process (B there: the
 * addon's two functions answer false, so that the wasm kernels run), which the machine's load
 * drift cannot split. Prints each round and the medians over rounds. Needs `npx tsc -p
 * tsconfig.json` first.
 *
 *   node bench/resize-nearest.mjs [--rounds=4] [--steps=10] [--batch=32]
 */
import { fileURLToPath } from 'node:url';
import { parseOptions, runChild, serveChild } from './child.mjs';

const DEFAULTS = { rounds: '4', steps: '10', batch: '32' };
const KERNELS = ['ResizeNearestNeighbor', 'ResizeNearestNeighborGrad'];
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function child({ steps, batch, alternate }) {
  const tf = await import('../dist/core/tf.js');
  const { useBackend } = await import('../dist/engine/backend.js');
  const { convAutoencoder } = await import('../dist/models/conv.js');
  const { loadNativeAddon } = await import('../dist/engine/native.js');
  await useBackend('native');
  const addon = loadNativeAddon();
  const own = { resizeNearest: addon.resizeNearest, resizeNearestGrad: addon.resizeNearestGrad };
  const use = (native) => Object.assign(addon, native ? own : { resizeNearest: () => false, resizeNearestGrad: () => false });
  const { autoencoder } = convAutoencoder({ seed: 42, inputShape: [32, 32, 3], decoder: 'upsample' });
  autoencoder.compile({ optimizer: tf.train.sgd(1.0), loss: 'binaryCrossentropy' });
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1);
  const step = () => autoencoder.trainOnBatch(x, x);
  for (let i = 0; i < 3; i++) await step();
  const profile = async () => {
    const p = await tf.profile(step);
    const kernelMs = Object.fromEntries(KERNELS.map((k) => [k, 0]));
    const shapes = {};
    for (const k of p.kernels)
      if (k.name in kernelMs) {
        kernelMs[k.name] += k.kernelTimeMs;
        (shapes[k.name] ??= []).push(`${k.inputShapes.map((s) => `[${s}]`).join(',')}→[${k.outputShapes[0]}]`);
      }
    return { kernelMs, shapes };
  };
  const times = { true: [], false: [] };
  for (let i = 0; i < (alternate ? 2 * steps : steps); i++) {
    const native = !alternate || i % 2 === 0;
    use(native);
    const t0 = performance.now();
    await step();
    times[native].push(performance.now() - t0);
  }
  use(true);
  if (!alternate) return { stepMs: median(times.true), ...(await profile()) };
  const a = await profile();
  use(false);
  const b = await profile();
  return { native: { stepMs: median(times.true), ...a }, wasm: { stepMs: median(times.false), ...b } };
}

await serveChild(child);

const o = parseOptions('resize-nearest bench', DEFAULTS);
const config = { steps: Number(o.steps), batch: Number(o.batch) };
const variants = { native: '', wasm: KERNELS.join(','), alternate: '' };
const results = { native: [], wasm: [], 'alternate native': [], 'alternate wasm': [] };
const show = (round, name, r) =>
  console.log(
    `round ${round + 1} ${name.padEnd(16)} step ${r.stepMs.toFixed(1)} ms; ${KERNELS.map((n) => `${n} ${r.kernelMs[n].toFixed(2)} ms`).join(', ')}`,
  );
for (let round = 0; round < Number(o.rounds); round++) {
  for (const [name, disable] of round % 2 === 0 ? Object.entries(variants) : Object.entries(variants).reverse()) {
    const cfg = { ...config, alternate: name === 'alternate' };
    const { result: r, failure } = runChild(fileURLToPath(import.meta.url), cfg, { env: { AEKIT_NATIVE_DISABLE: disable } });
    if (!r) throw new Error(`resize-nearest bench: the ${name} child failed: ${failure}`);
    const parts = name === 'alternate' ? { 'alternate native': r.native, 'alternate wasm': r.wasm } : { [name]: r };
    for (const [k, v] of Object.entries(parts)) {
      results[k].push(v);
      show(round, k, v);
    }
    if (round === 0 && name === 'native') console.log(`  shapes: ${JSON.stringify(r.shapes)}`);
  }
}
const summary = (name) => ({
  stepMs: median(results[name].map((r) => r.stepMs)),
  ...Object.fromEntries(KERNELS.map((k) => [k, median(results[name].map((r) => r.kernelMs[k]))])),
});
console.log(`\nmedians over ${o.rounds} rounds (batch ${o.batch}, ${o.steps} timed steps each):`);
for (const name of Object.keys(results)) {
  const s = summary(name);
  console.log(`  ${name.padEnd(16)} step ${s.stepMs.toFixed(1)} ms; ${KERNELS.map((k) => `${k} ${s[k].toFixed(2)} ms`).join(', ')}`);
}
const ratio = (a, b) => (summary(a).stepMs / summary(b).stepMs).toFixed(3);
console.log(
  `  step time, native / wasm kernels: ${ratio('native', 'wasm')} (separate processes), ${ratio('alternate native', 'alternate wasm')} (alternated in one)`,
);
