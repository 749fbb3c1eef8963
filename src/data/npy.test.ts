import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { errorMatching } from '../testing/errors.js';
import { DataError } from './idx.js';
import { encodeNpy, loadNpy, npyHeader, parseNpy } from './npy.js';
import { type ByteSamples, isByteSamples, type Samples, toFloatSamples } from './samples.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-npy-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, bytes);
  return f;
}

const dataError = (code: string, ...parts: RegExp[]) => errorMatching(DataError, code, undefined, ...parts);

/** A .npy file with a hand-written header dict (for what encodeNpy does not write). */
function rawNpy(dict: string, body: Uint8Array): Uint8Array {
  const text = `${dict}${' '.repeat(64 - ((10 + dict.length + 1) % 64))}\n`;
  const out = new Uint8Array(10 + text.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(Buffer.from(text, 'latin1'), 10);
  out.set(body, 10 + text.length);
  return out;
}

test('npyHeader writes a 64-byte aligned version-1 header that parseNpy reads back', () => {
  const h = npyHeader([5, 4]);
  assert.equal(h.length % 64, 0);
  assert.match(Buffer.from(h.subarray(10)).toString('latin1'), /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(5, 4\), \} *\n$/);
  assert.match(Buffer.from(npyHeader([3])).toString('latin1'), /'shape': \(3,\)/);
});

test('parseNpy reads float32 and uint8 in versions 1–3 and converts float64, int32, int64 to float32', () => {
  for (const version of [1, 2, 3] as const) {
    const f = parseNpy(encodeNpy(new Float32Array([0.5, -1, 2, 3.25, 4, 5]), [2, 3], version), 'a.npy');
    assert.deepEqual(f.shape, [2, 3]);
    assert.equal(f.dtype, '<f4');
    assert.deepEqual(Array.from(f.data), [0.5, -1, 2, 3.25, 4, 5]);
    assert.equal(f.converted, undefined);
  }
  const u = parseNpy(encodeNpy(Uint8Array.from([0, 128, 255, 7]), [2, 2]), 'u.npy');
  assert.ok(u.data instanceof Uint8Array);
  assert.deepEqual(Array.from(u.data), [0, 128, 255, 7]);
  const d = parseNpy(encodeNpy(new Float64Array([0.1, 1e10]), [2, 1]), 'd.npy');
  assert.ok(d.data instanceof Float32Array);
  assert.deepEqual(Array.from(d.data), [Math.fround(0.1), Math.fround(1e10)]);
  assert.equal(d.converted, 'float64 converted to float32');
  assert.deepEqual(Array.from(parseNpy(encodeNpy(Int32Array.from([-3, 7]), [2, 1]), 'i.npy').data), [-3, 7]);
  const l = parseNpy(encodeNpy(BigInt64Array.from([-5n, 9n]), [2, 1]), 'l.npy');
  assert.deepEqual(Array.from(l.data), [-5, 9]);
  assert.equal(l.converted, 'int64 converted to float32');
  // an odd byte offset (a view into a larger buffer) still reads right
  const bytes = encodeNpy(new Float32Array([1, 2]), [2, 1]);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  assert.deepEqual(Array.from(parseNpy(shifted.subarray(1), 's.npy').data), [1, 2]);
});

test('parseNpy errors name the file and say what to do', () => {
  const body = new Uint8Array(16);
  assert.throws(
    () => parseNpy(Buffer.from('label,x\n1,2\n'), 'no.npy'),
    dataError('E_NPY_HEADER', /^no\.npy: expected a NumPy \.npy file/),
  );
  assert.throws(
    () => parseNpy(rawNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", body), 'f.npy'),
    dataError('E_NPY_DTYPE', /^f\.npy: the array is stored in Fortran \(column-major\) order; aekit reads C order only/),
  );
  assert.throws(
    () => parseNpy(rawNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", body), 'b.npy'),
    dataError('E_NPY_DTYPE', /^b\.npy: the values are big-endian \('>f4'\); save a\.astype\('<f4'\)/),
  );
  assert.throws(
    () => parseNpy(rawNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", body), 'c.npy'),
    dataError('E_NPY_DTYPE', /dtype '<c8' is not one aekit reads/),
  );
  assert.throws(
    () => parseNpy(rawNpy("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (4,), }", body), 's.npy'),
    dataError('E_NPY_DTYPE', /structured dtype/),
  );
  const full = encodeNpy(new Float32Array(6), [2, 3]);
  assert.throws(
    () => parseNpy(full.subarray(0, full.length - 4), 't.npy'),
    dataError('E_NPY_TRUNCATED', /^t\.npy: shape \(2, 3\) of float32 needs 24 data bytes, found 20 \(the file is truncated\)/),
  );
  assert.throws(
    () => parseNpy(Buffer.concat([full, Buffer.alloc(4)]), 't.npy'),
    dataError('E_NPY_TRUNCATED', /found 28 \(the file has trailing data\)/),
  );
  assert.throws(() => parseNpy(full.subarray(0, 40), 't.npy'), dataError('E_NPY_TRUNCATED', /the header announces/));
});

test('loadNpy: uint8 images become byte samples with an image layout; [h, w, 1] reads as [h, w]', async () => {
  const pixels = Uint8Array.from({ length: 10 * 3 * 2 }, (_, i) => i);
  const d = await loadNpy({ file: await file('img.npy', encodeNpy(pixels, [10, 3, 2, 1])), validationSplit: 0.2, seed: 5 });
  assert.ok(isByteSamples(d.train) && isByteSamples(d.valid));
  assert.deepEqual(d.train.shape, [3, 2]);
  assert.deepEqual(d.image, { height: 3, width: 2, channels: 1 });
  assert.equal(d.unitRange, true);
  assert.deepEqual([d.train.count, d.valid.count], [8, 2]);
  // every image once, as value / 255
  const firsts = [d.train, d.valid].flatMap((s) => {
    const f = toFloatSamples(s);
    return Array.from({ length: f.count }, (_, i) => Math.round(f.x[i * 6] * 255));
  });
  assert.deepEqual(
    firsts.sort((a, b) => a - b),
    Array.from({ length: 10 }, (_, i) => i * 6),
  );
  assert.deepEqual(d.spec, { kind: 'npy', file: path.join(dir, 'img.npy'), validationSplit: 0.2, seed: 5 });
  assert.match(d.source, /img\.npy: 10 3×2 images \(uint8, read as value \/ 255\), 8 train \/ 2 validation$/);
  const again = await loadNpy({ file: path.join(dir, 'img.npy'), validationSplit: 0.2, seed: 5 });
  assert.deepEqual(Array.from(toFloatSamples(again.valid).x), Array.from(toFloatSamples(d.valid).x));
  const rgb = await loadNpy({ file: await file('rgb.npy', encodeNpy(new Uint8Array(4 * 2 * 2 * 3), [4, 2, 2, 3])) });
  assert.deepEqual(rgb.image, { height: 2, width: 2, channels: 3 });
  assert.deepEqual((rgb.train as ByteSamples).shape, [2, 2, 3]);
});

test('loadNpy: float rows are float samples; unitRange and images only for values in [0, 1]', async () => {
  const rows = await loadNpy({
    file: await file('rows.npy', encodeNpy(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), [4, 2])),
    validationSplit: 0.25,
  });
  assert.ok(!isByteSamples(rows.train));
  assert.deepEqual(rows.train.shape, [2]);
  assert.equal(rows.unitRange, false);
  assert.equal(rows.image, undefined);
  assert.match(rows.source, /4 samples of shape \[2\] \(float64, float64 converted to float32\)/);
  const all = [rows.train as Samples, rows.valid as Samples].flatMap((s) => Array.from(s.x)).sort((a, b) => a - b);
  assert.deepEqual(all, [1, 2, 3, 4, 5, 6, 7, 8]);
  const unit = await loadNpy({ file: await file('unit.npy', encodeNpy(new Float32Array(3 * 4).fill(0.5), [3, 2, 2])) });
  assert.equal(unit.unitRange, true);
  assert.deepEqual(unit.image, { height: 2, width: 2, channels: 1 });
  const wide = await loadNpy({ file: await file('wide.npy', encodeNpy(new Float32Array(3 * 4).fill(2), [3, 2, 2])) });
  assert.equal(wide.image, undefined);
});

test('loadNpy errors: 1-D, too few samples, non-finite values, another shape than the run, a missing file', async () => {
  await assert.rejects(
    loadNpy({ file: await file('flat.npy', encodeNpy(new Float32Array(5), [5])) }),
    dataError('E_SHAPE', /flat\.npy: the array has shape \(5,\), expected \[n, features…\]/),
  );
  await assert.rejects(
    loadNpy({ file: await file('one.npy', encodeNpy(new Float32Array(3), [1, 3])) }),
    dataError('E_SHAPE', /1 sample\(s\); need at least 2/),
  );
  await assert.rejects(
    loadNpy({ file: await file('nan.npy', encodeNpy(new Float32Array([0, 1, Number.NaN, 2]), [2, 2])) }),
    dataError('E_VALUE', /nan\.npy: sample 1 \(counting from 0\) holds NaN/),
  );
  const spec = { kind: 'npy' as const, file: 'train.npy', validationSplit: 0.5, seed: 2 };
  await assert.rejects(
    loadNpy({ file: await file('other.npy', encodeNpy(new Uint8Array(3 * 4 * 5), [3, 4, 5])) }, { like: { spec, shape: [28, 28] } }),
    dataError('E_SHAPE', /other\.npy: samples of shape \[4, 5\], but the run was trained on samples of shape \[28, 28\] \(train\.npy\)/),
  );
  const same = await loadNpy({ file: path.join(dir, 'other.npy') }, { like: { spec, shape: [4, 5] } });
  assert.deepEqual([same.spec.kind, (same.spec as typeof spec).validationSplit, (same.spec as typeof spec).seed], ['npy', 0.5, 2]);
  await assert.rejects(
    loadNpy({ file: path.join(dir, 'none.npy') }),
    (err: DataError) => err.code === 'E_NOT_FOUND' && err.argument === 'npy' && /npy '.*none\.npy' does not exist/.test(err.message),
  );
});
