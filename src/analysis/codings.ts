/**
 * The encoder's codings of a set of images, computed batch by batch so that memory stays flat,
 * and written as CSV or NumPy `.npy` files.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '../core/errors.js';
import { ensureDirectory } from '../core/fs.js';
import type * as tf from '../core/tf.js';
import { npyHeader } from '../data/npy.js';
import type { AnySamples } from '../data/samples.js';
import { type PredictBatch, predictAll, predictBatches } from '../training/predict.js';
import type { Points } from './knn.js';

/** One batch of codings: images `from … from + count − 1`, each a `dim`-float row of `data`. */
export type CodingBatch = PredictBatch;

/**
 * Runs `encoder` on `count` flat images in batches and yields the codings, flattened (a `3×3×64`
 * coding becomes 576 floats).
 *
 * @example
 * for await (const b of encodeBatches(encoder, valid.x, valid.count)) console.log(b.from, b.dim);
 */
export function encodeBatches(
  encoder: tf.LayersModel,
  images: Float32Array | AnySamples,
  count: number,
  batchSize = 256,
): AsyncGenerator<CodingBatch> {
  return predictBatches(encoder, images, count, { batchSize });
}

/** All codings of `count` images as one {@link Points} set (for maps; use {@link writeCodings} for files). */
export async function encodeAll(
  encoder: tf.LayersModel,
  images: Float32Array | AnySamples,
  count: number,
  batchSize = 256,
): Promise<Points> {
  return predictAll(encoder, images, count, { batchSize });
}

/**
 * Writes the codings of `count` images to `file`, one row per image with its label first:
 * CSV (`label,c0,c1,…` header) for `.csv`, or a float32 `count × (1 + dim)` array for `.npy`.
 * Batches are appended as they come; the file appears complete or not at all (temporary file + rename).
 *
 * @example
 * await writeCodings('valid.npy', encodeBatches(encoder, valid.images, valid.count), valid.labels, valid.count);
 */
export async function writeCodings(
  file: string,
  batches: AsyncIterable<CodingBatch>,
  labels: ArrayLike<number>,
  count: number,
): Promise<{ dim: number }> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.npy')
    throw new ArgumentError('file', `{file} '${file}': expected a file name ending in .csv or .npy, found '${ext || 'no extension'}'`);
  await ensureDirectory(path.dirname(path.resolve(file)));
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
