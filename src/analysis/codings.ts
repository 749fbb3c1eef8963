/**
 * The encoder's codings of a set of images, computed batch by batch so that memory stays flat,
 * and written as CSV or NumPy `.npy` files.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Points } from './knn.js';

/** One batch of codings: images `from … from + count − 1`, each a `dim`-float row of `data`. */
export interface CodingBatch {
  from: number;
  count: number;
  dim: number;
  data: Float32Array;
}

/** Floats per image of the model's input (e.g. 784 for 28×28). */
function inputSize(model: tf.LayersModel): number[] {
  return model.inputs[0].shape.slice(1) as number[];
}

/**
 * Runs `encoder` on `count` flat images (`images.length / count` floats each) in batches and
 * yields the codings, flattened (a `3×3×64` coding becomes 576 floats).
 *
 * @example
 * for await (const b of encodeBatches(encoder, valid.images, valid.count)) console.log(b.from, b.dim);
 */
export async function* encodeBatches(encoder: tf.LayersModel, images: Float32Array, count: number, batchSize = 256): AsyncGenerator<CodingBatch> {
  const shape = inputSize(encoder);
  const pixels = shape.reduce((a, b) => a * b, 1);
  if (images.length < count * pixels) throw new RangeError(`encode: ${count} images of ${pixels} floats need ${count * pixels} floats, found ${images.length}`);
  for (let from = 0; from < count; from += batchSize) {
    const n = Math.min(batchSize, count - from);
    const out = tf.tidy(() => {
      const x = tf.tensor(images.subarray(from * pixels, (from + n) * pixels), [n, ...shape]);
      const y = encoder.predict(x) as tf.Tensor;
      return y.reshape([n, -1]);
    });
    const data = await out.data() as Float32Array;
    const dim = out.shape[1] as number;
    out.dispose();
    yield { from, count: n, dim, data };
  }
}

/** All codings of `count` images as one {@link Points} set (for maps; use {@link writeCodings} for files). */
export async function encodeAll(encoder: tf.LayersModel, images: Float32Array, count: number, batchSize = 256): Promise<Points> {
  let data: Float32Array | undefined;
  let dim = 0;
  for await (const b of encodeBatches(encoder, images, count, batchSize)) {
    if (data === undefined) { dim = b.dim; data = new Float32Array(count * dim); }
    data.set(b.data, b.from * dim);
  }
  return { data: data ?? new Float32Array(0), count, dim };
}

/** The header of a version-1.0 `.npy` file holding a little-endian float32 C-order array of `shape`. */
export function npyHeader(shape: number[]): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const text = dict + ' '.repeat(padded - unpadded) + '\n';
  const out = new Uint8Array(10 + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(Buffer.from(text, 'latin1'), 10);
  return out;
}

/**
 * Writes the codings of `count` images to `file`, one row per image with its label first:
 * CSV (`label,c0,c1,…` header) for `.csv`, or a float32 `count × (1 + dim)` array for `.npy`.
 * Batches are appended as they come; the file appears complete or not at all (temporary file + rename).
 *
 * @example
 * await writeCodings('valid.npy', encodeBatches(encoder, valid.images, valid.count), valid.labels, valid.count);
 */
export async function writeCodings(file: string, batches: AsyncIterable<CodingBatch>, labels: ArrayLike<number>, count: number): Promise<{ dim: number }> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.npy') throw new RangeError(`--out '${file}': expected a file name ending in .csv or .npy, found '${ext || 'no extension'}'`);
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const handle = await fs.open(tmp, 'w');
  let dim = 0;
  try {
    let headerWritten = false;
    for await (const b of batches) {
      if (!headerWritten) {
        dim = b.dim;
        if (ext === '.npy') await handle.write(npyHeader([count, 1 + dim]));
        else await handle.write(`label,${Array.from({ length: dim }, (_, i) => `c${i}`).join(',')}\n`);
        headerWritten = true;
      }
      if (ext === '.npy') {
        const rows = new Float32Array(b.count * (1 + dim));
        for (let r = 0; r < b.count; r++) {
          rows[r * (1 + dim)] = labels[b.from + r];
          rows.set(b.data.subarray(r * dim, (r + 1) * dim), r * (1 + dim) + 1);
        }
        await handle.write(new Uint8Array(rows.buffer));
      } else {
        const lines: string[] = [];
        for (let r = 0; r < b.count; r++) {
          const row = Array.from(b.data.subarray(r * dim, (r + 1) * dim), (v) => String(Number(v.toPrecision(7))));
          lines.push(`${labels[b.from + r]},${row.join(',')}\n`);
        }
        await handle.write(lines.join(''));
      }
    }
    await handle.close();
    await fs.rename(tmp, file);
  } catch (err) {
    await handle.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    throw err;
  }
  return { dim };
}
