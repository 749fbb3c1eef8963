/**
 * NumPy `.npy` files: the reader (`parseNpy`, and `loadNpy` for a data set of one sample per row)
 * and the writer of their headers (`npyHeader`, used by the analysis layer for codings, and
 * `encodeNpy`).
 *
 * A `.npy` file is the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), the length of a header (2
 * bytes little-endian in version 1, 4 bytes after), the header (a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }`, padded with spaces to a
 * multiple of 64 bytes, ending in a newline), then the values.
 */
import { promises as fs } from 'node:fs';
import type { DataSpec, Dataset, ImageLayout } from './dataset.js';
import { DataError } from './idx.js';
import { type ByteSamples, MemoryRows, type Samples } from './samples.js';
import { DEFAULT_VALIDATION_SPLIT, splitSamples } from './split.js';

/** The dtypes aekit reads: little-endian float32, uint8, and float64 / int32 / int64 converted to float32. */
export type NpyDtype = '<f4' | '|u1' | '<f8' | '<i4' | '<i8';

/** A parsed `.npy` array. */
export interface NpyArray {
  /** The array's shape, outermost first. */
  shape: number[];
  /** The dtype the file stores. */
  dtype: NpyDtype;
  /** The values, row-major: bytes for `|u1`, float32 for the rest (a view of the input where it can be). */
  data: Float32Array | Uint8Array;
  /** Set when the values were converted to float32, e.g. `float64 converted to float32`. */
  converted?: string;
}

/** The {@link DataSpec} of a `.npy` file. */
export type NpySpec = Extract<DataSpec, { kind: 'npy' }>;

/** What to read from a `.npy` file. */
export interface NpyRequest {
  /** The `.npy` file: an array of shape `[n, …]`, one sample per row. */
  file: string;
  /** Fraction of the samples held out for validation, in (0, 1). Default 0.1. */
  validationSplit?: number;
  /** Seed of the train / validation split. Default 0. */
  seed?: number;
}

/**
 * A run trained earlier, for reading new data the same way: its spec (whose split fraction and seed
 * become the defaults) and the sample shape it was trained on, which the new data must have (the
 * spec does not record the shape).
 */
export interface SampleLike<S> {
  spec: S;
  shape: readonly number[];
}

/** Options of {@link loadNpy}. */
export interface NpyOptions {
  like?: SampleLike<NpySpec>;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const ITEM_BYTES: Record<NpyDtype, number> = { '<f4': 4, '|u1': 1, '<f8': 8, '<i4': 4, '<i8': 8 };
const DTYPE_NAMES: Record<NpyDtype, string> = { '<f4': 'float32', '|u1': 'uint8', '<f8': 'float64', '<i4': 'int32', '<i8': 'int64' };

/**
 * The header of a `.npy` file (version 1.0 unless `version` says 2 or 3) holding a C-order array of
 * `shape` and `descr` (default little-endian float32); the values follow it directly.
 *
 * @example
 * await handle.write(npyHeader([count, 1 + dim])); // then count × (1 + dim) float32 values
 */
export function npyHeader(shape: readonly number[], descr: NpyDtype = '<f4', version: 1 | 2 | 3 = 1): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const prefix = version === 1 ? 10 : 12;
  const unpadded = prefix + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const text = dict + ' '.repeat(padded - unpadded) + '\n';
  const out = new Uint8Array(prefix + text.length);
  out.set([...MAGIC, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(Buffer.from(text, version === 3 ? 'utf8' : 'latin1'), prefix);
  return out;
}

/**
 * A whole `.npy` file of `data` with `shape` (C order): float32, uint8, float64, int32 or int64 by
 * the array's type (int64 as a BigInt64Array).
 *
 * @example
 * await writeFile('x.npy', encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]));
 */
export function encodeNpy(
  data: Float32Array | Uint8Array | Float64Array | Int32Array | BigInt64Array,
  shape: readonly number[],
  version: 1 | 2 | 3 = 1,
): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new RangeError(`encodeNpy: shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
  const descr: NpyDtype =
    data instanceof Float32Array
      ? '<f4'
      : data instanceof Uint8Array
        ? '|u1'
        : data instanceof Float64Array
          ? '<f8'
          : data instanceof Int32Array
            ? '<i4'
            : '<i8';
  const header = npyHeader(shape, descr, version);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

/**
 * Parses a `.npy` file (versions 1.0, 2.0, 3.0) of little-endian `<f4` or `|u1` values, or of
 * `<f8`, `<i4` or `<i8` values, which are converted to float32 (and `converted` says so). C order
 * only. `source` names the file in messages.
 *
 * @throws {DataError} `E_NPY_HEADER` (not a `.npy` file, an unreadable header), `E_NPY_DTYPE` (another
 *   dtype, big-endian, Fortran order), `E_NPY_TRUNCATED` (data shorter or longer than the shape).
 * @example
 * const { shape, data } = parseNpy(readFileSync('x.npy'), 'x.npy'); // shape [100, 8], data: Float32Array
 */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const fail = (message: string, code: 'E_NPY_HEADER' | 'E_NPY_DTYPE' | 'E_NPY_TRUNCATED'): never => {
    throw new DataError(`${source}: ${message}`, code, { argument: 'npy' });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail(
      `expected a NumPy .npy file (starting with \\x93NUMPY), found ${bytes.length < 6 ? `${bytes.length} byte(s)` : 'other bytes'}; save arrays with np.save`,
      'E_NPY_HEADER',
    );
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7]} is not one aekit reads (1.0, 2.0 or 3.0)`, 'E_NPY_HEADER');
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) fail(`the file is cut short inside its ${prefix}-byte preamble`, 'E_NPY_TRUNCATED');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = prefix + headerBytes;
  if (bytes.length < dataStart)
    fail(`the header announces ${headerBytes} bytes, but the file ends after ${bytes.length - prefix}`, 'E_NPY_TRUNCATED');
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + prefix, headerBytes).toString(major === 3 ? 'utf8' : 'latin1');

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  if (descr === undefined)
    fail(
      /['"]descr['"]\s*:\s*\[/.test(header)
        ? 'the array has a structured dtype (named fields); save a plain numeric array (e.g. np.stack of the fields)'
        : `cannot read the dtype ('descr') in the header ${JSON.stringify(header.trim())}`,
      /['"]descr['"]\s*:\s*\[/.test(header) ? 'E_NPY_DTYPE' : 'E_NPY_HEADER',
    );
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) fail(`cannot read 'fortran_order' in the header ${JSON.stringify(header.trim())}`, 'E_NPY_HEADER');
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) fail(`cannot read the shape in the header ${JSON.stringify(header.trim())}`, 'E_NPY_HEADER');
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) fail(`cannot read the shape (${shapeText}) in the header`, 'E_NPY_HEADER');
  if (fortran === 'True')
    fail(
      'the array is stored in Fortran (column-major) order; aekit reads C order only: save np.ascontiguousarray(a) instead',
      'E_NPY_DTYPE',
    );
  const dtype = normaliseDtype(descr!);
  if (dtype === undefined) {
    const bigEndian = descr!.startsWith('>') && descr!.length > 2;
    fail(
      bigEndian
        ? `the values are big-endian ('${descr}'); save a.astype('<${descr!.slice(1)}') instead`
        : `dtype '${descr}' is not one aekit reads: float32 ('<f4') or uint8 ('|u1'), or float64, int32, int64 (converted to float32)`,
      'E_NPY_DTYPE',
    );
  }
  const d = dtype!;
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * ITEM_BYTES[d];
  const found = bytes.length - dataStart;
  if (found !== expected)
    fail(
      `shape (${shape.join(', ')}) of ${DTYPE_NAMES[d]} needs ${expected.toLocaleString('en-US')} data bytes, found ` +
        `${found.toLocaleString('en-US')} (${found < expected ? 'the file is truncated' : 'the file has trailing data'})`,
      'E_NPY_TRUNCATED',
    );
  const offset = bytes.byteOffset + dataStart;
  if (d === '|u1') return { shape, dtype: d, data: new Uint8Array(bytes.buffer, offset, count) };
  if (d === '<f4') {
    const data = offset % 4 === 0 ? new Float32Array(bytes.buffer, offset, count) : new Float32Array(bytes.slice(dataStart).buffer);
    return { shape, dtype: d, data };
  }
  const data = new Float32Array(count);
  const values = new DataView(bytes.buffer, offset, expected);
  if (d === '<f8') for (let i = 0; i < count; i++) data[i] = values.getFloat64(8 * i, true);
  else if (d === '<i4') for (let i = 0; i < count; i++) data[i] = values.getInt32(4 * i, true);
  else for (let i = 0; i < count; i++) data[i] = Number(values.getBigInt64(8 * i, true));
  return { shape, dtype: d, data, converted: `${DTYPE_NAMES[d]} converted to float32` };
}

/** The dtype of a `descr` as one of {@link NpyDtype}, or undefined when aekit does not read it. */
function normaliseDtype(descr: string): NpyDtype | undefined {
  if (/^[|<>=]?u1$/.test(descr)) return '|u1';
  const little = /^[<=]?([fi][48])$/.exec(descr); // '=' is native order: little-endian on every platform Node runs on here
  if (little === null) return undefined;
  const d = `<${little[1]}`;
  return d === '<i8' || d === '<f8' || d === '<f4' || d === '<i4' ? d : undefined;
}

/**
 * Reads a `.npy` array of shape `[n, …]` as a data set of `n` samples of shape `[…]`, split into
 * training and validation samples with `seed`. uint8 arrays become byte samples (value / 255,
 * `unitRange`); float arrays float samples (`unitRange` when every value lies in [0, 1]). Samples of
 * shape `[h, w]`, `[h, w, 1]` (read as `[h, w]`) or `[h, w, 3]` are images when their values are
 * uint8 or in [0, 1]. With `like`, the samples must have the shape the run was trained on.
 *
 * @throws {DataError} `E_NOT_FOUND` (no such file), as {@link parseNpy}, `E_SHAPE` (1-D, fewer than 2
 *   samples, another sample shape than `like`'s), `E_VALUE` (NaN or infinite values).
 * @example
 * const data = await loadNpy({ file: 'faces.npy', validationSplit: 0.2, seed: 1 }); // faces.npy: (400, 64, 64) uint8
 */
export async function loadNpy(request: NpyRequest, options: NpyOptions = {}): Promise<Dataset> {
  const { file } = request;
  const { like } = options;
  const validationSplit = request.validationSplit ?? like?.spec.validationSplit ?? DEFAULT_VALIDATION_SPLIT;
  const seed = request.seed ?? like?.spec.seed ?? 0;
  const array = parseNpy(await readData(file, 'npy'), file);
  const { shape, data } = array;
  const shapeText = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  if (shape.length < 2)
    throw new DataError(
      `${file}: the array has shape ${shapeText}, expected [n, features…] (one sample per row); reshape a 1-D array with a.reshape(-1, 1)`,
      'E_SHAPE',
      { argument: 'npy' },
    );
  const n = shape[0];
  if (n < 2 || shape.some((d) => d === 0))
    throw new DataError(
      `${file}: the array has shape ${shapeText}: ${n} sample(s); need at least 2 (one to train on, one to validate)`,
      'E_SHAPE',
      {
        argument: 'npy',
      },
    );
  let sample = shape.slice(1);
  if (sample.length === 3 && sample[2] === 1) sample = sample.slice(0, 2);
  if (like && (like.shape.length !== sample.length || like.shape.some((d, i) => d !== sample[i])))
    throw new DataError(
      `${file}: samples of shape [${sample.join(', ')}], but the run was trained on samples of shape [${like.shape.join(', ')}] (${like.spec.file})`,
      'E_SHAPE',
      { argument: 'npy' },
    );
  const bytes = data instanceof Uint8Array;
  let unit = bytes;
  if (!bytes) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!Number.isFinite(v)) {
        const per = data.length / n;
        throw new DataError(
          `${file}: sample ${Math.floor(i / per)} (counting from 0) holds ${v}; every value must be a finite number`,
          'E_VALUE',
          {
            argument: 'npy',
          },
        );
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    unit = lo >= 0 && hi <= 1;
  }
  const image = imageLayout(sample, unit);
  const per = data.length / n;
  const all: Samples | ByteSamples = bytes
    ? { bytes: new MemoryRows(data, per), shape: sample, count: n }
    : { x: data, shape: sample, count: n };
  const [train, valid] = splitSamples(all, validationSplit, seed);
  const kind = image
    ? `${image.height}×${image.width}${image.channels === 3 ? '×3' : ''} images`
    : `samples of shape [${sample.join(', ')}]`;
  const values = `${DTYPE_NAMES[array.dtype]}${array.converted ? `, ${array.converted}` : ''}${bytes ? ', read as value / 255' : unit ? ', all in [0, 1]' : ''}`;
  return {
    train,
    valid,
    source: `${file}: ${n.toLocaleString('en-US')} ${kind} (${values}), ${train.count.toLocaleString('en-US')} train / ${valid.count.toLocaleString('en-US')} validation`,
    spec: { kind: 'npy', file, validationSplit, seed },
    unitRange: unit,
    ...(image ? { image } : {}),
  };
}

/** The image layout of samples of `shape` (`[h, w]` or `[h, w, 3]`) whose values are bytes or in [0, 1]; else undefined. */
export function imageLayout(shape: readonly number[], unit: boolean): ImageLayout | undefined {
  if (!unit) return undefined;
  if (shape.length === 2) return { height: shape[0], width: shape[1], channels: 1 };
  if (shape.length === 3 && shape[2] === 3) return { height: shape[0], width: shape[1], channels: 3 };
  return undefined;
}

/** The bytes of `file`; a file that cannot be read is a {@link DataError} naming `argument`. */
export async function readData(file: string, argument: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(
      `{${argument}} '${file}' ${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code})`}`,
      'E_NOT_FOUND',
      { argument, cause: err },
    );
  }
}
