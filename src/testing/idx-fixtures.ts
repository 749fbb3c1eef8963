/**
 * Test helpers for the data layer: build small IDX fixture files. Private to the tests; not part
 * of the public API.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Builds the bytes of a uint8 IDX file with the given dimensions and values. */
export function idxBytes(dims: number[], data: Uint8Array | number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** `count` 28×28 images whose pixels follow a simple pattern that uses 0 and 255. */
export function fixturePixels(count: number): Uint8Array {
  const pixels = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 256;
  pixels[1] = 255;
  return pixels;
}

/** Label `i` of a fixture set: `i % 10`. */
export function fixtureLabels(count: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => i % 10);
}

/** How fixture files are written. */
export interface FixtureOptions {
  /** Training images. Default 30. */
  trainCount?: number;
  /** Test images. Default 10. */
  testCount?: number;
  /** Value of the first pixel of the first training image, to tell fixture sets apart. Default 0. */
  marker?: number;
  /** `'gz'`: `NAME.gz` files; `'raw'`: uncompressed `NAME`; `'mixed'`: images gzipped, labels raw. Default `'gz'`. */
  form?: 'gz' | 'raw' | 'mixed';
}

/** The four fixture files, by official name, as uncompressed IDX bytes. */
export function fixtureFiles(options: FixtureOptions = {}): Record<string, Uint8Array> {
  const { trainCount = 30, testCount = 10, marker = 0 } = options;
  const trainPixels = fixturePixels(trainCount);
  trainPixels[0] = marker;
  return {
    'train-images-idx3-ubyte': idxBytes([trainCount, 28, 28], trainPixels),
    'train-labels-idx1-ubyte': idxBytes([trainCount], fixtureLabels(trainCount)),
    't10k-images-idx3-ubyte': idxBytes([testCount, 28, 28], fixturePixels(testCount)),
    't10k-labels-idx1-ubyte': idxBytes([testCount], fixtureLabels(testCount)),
  };
}

/** Writes the four fixture files into `dir` (created if needed). */
export async function writeFixtureDir(dir: string, options: FixtureOptions = {}): Promise<void> {
  const form = options.form ?? 'gz';
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(fixtureFiles(options))) {
    const gz = form === 'gz' || (form === 'mixed' && name.includes('images'));
    await writeFile(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  }
}
