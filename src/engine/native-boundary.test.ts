/**
 * The addon's boundary fails safely: called directly (no tfjs) with a wrong argument count, a
 * buffer past the end of the heap, a bad offset or size, an unknown op code or an inconsistent
 * geometry, each function throws an Error naming itself and the argument, and writes nothing.
 * Also: the op code tables are exported, frozen, complete, and each code computes what its name
 * says.
 *
 * The heap here is a plain ArrayBuffer (what the addon sees of tfjs's wasm memory).
 * Needs the addon (`npm run build:native`); AEKIT_SKIP_NATIVE=1 skips these tests visibly.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNativeAddon, NATIVE_BUILD_HINT, type NativeAddon } from './native.js';
import { checkOpTables, NATIVE_OP_NAMES } from './native-ops.js';

const skip = process.env.AEKIT_SKIP_NATIVE === '1' ? 'AEKIT_SKIP_NATIVE=1: native engine tests skipped' : false;

function addon(): NativeAddon {
  try {
    return loadNativeAddon();
  } catch (err) {
    return assert.fail(
      `the native addon is not built: ${(err as Error).message}. ${NATIVE_BUILD_HINT}, or set AEKIT_SKIP_NATIVE=1 to skip`,
    );
  }
}

type Call = (...args: unknown[]) => unknown;
const fn = (a: NativeAddon, name: string): Call => (a as unknown as Record<string, Call>)[name];

/** Asserts that `f` throws the addon's error with `code` whose message matches every pattern. */
function rejects(f: () => unknown, patterns: RegExp[], code = 'ERR_AEKIT_NATIVE_ARGUMENT', type: ErrorConstructor = Error): void {
  assert.throws(f, (err: unknown) => {
    assert.ok(err instanceof type, `expected a ${type.name}, got ${String(err)}`);
    assert.equal((err as { code?: string }).code, code, (err as Error).message);
    for (const p of patterns) assert.match((err as Error).message, p);
    return true;
  });
}

/** A heap of `bytes` filled with 0xAB, so that a test can tell whether anything was written. */
function canaryHeap(bytes: number): ArrayBuffer {
  const heap = new ArrayBuffer(bytes);
  new Uint8Array(heap).fill(0xab);
  return heap;
}
const untouched = (heap: ArrayBuffer): boolean => new Uint8Array(heap).every((v) => v === 0xab);

/** A valid 3×3 → 2×2 convolution geometry (1 image, 1 → 1 channel, 2×2 filter, stride 1, no padding). */
const GEO = [1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0];
/** A valid 4×4 → 2×2 pooling geometry (1 image, 1 channel, 2×2 windows, stride 2). */
const POOL = [1, 4, 4, 1, 2, 2, 2, 2, 2, 2, 0, 0];

/** A valid 2×2 → 4×4 resize geometry (1 image, 1 channel); its row and column tables are all zeros. */
const RESIZE = [1, 2, 2, 1, 4, 4];

/** Every function of the addon with a valid argument list (heap first) for a 4 KiB heap. */
function validCalls(a: NativeAddon, heap: ArrayBuffer): Record<string, unknown[]> {
  return {
    conv2dForward: [heap, 0, 64, -1, 128, ...GEO, a.activations.linear, 0],
    conv2dBackwardData: [heap, 0, 64, 128, ...GEO],
    conv2dBackwardFilter: [heap, 0, 64, 128, ...GEO],
    conv2dTranspose: [heap, 0, 64, -1, 128, ...GEO, a.activations.selu, 0],
    maxPool: [heap, 0, 128, ...POOL],
    maxPoolGrad: [heap, 0, 64, 128, ...POOL],
    resizeNearest: [heap, 0, 64, 256, 288, ...RESIZE],
    resizeNearestGrad: [heap, 0, 64, 256, 288, ...RESIZE],
    unary: [heap, a.unaryOps.exp, 0, 64, 4],
    binary: [heap, a.binaryOps.add, 0, 4, 64, 4, 128, 4],
    select: [heap, 0, 64, 128, 192, 4],
    seluGrad: [heap, 0, 64, 128, 4],
    activationBiasGrad: [heap, 0, 64, 128, 192, 2, 2, a.activations.selu, 0],
    sumOuter: [heap, 0, 64, 2, 2],
    sumInner: [heap, 0, 64, 2, 2],
    bceForward: [heap, 0, 64, 4, 128],
    bceGrad: [heap, 0.25, 0, 64, 128, 4],
    mseForward: [heap, 0, 64, 4, 128],
    mseGrad: [heap, 0.25, 0, 64, 128, 4],
    matMul: [heap, 0, 64, 128, 1, 1, 1, 2, 2, 2, 0, 0, -1, a.activations.linear, 0.2],
    lstmForward: [heap, 0, 64, 128, 256, 512, 576, 640, 1, 2, 1, 1],
    lstmBackward: [heap, 0, 64, 128, 256, 512, 576, 640, 768, 832, 896, 960, 1, 2, 1, 1, 1],
    adam: [heap, 0, 64, 128, 192, 256, 260, 320, 384, 448, 4, 0.9, 0.999, 1e-7, 0.001],
    sgd: [heap, 0, 64, 128, 192, 4],
    setThreads: [JSON.parse(a.info()).threads],
    info: [],
  };
}

test('native boundary: every function of the addon runs with valid arguments (the baseline of the checks below)', { skip }, () => {
  const a = addon();
  const calls = validCalls(a, new ArrayBuffer(4096));
  const names = Object.keys(a)
    .filter((k) => typeof fn(a, k) === 'function')
    .sort();
  assert.deepEqual(names, Object.keys(calls).sort(), 'the functions the addon exports');
  for (const [name, args] of Object.entries(calls)) assert.doesNotThrow(() => fn(a, name)(...args), name);
});

test('native boundary: a wrong argument count throws, naming the function and both counts, and writes nothing', { skip }, () => {
  const a = addon();
  const heap = canaryHeap(4096);
  for (const [name, args] of Object.entries(validCalls(a, heap))) {
    const n = args.length;
    const wrong = [n + 1, n + 30, ...(n > 0 ? [n - 1, 0] : [])];
    for (const count of wrong) {
      const call = Array.from({ length: count }, (_, i) => (i < n ? args[i] : 0));
      rejects(() => fn(a, name)(...call), [new RegExp(`^aekit native: ${name}\\(.*\\) takes ${n} arguments?, got ${count}$`)]);
    }
  }
  assert.ok(untouched(heap), 'the heap is unchanged');
});

test('native boundary: a buffer reaching past the end of the heap throws, naming the argument, and writes nothing', { skip }, () => {
  const a = addon();
  const heap = canaryHeap(4096);
  // exactly at the end is fine, one element more is not
  assert.equal(a.unary(heap, a.unaryOps.relu, 0, 4096 - 16, 4), true);
  new Uint8Array(heap).fill(0xab);
  rejects(
    () => a.unary(heap, a.unaryOps.relu, 0, 4096 - 12, 4),
    [
      /^aekit native: unary: argument 4 \(y\): 4 elements of 4 bytes from byte offset 4084 end at byte 4100, past the end of the wasm heap \(4096 bytes\)$/,
    ],
  );
  rejects(() => a.unary(heap, a.unaryOps.relu, 0, 64, 1e6), [/unary: argument 3 \(x\): 1000000 elements .* past the end/]);
  rejects(
    () => a.select(heap, 4090, 0, 64, 128, 8),
    [/select: argument 2 \(cond\): 8 elements of 1 byte from byte offset 4090 end at byte 4098/],
  );
  rejects(() => a.binary(heap, a.binaryOps.greater, 0, 4, 64, 4, 4094, 4), [/binary: argument 7 \(y\): 4 elements of 1 byte from/]);
  rejects(() => a.binary(heap, a.binaryOps.add, 0, 4, 64, 4, 4094, 4), [/binary: argument 7 \(y\): 4 elements of 4 bytes/]);
  rejects(() => a.sumOuter(heap, 0, 64, 1000, 2), [/sumOuter: argument 2 \(x\): 2000 elements/]);
  // geometry decides the sizes: a big batch makes every buffer of a convolution too long
  const bigBatch = [1000, ...GEO.slice(1)];
  rejects(
    () => a.conv2dForward(heap, 0, 64, -1, 128, ...bigBatch, a.activations.relu, 0),
    [/conv2dForward: argument 2 \(x\): 9000 elements/],
  );
  rejects(
    () => a.conv2dForward(heap, 0, 4092, -1, 128, ...GEO, 0, 0),
    [/conv2dForward: argument 3 \(filter\): 4 elements .* end at byte 4108/],
  );
  rejects(
    () => a.conv2dForward(heap, 0, 64, 4096, 128, ...GEO, 0, 0),
    [/conv2dForward: argument 4 \(bias\): 1 element of 4 bytes from byte offset 4096 ends at byte 4100/],
  );
  rejects(() => a.conv2dBackwardFilter(heap, 0, 64, 4090, ...GEO), [/conv2dBackwardFilter: argument 4 \(dw\)/]);
  // the transposed convolution's bias has the convolution's input channels (ci), its y the input's shape
  rejects(
    () => a.conv2dTranspose(heap, 0, 64, 4096, 128, ...GEO, a.activations.selu, 0),
    [/conv2dTranspose: argument 4 \(bias\): 1 element of 4 bytes from byte offset 4096 ends at byte 4100/],
  );
  rejects(
    () => a.conv2dTranspose(heap, 0, 64, -1, 4064, ...GEO, a.activations.selu, 0),
    [/conv2dTranspose: argument 5 \(y\): 9 elements of 4 bytes from byte offset 4064 end at byte 4100/],
  );
  rejects(
    () => a.activationBiasGrad(heap, 0, 64, 128, 4092, 2, 2, a.activations.selu, 0),
    [/activationBiasGrad: argument 5 \(db\): 2 elements .* end at byte 4100/],
  );
  rejects(
    () => a.activationBiasGrad(heap, 0, 64, 128, 192, 1000, 2, a.activations.selu, 0),
    [/activationBiasGrad: argument 2 \(dy\): 2000 elements/],
  );
  rejects(() => a.maxPoolGrad(heap, 0, 64, 4080, ...POOL), [/maxPoolGrad: argument 4 \(dx\): 16 elements .* end at byte 4144/]);
  rejects(() => a.bceForward(heap, 0, 4084, 4, 128), [/bceForward: argument 3 \(p\): 4 elements of 4 bytes .* end at byte 4100/]);
  rejects(() => a.bceForward(heap, 0, 64, 4, 4096), [/bceForward: argument 5 \(out\): 1 element of 4 bytes from byte offset 4096/]);
  rejects(() => a.bceGrad(heap, 1, 0, 64, 4084, 4), [/bceGrad: argument 5 \(dp\): 4 elements .* end at byte 4100/]);
  rejects(
    () => a.activationBiasGrad(heap, 0, 64, 4084, -1, 2, 2, a.activations.relu, 0),
    [/activationBiasGrad: argument 4 \(dz\): 4 elements .* end at byte 4100/],
  );
  rejects(() => a.mseForward(heap, 0, 4084, 4, 128), [/mseForward: argument 3 \(p\): 4 elements of 4 bytes .* end at byte 4100/]);
  rejects(() => a.mseGrad(heap, 1, 0, 64, 4084, 4), [/mseGrad: argument 5 \(dp\): 4 elements .* end at byte 4100/]);
  rejects(
    () => a.matMul(heap, 0, 64, 128, 1, 1, 1, 2, 2, 2, 0, 0, 4092, a.activations.relu, 0.2),
    [/matMul: argument 13 \(bias\): 2 elements/],
  );
  rejects(() => a.matMul(heap, 0, 64, 128, 1000, 1000, 1, 2, 2, 2, 0, 0, -1, 0, 0.2), [/matMul: argument 2 \(a\): 4000 elements/]);
  rejects(
    () => a.lstmForward(heap, 0, 64, 128, 256, 512, 576, 4000, 1, 2, 1, 4),
    [/lstmForward: argument 8 \(gates\): 32 elements .* end at byte 4128/],
  );
  rejects(
    () => a.lstmBackward(heap, 0, 64, 128, 256, 512, 576, 640, 768, 832, 896, 4090, 1, 2, 1, 1, 1),
    [/lstmBackward: argument 12 \(dBias\)/],
  );
  // the sizes of sums and products are not allowed to overflow: 2^31-1 squared elements
  rejects(
    () => a.sumOuter(heap, 0, 64, 2147483647, 2147483647),
    [/sumOuter: argument 2 \(x\): \d{19} elements of 4 bytes .* past the end/],
  );
  assert.ok(untouched(heap), 'the heap is unchanged');
});

test('native boundary: offsets must be aligned integers inside the heap, sizes integers in range', { skip }, () => {
  const a = addon();
  const heap = canaryHeap(1024);
  for (const [off, why] of [
    [-4, /byte offset into the wasm heap \(an integer >= 0\), got -4$/],
    [2.5, /got 2.5$/],
    [NaN, /got nan$/i],
    [2, /byte offset 2 is not a multiple of 4, the alignment of its elements$/],
    [Infinity, /got inf$/i],
  ] as const) {
    rejects(() => a.unary(heap, a.unaryOps.exp, off, 64, 4), [/^aekit native: unary: argument 3 \(x\)/, why]);
  }
  rejects(
    () => a.matMul(heap, 0, 64, 128, 1, 1, 1, 2, 2, 2, 0, 0, -2, 0, 0.2),
    [/argument 13 \(bias\) must be a byte offset .* or -1 for none\), got -2/],
  );
  rejects(() => a.unary(heap, a.unaryOps.exp, 0, 64, -1), [/unary: argument 5 \(n\) must be an integer in \[0, 2147483647\], got -1$/]);
  rejects(() => a.unary(heap, a.unaryOps.exp, 0, 64, 2 ** 31), [/argument 5 \(n\) must be an integer .* got 2147483648$/]);
  rejects(() => a.sumInner(heap, 0, 64, 1.5, 2), [/sumInner: argument 4 \(outer\) must be an integer .* got 1.5$/]);
  rejects(() => a.bceForward(heap, 0, 64, 0, 128), [/bceForward: argument 4 \(n\) must be an integer in \[1, 2147483647\], got 0$/]);
  rejects(() => a.bceGrad(heap, NaN, 0, 64, 128, 4), [/bceGrad: argument 2 \(g\) must be a finite number/]);
  rejects(() => a.mseForward(heap, 0, 64, 0, 128), [/mseForward: argument 4 \(n\) must be an integer in \[1, 2147483647\], got 0$/]);
  rejects(() => a.mseGrad(heap, NaN, 0, 64, 128, 4), [/mseGrad: argument 2 \(g\) must be a finite number/]);
  rejects(
    () => a.activationBiasGrad(heap, 0, 64, 128, 192, 2, 2, a.activations.relu6, 0),
    [/activationBiasGrad: act is relu6, whose derivative its output does not give/],
  );
  rejects(
    () => a.activationBiasGrad(heap, 0, 64, 128, 192, 2, 2, a.activations.leakyrelu, 0),
    [/activationBiasGrad: alpha is 0, expected > 0 for leakyrelu/],
  );
  rejects(
    () => a.activationBiasGrad(heap, 0, 64, 128, 192, 2, 2, 99, 0),
    [/activationBiasGrad: argument 8 \(act\) is 99, which is not a code of addon\.activations/],
  );
  rejects(
    () => a.binary(heap, a.binaryOps.add, 0, 0, 64, 4, 128, 4),
    [/binary: argument 4 \(na\) must be an integer in \[1, 2147483647\], got 0$/],
  );
  rejects(
    () => a.matMul(heap, 0, 64, 128, 1, 1, 1, 2, 2, 2, 2, 0, -1, 0, 0.2),
    [/matMul: argument 11 \(transA\) must be an integer in \[0, 1\], got 2$/],
  );
  rejects(
    () => a.matMul(heap, 0, 64, 128, 1, 1, 1, 2, 2, 2, 0, 0, -1, a.activations.leakyrelu, NaN),
    [/matMul: argument 15 \(alpha\) must be a finite number/],
  );
  rejects(
    () => a.lstmBackward(heap, 0, 64, 128, 256, 512, 576, 640, 768, 832, 896, 960, 1, 2, 1, 1, 7),
    [/argument 17 \(sequences\) must be an integer in \[0, 1\]/],
  );
  rejects(() => a.setThreads(0), [/setThreads\(n\): n must be an integer in \[1, 4096\], got 0$/]);
  assert.ok(untouched(heap), 'the heap is unchanged');
});

test('native boundary: arguments of the wrong JavaScript type throw a TypeError', { skip }, () => {
  const a = addon();
  const heap = new ArrayBuffer(1024);
  rejects(
    () => a.unary(new Float32Array(16) as unknown as ArrayBuffer, 0, 0, 64, 4),
    [/^aekit native: unary: argument 1 \(heap\) must be the wasm heap's ArrayBuffer, got an object$/],
    'ERR_AEKIT_NATIVE_ARGUMENT',
    TypeError,
  );
  rejects(
    () => a.unary(1 as unknown as ArrayBuffer, 0, 0, 64, 4),
    [/argument 1 \(heap\) .* got a number$/],
    'ERR_AEKIT_NATIVE_ARGUMENT',
    TypeError,
  );
  rejects(
    () => fn(a, 'unary')(heap, 0, '0', 64, 4),
    [/unary: argument 3 \(x\) must be a number, got a string$/],
    'ERR_AEKIT_NATIVE_ARGUMENT',
    TypeError,
  );
  rejects(
    () => fn(a, 'maxPool')(heap, 0, 128, ...POOL.slice(0, 11), undefined),
    [/maxPool: argument 15 \(pl\) must be a number, got undefined$/],
    'ERR_AEKIT_NATIVE_ARGUMENT',
    TypeError,
  );
  rejects(() => fn(a, 'setThreads')('2'), [/setThreads\(n\): n must be a number$/], 'ERR_AEKIT_NATIVE_ARGUMENT', TypeError);
});

test('native boundary: unknown op codes throw, listing the codes of their table', { skip }, () => {
  const a = addon();
  const heap = canaryHeap(4096);
  rejects(
    () => a.unary(heap, 99, 0, 64, 4),
    [/^aekit native: unary: argument 2 \(op\) is 99, which is not a code of addon\.unaryOps \(selu \d+, exp \d+, sigmoid \d+, relu \d+\)$/],
  );
  rejects(() => a.unary(heap, -1, 0, 64, 4), [/unary: argument 2 \(op\) must be an integer in \[0, 2147483647\], got -1$/]);
  rejects(
    () => a.binary(heap, 99, 0, 4, 64, 4, 128, 4),
    [/binary: argument 2 \(op\) is 99, which is not a code of addon\.binaryOps \(add \d+, sub \d+, mul \d+, greater \d+\)$/],
  );
  rejects(
    () => a.matMul(heap, 0, 64, 128, 1, 1, 1, 2, 2, 2, 0, 0, -1, 99, 0.2),
    [/matMul: argument 14 \(act\) is 99, which is not a code of addon\.activations \(linear \d+, relu \d+, sigmoid/],
  );
  rejects(
    () => a.conv2dForward(heap, 0, 64, -1, 128, ...GEO, 99, 0),
    [
      /conv2dForward: argument 23 \(act\) is 99, which is not a code of addon\.activations \(linear \d+, relu \d+, sigmoid \d+, elu \d+, relu6 \d+, leakyrelu \d+, selu \d+\)$/,
    ],
  );
  rejects(
    () => a.conv2dTranspose(heap, 0, 64, -1, 128, ...GEO, 99, 0),
    [/conv2dTranspose: argument 23 \(act\) is 99, which is not a code of addon\.activations \(linear/],
  );
  // leakyrelu's slope must be a finite number
  rejects(
    () => a.conv2dForward(heap, 0, 64, -1, 128, ...GEO, a.activations.leakyrelu, Number.NaN),
    [/conv2dForward: argument 24 \(alpha\)/],
  );
  rejects(
    () => a.activationBiasGrad(heap, 0, 64, 128, 192, 2, 0, a.activations.selu, 0),
    [/activationBiasGrad: argument 7 \(channels\) must be an integer in \[1,/],
  );
  assert.ok(untouched(heap), 'the heap is unchanged');
});

test('native boundary: a geometry that does not add up throws, saying what it gives', { skip }, () => {
  const a = addon();
  const heap = canaryHeap(4096);
  const geo = (i: number, v: number): number[] => GEO.map((g, k) => (k === i ? v : g));
  rejects(
    () => a.conv2dForward(heap, 0, 64, -1, 128, ...geo(4, 3), 0, 0),
    [/^aekit native: conv2dForward: ho is 3, but h 3 \+ pt 0 \+ pb 0 with kh 2, dh 1 and sh 1 give 2$/],
  );
  rejects(
    () => a.conv2dBackwardData(heap, 0, 64, 128, ...geo(5, 1)),
    [/conv2dBackwardData: wo is 1, but w 3 \+ pl 0 \+ pr 0 with kw 2, dw 1 and sw 1 give 2$/],
  );
  rejects(
    () => a.conv2dBackwardFilter(heap, 0, 64, 128, ...geo(9, 0)),
    [/conv2dBackwardFilter: argument 14 \(sh\) must be an integer in \[1, 2147483647\], got 0$/],
  );
  rejects(() => a.conv2dForward(heap, 0, 64, -1, 128, ...geo(3, 0), 0, 0), [/argument 9 \(ci\) must be an integer in \[1,/]);
  rejects(
    () => a.maxPool(heap, 0, 128, ...POOL.map((g, k) => (k === 8 ? 0 : g))),
    [/maxPool: argument 12 \(sh\) must be an integer in \[1,/],
  );
  rejects(
    () => a.matMul(heap, 0, 64, 128, 3, 2, 1, 1, 1, 1, 0, 0, -1, 0, 0.2),
    [/^aekit native: matMul: batchA is 2, expected 1 or batch \(3\)$/],
  );
  rejects(() => a.matMul(heap, 0, 64, 128, 3, 3, 2, 1, 1, 1, 0, 0, -1, 0, 0.2), [/matMul: batchB is 2, expected 1 or batch \(3\)$/]);
  assert.ok(untouched(heap), 'the heap is unchanged');
});

test(
  'native boundary: a resize index table entry outside the input throws, naming the table and the entry, and writes nothing',
  { skip },
  () => {
    const a = addon();
    const heap = canaryHeap(4096);
    const tables = new Int32Array(heap, 256, 8); // rows (4) then cols (4) of RESIZE
    const check = (f: () => unknown, pattern: RegExp): void => {
      const before = new Uint8Array(heap).slice();
      rejects(f, [pattern]);
      assert.deepEqual(new Uint8Array(heap), before, 'the heap is unchanged');
    };
    tables.fill(0);
    tables[2] = 2; // the input has 2 rows
    check(
      () => a.resizeNearest(heap, 0, 64, 256, 272, ...RESIZE),
      /^aekit native: resizeNearest: rows\[2\] is 2, expected an input row in \[0, 2\)$/,
    );
    tables[2] = -1; // the forward reads every row it names
    check(() => a.resizeNearest(heap, 0, 64, 256, 272, ...RESIZE), /resizeNearest: rows\[2\] is -1, expected an input row in \[0, 2\)$/);
    tables[7] = 5;
    check(
      () => a.resizeNearestGrad(heap, 0, 64, 256, 272, ...RESIZE),
      /^aekit native: resizeNearestGrad: cols\[3\] is 5, expected an input column or -1 in \[-1, 2\)$/,
    );
    check(
      () => a.resizeNearestGrad(heap, 0, 4084, 256, 272, ...RESIZE),
      /resizeNearestGrad: argument 3 \(dx\): 4 elements .* end at byte 4100/,
    );
    check(() => a.resizeNearest(heap, 0, 4080, 256, 272, ...RESIZE), /resizeNearest: argument 3 \(y\): 16 elements .* end at byte 4144/);
    check(
      () => a.resizeNearest(heap, 0, 64, 258, 272, ...RESIZE),
      /resizeNearest: argument 4 \(rows\): byte offset 258 is not a multiple of 4/,
    );
    check(() => a.resizeNearest(heap, 0, 64, 256, 272, 1, 0, 2, 1, 4, 4), /resizeNearest: argument 7 \(h\) must be an integer in \[1,/);
  },
);

test('native boundary: the op code tables are exported, frozen and complete, with distinct codes', { skip }, () => {
  const a = addon();
  assert.doesNotThrow(() => checkOpTables(a));
  for (const [table, names] of Object.entries(NATIVE_OP_NAMES)) {
    const codes = (a as unknown as Record<string, Record<string, number>>)[table];
    assert.ok(Object.isFrozen(codes), `${table} is frozen`);
    assert.deepEqual(Object.keys(codes).sort(), [...names].sort(), `${table} names`);
    assert.equal(new Set(Object.values(codes)).size, names.length, `${table} codes are distinct`);
    assert.ok(Object.values(codes).every(Number.isInteger), `${table} codes are integers`);
  }
});

test('native boundary: checkOpTables rejects an addon without tables or with a table lacking a name', () => {
  const full = Object.fromEntries(
    Object.entries(NATIVE_OP_NAMES).map(([t, names]) => [t, Object.fromEntries(names.map((n, i) => [n, i]))]),
  );
  assert.doesNotThrow(() => checkOpTables(full));
  assert.throws(() => checkOpTables({}), /the addon exports no op code table 'unaryOps' \(built from older sources\?\)/);
  assert.throws(
    () => checkOpTables({ ...full, activations: { linear: 0, relu: 1 } }),
    /op code table 'activations' lacks sigmoid, elu, relu6, leakyrelu/,
  );
  assert.throws(() => checkOpTables({ ...full, binaryOps: { add: 0, sub: 1, mul: 2, greater: 'x' } }), /'binaryOps' lacks greater/);
  // a name inherited from Object.prototype is not an op
  assert.throws(
    () => checkOpTables({ ...full, unaryOps: Object.create({ selu: 0, exp: 1, sigmoid: 2, relu: 3 }) }),
    /'unaryOps' lacks selu/,
  );
});

test('native boundary: each op code computes what its name says', { skip }, () => {
  const a = addon();
  const heap = new ArrayBuffer(4096);
  const f = new Float32Array(heap);
  const xs = [-2, -0.5, 0, 1.5];
  const near = (got: ArrayLike<number>, want: number[], what: string): void =>
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-5 * (1 + Math.abs(w)), `${what}[${i}] = ${got[i]}, expected ${w}`));
  const selu = (v: number): number => (v > 0 ? 1.0507009873554805 * v : 1.7580993408473766 * (Math.exp(v) - 1));
  const unaryRef = { selu, exp: Math.exp, sigmoid: (v: number) => 1 / (1 + Math.exp(-v)), relu: (v: number) => Math.max(v, 0) };
  for (const [name, ref] of Object.entries(unaryRef)) {
    f.set(xs, 0);
    assert.equal(a.unary(heap, a.unaryOps[name as keyof typeof unaryRef], 0, 64, 4), true);
    near(f.subarray(16, 20), xs.map(ref), `unary ${name}`);
  }
  const ys = [1, -1, 0.25, 2];
  const binaryRef = { add: (p: number, q: number) => p + q, sub: (p: number, q: number) => p - q, mul: (p: number, q: number) => p * q };
  for (const [name, ref] of Object.entries(binaryRef)) {
    f.set(xs, 0);
    f.set(ys, 16);
    assert.equal(a.binary(heap, a.binaryOps[name as keyof typeof binaryRef], 0, 4, 64, 4, 128, 4), true);
    near(
      f.subarray(32, 36),
      xs.map((v, i) => ref(v, ys[i])),
      `binary ${name}`,
    );
  }
  assert.equal(a.binary(heap, a.binaryOps.greater, 0, 4, 64, 4, 128, 4), true);
  assert.deepEqual(
    [...new Uint8Array(heap, 128, 4)],
    xs.map((v, i) => (v > ys[i] ? 1 : 0)),
    'binary greater',
  );
  // y = act(x · 1): a 4×1 by 1×1 product, for every activation of matMul
  const elu = (v: number): number => (v > 0 ? v : Math.exp(v) - 1);
  const actRef = {
    linear: (v: number) => v,
    relu: unaryRef.relu,
    sigmoid: unaryRef.sigmoid,
    elu,
    relu6: (v: number) => Math.min(Math.max(v, 0), 6),
    leakyrelu: (v: number) => (v > 0 ? v : 0.3 * v),
  };
  for (const [name, ref] of Object.entries({ ...actRef, selu })) {
    f.set(xs, 0);
    f[16] = 1;
    assert.equal(a.matMul(heap, 0, 64, 128, 1, 1, 1, 4, 1, 1, 0, 0, -1, a.activations[name as keyof typeof actRef], 0.3), true);
    near(f.subarray(32, 36), xs.map(ref), `matMul ${name}`);
  }
  // conv2dForward and conv2dTranspose with a 1×1 filter of weight 1: y = act(x), and act(x + 0.5)
  // with a bias of 0.5 (conv2dTranspose), for every activation of the convolutions (leakyrelu's
  // slope 0.3)
  const convRef = { ...actRef, selu };
  assert.deepEqual(Object.keys(a.activations).sort(), Object.keys(convRef).sort(), 'every conv activation is checked');
  for (const name of Object.keys(convRef) as (keyof typeof convRef)[]) {
    f.set(xs, 0);
    f[16] = 1;
    f[20] = 0.5;
    assert.equal(a.conv2dForward(heap, 0, 64, -1, 128, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, a.activations[name], 0.3), true);
    near(f.subarray(32, 36), xs.map(convRef[name]), `conv2dForward ${name}`);
    assert.equal(
      a.conv2dTranspose(heap, 0, 64, 80, 128, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, a.activations[name], 0.3),
      true,
    );
    near(
      f.subarray(32, 36),
      xs.map((v) => convRef[name](v + 0.5)),
      `conv2dTranspose ${name}`,
    );
  }
  // SELU at the ends of float: NaN stays NaN, −∞ and −100 give −scale·alpha, +∞ stays +∞
  f.set([Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -100], 0);
  f[16] = 1;
  assert.equal(a.conv2dForward(heap, 0, 64, -1, 128, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, a.activations.selu, 0), true);
  const ends = [...f.subarray(32, 36)];
  assert.ok(Number.isNaN(ends[0]), `selu(NaN) = ${ends[0]}`);
  assert.equal(ends[2], Number.POSITIVE_INFINITY, 'selu(+∞)');
  near([ends[1], ends[3]], [-1.7580993408473766, -1.7580993408473766], 'selu(−∞), selu(−100)');
  // activationBiasGrad on 2 rows × 2 channels: dz = dy · act'(z) from y = act(z), db = column sums: selu
  const zs = [-2, 0.5, -0.25, 1.5];
  const dys = [0.5, -1, 2, 0.25];
  f.set(dys, 0);
  f.set(zs.map(selu), 16);
  const dz = zs.map((z, i) => dys[i] * (z > 0 ? 1.0507009873554805 : 1.7580993408473766 * Math.exp(z)));
  assert.equal(a.activationBiasGrad(heap, 0, 64, 128, 192, 2, 2, a.activations.selu, 0), true);
  near(f.subarray(32, 36), dz, 'activationBiasGrad selu dz');
  near(f.subarray(48, 50), [dz[0] + dz[2], dz[1] + dz[3]], 'activationBiasGrad selu db');
  // and leakyrelu (slope 0.3), without db, from y = leakyrelu(z)
  f.set(
    zs.map((z) => (z > 0 ? z : 0.3 * z)),
    16,
  );
  assert.equal(a.activationBiasGrad(heap, 0, 64, 128, -1, 2, 2, a.activations.leakyrelu, 0.3), true);
  near(
    f.subarray(32, 36),
    zs.map((z, i) => dys[i] * (z > 0 ? 1 : 0.3)),
    'activationBiasGrad leakyrelu dz',
  );
});
