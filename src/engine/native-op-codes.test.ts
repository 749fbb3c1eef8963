/**
 * native.ts takes every op code it passes from the addon's tables, none from numbers of its own.
 * It runs here on an addon whose tables number every op differently: a wrapper around the real
 * addon (loaded through AEKIT_NATIVE_ADDON) that adds 100 to each code and maps the codes back
 * before calling the real functions, and that throws on a code outside its tables. The native
 * kernels must still compute what tfjs's cpu backend computes, and must have passed every code
 * of every table.
 *
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '../core/tf.js';
import { assertClose, randomValues, seedRandom } from './kernel-test-helper.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;
const realAddon = process.env.AEKIT_NATIVE_ADDON || fileURLToPath(new URL('../../native/build/aekit_native.node', import.meta.url));
const SHIFT = 100;

/** CommonJS source of the renumbering wrapper around the addon at `path`. */
function wrapperSource(path: string): string {
  return `'use strict';
const real = require(${JSON.stringify(path)});
const shifted = (t) => Object.freeze(Object.fromEntries(Object.entries(real[t]).map(([k, v]) => [k, v + ${SHIFT}])));
const tables = { unaryOps: shifted('unaryOps'), binaryOps: shifted('binaryOps'), activations: shifted('activations') };
const seen = new Set();
function back(table, code) {
  const name = Object.keys(tables[table]).find((k) => tables[table][k] === code);
  if (name === undefined) throw new Error('op code ' + code + ' is not in the renumbered ' + table);
  seen.add(table + '.' + name);
  return real[table][name];
}
module.exports = {
  ...real, ...tables, seen,
  unary: (heap, op, ...rest) => real.unary(heap, back('unaryOps', op), ...rest),
  binary: (heap, op, ...rest) => real.binary(heap, back('binaryOps', op), ...rest),
  matMul: (...args) => { args[13] = back('activations', args[13]); return real.matMul(...args); },
  conv2dForward: (...args) => { args[22] = back('activations', args[22]); return real.conv2dForward(...args); },
  conv2dTranspose: (...args) => { args[22] = back('activations', args[22]); return real.conv2dTranspose(...args); },
};
`;
}

/** `f` of the given inputs on `backend`, as plain arrays. */
async function on(
  backend: string,
  inputs: { shape: number[]; values: Float32Array }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
  const y = f(...xs);
  const v = (await y.data()) as Float32Array;
  tf.dispose([...xs, y]);
  return v;
}

test("native.ts passes the op codes of the addon's tables: a renumbered addon still computes what cpu does", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aekit-op-codes-'));
  try {
    const wrapper = join(dir, 'renumbered-addon.cjs');
    writeFileSync(wrapper, wrapperSource(realAddon));
    process.env.AEKIT_NATIVE_ADDON = wrapper;
    const { loadNativeAddon, registerNativeBackend } = await import('./native.js');
    const { NATIVE_OP_NAMES } = await import('./native-ops.js');
    const { conv2dSelu, conv2dTransposeSelu } = await import('./fused-conv.js');
    const addon = loadNativeAddon() as unknown as { seen?: Set<string>; unaryOps: Record<string, number> };
    assert.ok(addon.seen instanceof Set, 'native.ts loaded the renumbered addon');
    const real = createRequire(import.meta.url)(realAddon) as { unaryOps: Record<string, number> }; // loaded already, by the wrapper
    assert.equal(addon.unaryOps.selu, real.unaryOps.selu + SHIFT, 'the wrapper renumbers the codes');
    await registerNativeBackend();

    seedRandom(11);
    const x = randomValues([4, 6]),
      y = randomValues([4, 6]),
      w = randomValues([6, 5]),
      bias = randomValues([5]);
    const img = randomValues([2, 6, 6, 3]),
      filter = randomValues([3, 3, 3, 4]),
      convBias = randomValues([4]);
    const cases: [string, { shape: number[]; values: Float32Array }[], (...t: tf.Tensor[]) => tf.Tensor][] = [
      ['selu', [x], (a) => tf.selu(a)],
      ['exp', [x], (a) => tf.exp(a)],
      ['sigmoid', [x], (a) => tf.sigmoid(a)],
      ['relu', [x], (a) => tf.relu(a)],
      ['add, sub, mul', [x, y], (a, b) => tf.sub(tf.mul(tf.add(a, b), a), b)],
      ['greater', [x, y], (a, b) => tf.cast(tf.greater(a, b), 'float32')],
      ...(['linear', 'relu', 'sigmoid', 'elu', 'relu6', 'leakyrelu'] as const).map(
        (activation) =>
          [
            `fused matMul ${activation}`,
            [x, w, bias],
            (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.fused.matMul({ a, b, bias: c, activation, leakyreluAlpha: 0.3 }),
          ] as [string, (typeof x)[], (...t: tf.Tensor[]) => tf.Tensor],
      ),
      ['conv2d', [img, filter], (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')],
      ...(['relu', 'sigmoid', 'elu', 'relu6', 'leakyrelu'] as const).map(
        (activation) =>
          [
            `fused conv2d ${activation}`,
            [img, filter, convBias],
            (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
              tf.fused.conv2d({
                x: a as tf.Tensor4D,
                filter: b as tf.Tensor4D,
                strides: 1,
                pad: 'same',
                bias: c,
                activation,
                leakyreluAlpha: 0.3,
              }),
          ] as [string, (typeof x)[], (...t: tf.Tensor[]) => tf.Tensor],
      ),
    ];
    for (const [what, inputs, f] of cases) assertClose(await on('native', inputs, f), await on('cpu', inputs, f), what, 1e-4);
    // convolution + bias + SELU, fused on native, tfjs's ops on cpu
    const fused: [string, (...t: tf.Tensor[]) => tf.Tensor, (...t: tf.Tensor[]) => tf.Tensor][] = [
      [
        'conv2d + bias + selu',
        (a, b, c) => conv2dSelu(a, b, c, [1, 1], 'same'),
        (a, b, c) => tf.selu(tf.add(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), c)),
      ],
      [
        'conv2dTranspose + bias + selu',
        (a, b, c) => conv2dTransposeSelu(a, b, c, [2, 6, 6, 3], [1, 1], 'same'),
        (a, b, c) => tf.selu(tf.add(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 6, 6, 3], 1, 'same'), c)),
      ],
    ];
    const transposeBias = randomValues([3]);
    for (const [what, native, cpu] of fused) {
      const inputs = what.startsWith('conv2dTranspose') ? [randomValues([2, 6, 6, 4]), filter, transposeBias] : [img, filter, convBias];
      assertClose(await on('native', inputs, native), await on('cpu', inputs, cpu), what, 1e-4);
    }

    const expected = Object.entries(NATIVE_OP_NAMES)
      .flatMap(([table, names]) => names.map((n) => `${table}.${n}`))
      .sort();
    assert.deepEqual([...(addon.seen as Set<string>)].sort(), expected, 'every code of every table went through the wrapper');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
