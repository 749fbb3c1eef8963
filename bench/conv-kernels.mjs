#!/usr/bin/env node
/**
 * Times the native engine's convolution kernels (forward Conv2D, input gradient
 * Conv2DBackpropInput, filter gradient Conv2DBackpropFilter) on the shapes of decoders' last
 * layers, this checkout against another (`--against`, a checkout of an earlier commit with its
 * own `dist/` and `native/build/aekit_native.node`), in alternated child processes, and prints a
 * table: shape, direction, ms there, ms here, their ratio and the implementation that ran here
 * (`nativeInfo().lastImpl`). Each figure is the median of --reps calls after a warm-up; the table
 * shows the best median of --rounds rounds. `--thereEnv=NAME=VALUE` runs the "there" side with
 * that environment variable (without --against: this checkout against itself, e.g.
 * `--thereEnv=AEKIT_NATIVE_CONV_FORMAT=plain` for oneDNN's GEMM on NHWC against the blocked formats).
 * `--shapes` takes names, `decoders` (the decoders' last layers), `models` (the convolutions of the
 * seed's and the CIFAR-shaped conv autoencoders) or `all`.
 *
 *   node bench/conv-kernels.mjs --against=../aekit-before [--rounds=3] [--reps=20] [--shapes=all]
 *   node bench/conv-kernels.mjs --thereEnv=AEKIT_NATIVE_CONV_FORMAT=plain --shapes=models
 *
 * Needs `npx tsc -p tsconfig.json` in both checkouts first.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, runChild, serveChild } from './child.mjs';

const DEFAULTS = { against: '', thereEnv: '', rounds: '3', reps: '20', shapes: 'all' };

/** name: [n, h, w, ci, co, kh, kw, stride, pad]. */
const SHAPES = {
  'upsample-last': [32, 32, 32, 16, 3, 3, 3, 1, 'same'],
  'upsample-last-b128': [128, 32, 32, 16, 3, 3, 3, 1, 'same'],
  'grey-16to1': [32, 28, 28, 16, 1, 3, 3, 1, 'same'],
  '16x16-32to3': [32, 16, 16, 32, 3, 3, 3, 1, 'same'],
  '32x32-64to3': [32, 32, 32, 64, 3, 3, 3, 1, 'same'],
  '32x32-16to4-s2': [32, 32, 32, 16, 4, 3, 3, 2, 'same'],
  '32x32-3to3': [32, 32, 32, 3, 3, 3, 3, 1, 'same'],
  '32x32-16to3-5x5': [32, 32, 32, 16, 3, 5, 5, 1, 'same'],
  'window-16to1-1x7': [32, 1, 288, 16, 1, 1, 7, 1, 'same'],
  '8x8-128to2-valid': [32, 8, 8, 128, 2, 3, 3, 1, 'valid'],
};
const DECODERS = Object.keys(SHAPES);
/** The convolutions (as Conv2D geometries) of the seed's conv autoencoder and the CIFAR-shaped one. */
const MODEL_SHAPES = {
  'seed-enc1': [32, 28, 28, 1, 16, 3, 3, 1, 'same'],
  'seed-enc2': [32, 14, 14, 16, 32, 3, 3, 1, 'same'],
  'seed-enc3': [32, 7, 7, 32, 64, 3, 3, 1, 'same'],
  'seed-dec1': [32, 7, 7, 32, 64, 3, 3, 2, 'valid'],
  'seed-dec2': [32, 14, 14, 16, 32, 3, 3, 2, 'same'],
  'seed-enc2-b128': [128, 14, 14, 16, 32, 3, 3, 1, 'same'],
  'seed-enc3-b128': [128, 7, 7, 32, 64, 3, 3, 1, 'same'],
  'cifar-enc1': [32, 32, 32, 3, 16, 3, 3, 1, 'same'],
  'cifar-enc2': [32, 16, 16, 16, 32, 3, 3, 1, 'same'],
  'cifar-enc3': [32, 8, 8, 32, 64, 3, 3, 1, 'same'],
  'cifar-dec2': [32, 16, 16, 16, 32, 3, 3, 2, 'same'],
  'cifar-dec3': [32, 32, 32, 3, 16, 3, 3, 2, 'same'],
  'seed-dec3': [32, 28, 28, 1, 16, 3, 3, 2, 'same'],
  // upsampleConv2d's 4×4 stride-2 transposed convolution of the upsample decoder's last stage
  'upconv-last': [32, 32, 32, 3, 16, 4, 4, 2, 'same'],
  'upconv-last-b128': [128, 32, 32, 3, 16, 4, 4, 2, 'same'],
  'upconv-mid': [32, 16, 16, 16, 32, 4, 4, 2, 'same'],
};
Object.assign(SHAPES, MODEL_SHAPES);

async function child({ shapes, reps }) {
  const tf = await import(resolve('dist/core/tf.js'));
  const { useBackend } = await import(resolve('dist/engine/backend.js'));
  const { nativeInfo } = await import(resolve('dist/engine/native.js'));
  await useBackend('native');
  const out = {};
  for (const name of shapes) {
    const [n, h, w, ci, co, kh, kw, s, pad] = SHAPES[name];
    const x = tf.randomUniform([n, h, w, ci], -1, 1, 'float32', 1);
    const f = tf.randomUniform([kh, kw, ci, co], -1, 1, 'float32', 2);
    const y = tf.conv2d(x, f, s, pad);
    const conv = { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
    const runs = {
      forward: () => tf.conv2d(x, f, s, pad),
      'input grad': () => tf.engine().runKernel('Conv2DBackpropInput', { dy: y, filter: f }, { ...conv, inputShape: x.shape }),
      'filter grad': () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: y }, { ...conv, filterShape: f.shape }),
    };
    for (const [dir, run] of Object.entries(runs)) {
      const times = [];
      for (let i = 0; i < reps + 3; i++) {
        const t0 = performance.now();
        const r = run();
        await r.data();
        if (i >= 3) times.push(performance.now() - t0);
        r.dispose();
      }
      times.sort((a, b) => a - b);
      out[`${name} ${dir}`] = { ms: times[times.length >> 1], impl: nativeInfo().lastImpl };
    }
    tf.dispose([x, f, y]);
  }
  return out;
}

await serveChild(child);

const o = parseOptions('conv-kernels bench', DEFAULTS);
if (!o.against && !o.thereEnv)
  throw new Error(
    'conv-kernels bench: --against=DIR (a checkout of the commit to compare with, built) or --thereEnv=NAME=VALUE is required',
  );
const thereEnv = {};
if (o.thereEnv) {
  const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(o.thereEnv);
  if (!m) throw new Error(`conv-kernels bench: --thereEnv: expected NAME=VALUE, got '${o.thereEnv}'`);
  thereEnv[m[1]] = m[2];
}
const groups = { all: Object.keys(SHAPES), decoders: DECODERS, models: Object.keys(MODEL_SHAPES) };
const shapes = groups[o.shapes] ?? o.shapes.split(',');
for (const s of shapes)
  if (!(s in SHAPES)) throw new Error(`conv-kernels bench: unknown shape '${s}' (known: ${Object.keys(SHAPES).join(', ')})`);
const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const sides = { there: o.against ? resolve(o.against) : here, here };
const best = { there: {}, here: {} };
for (let round = 0; round < Number(o.rounds); round++) {
  for (const side of round % 2 === 0 ? ['there', 'here'] : ['here', 'there']) {
    const { result, failure } = runChild(
      fileURLToPath(import.meta.url),
      { shapes, reps: Number(o.reps) },
      {
        cwd: sides[side],
        env: side === 'there' ? thereEnv : {},
      },
    );
    if (!result) throw new Error(`conv-kernels bench: ${side} failed: ${failure}`);
    for (const [k, v] of Object.entries(result)) if (!(k in best[side]) || v.ms < best[side][k].ms) best[side][k] = v;
  }
}
console.log(
  `${'shape'.padEnd(22)} ${'direction'.padEnd(12)} ${'there ms'.padStart(9)} ${'here ms'.padStart(9)} ${'ratio'.padStart(6)}  here runs on  (there: ${sides.there}${o.thereEnv ? ` with ${o.thereEnv}` : ''})`,
);
for (const k of Object.keys(best.here)) {
  const [shape, ...dir] = k.split(' ');
  const a = best.there[k],
    b = best.here[k];
  console.log(
    `${shape.padEnd(22)} ${dir.join(' ').padEnd(12)} ${a.ms.toFixed(2).padStart(9)} ${b.ms.toFixed(2).padStart(9)} ${(a.ms / b.ms).toFixed(2).padStart(6)}  ${b.impl}  (there: ${a.impl})`,
  );
}
