#!/usr/bin/env node
/**
 * upsampleConv2d (one 4×4 stride-2 transposed convolution, `src/engine/upsample-conv.ts`) against
 * what the upsample decoder's layers run (tfjs-layers' UpSampling2D(2×2) then aekit's Conv2D,
 * 3×3 'same', with its activation), on one engine: milliseconds of the forward pass alone and of
 * the forward pass with the gradients with respect to x, the filter and the bias (tf.grads with a
 * fixed output gradient), median of --reps calls after a warm-up, A and B alternated call by call
 * in one process. Stages are `h:ci:co:activation` (input side h, square); the default is the
 * bench model's decoder (input 32×32×3, filters 16/32/64). Prints the ratio layers / fused (> 1:
 * the fused op is faster) and what upsampleConvPays says.
 *
 *   node bench/upsample-conv.mjs [--engine=native] [--batches=32,128] [--reps=15] [--stages=4:64:32:selu,8:32:16:selu,16:16:3:sigmoid]
 *
 * Needs `npx tsc -p tsconfig.json` first.
 */
import { parseOptions } from './child.mjs';

const DEFAULTS = { engine: 'native', batches: '32,128', reps: '15', stages: '4:64:32:selu,8:32:16:selu,16:16:3:sigmoid' };
const o = parseOptions('upsample-conv bench', DEFAULTS);

const tf = await import('../dist/core/tf.js');
const { useBackend } = await import('../dist/engine/backend.js');
const { conv2d } = await import('../dist/layers/conv.js');
const { upsampleConv2d, upsampleConvPays } = await import('../dist/engine/upsample-conv.js');
const { conv2dSelu, hasFusedConvSelu } = await import('../dist/engine/fused-conv.js');
const info = await useBackend(o.engine);
console.log(info.description);

const reps = Number(o.reps);
const median = (ts) => ts.sort((a, b) => a - b)[ts.length >> 1];

/** Median ms of each of `fs` (called alternately, after 3 warm-up rounds); each returns tensors to dispose. */
async function timeAlternated(fs) {
  const ts = fs.map(() => []);
  for (let r = 0; r < reps + 3; r++) {
    for (let k = 0; k < fs.length; k++) {
      const t0 = performance.now();
      const out = fs[k]();
      for (const t of out) await t.data();
      if (r >= 3) ts[k].push(performance.now() - t0);
      tf.dispose(out);
    }
  }
  return ts.map(median);
}

console.log(
  `${'stage'.padEnd(26)} ${'batch'.padStart(5)}  ${'fwd layers'.padStart(10)} ${'fwd fused'.padStart(9)} ${'ratio'.padStart(5)}  ${'f+b layers'.padStart(10)} ${'f+b fused'.padStart(9)} ${'ratio'.padStart(5)}  pays`,
);
for (const batch of o.batches.split(',').map(Number)) {
  for (const stage of o.stages.split(',')) {
    const [h, ci, co] = stage.split(':').slice(0, 3).map(Number);
    const activation = stage.split(':')[3] ?? 'selu';
    const up = tf.layers.upSampling2d({ size: [2, 2] });
    const conv = conv2d({ filters: co, kernelSize: 3, padding: 'same', activation });
    const x = tf.randomUniform([batch, h, h, ci], -1, 1, 'float32', 1);
    conv.apply(up.apply(x)).dispose(); // builds the layer's weights
    const [w, b] = [conv.kernel.read(), conv.bias.read()];
    const dy = tf.randomUniform([batch, 2 * h, 2 * h, co], -1, 1, 'float32', 2);
    // the layers' call, with the weights as arguments so that tf.grads reaches them
    const act = tf.layers.activation({ activation });
    const layers = (xx, ww, bb) => act.apply(tf.add(tf.conv2d(up.apply(xx), ww, 1, 'same'), bb));
    const layersSelu = (xx) => conv.apply(up.apply(xx));
    const fused = (xx, ww, bb) => upsampleConv2d(xx, ww, bb, activation);
    // forward: the layer objects themselves (aekit's Conv2D runs its fused selu kernel on native)
    const [fwdA, fwdB] = await timeAlternated([() => [layersSelu(x)], () => [fused(x, w, b)]]);
    // forward + backward: aekit's Conv2D's selu path through conv2dSelu, as the layer does
    const layersFn =
      activation === 'selu' && hasFusedConvSelu() ? (xx, ww, bb) => conv2dSelu(up.apply(xx), ww, bb, [1, 1], 'same') : layers;
    const [bwdA, bwdB] = await timeAlternated([() => tf.grads(layersFn)([x, w, b], dy), () => tf.grads(fused)([x, w, b], dy)]);
    const pays = upsampleConvPays(x.shape, w.shape);
    console.log(
      `${`${h}x${h}x${ci} -> ${2 * h}x${2 * h}x${co} ${activation}`.padEnd(26)} ${String(batch).padStart(5)}  ${fwdA.toFixed(2).padStart(10)} ${fwdB.toFixed(2).padStart(9)} ${(fwdA / fwdB).toFixed(2).padStart(5)}  ${bwdA.toFixed(2).padStart(10)} ${bwdB.toFixed(2).padStart(9)} ${(bwdA / bwdB).toFixed(2).padStart(5)}  ${pays}`,
    );
    tf.dispose([x, dy]);
  }
}
