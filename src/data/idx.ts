/**
 * Reader for the IDX format that MNIST and Fashion-MNIST ship in.
 *
 * An IDX file is a big-endian header followed by raw data:
 *   bytes 0-1  zero
 *   byte  2    type code (0x08 = unsigned byte, the only type these data sets use)
 *   byte  3    number of dimensions, d
 *   4·d bytes  the size of each dimension, as unsigned 32-bit integers
 *   then       product(sizes) values, row-major
 * Images are `0x00000803` (uint8, 3-D: count × rows × cols) and labels `0x00000801`
 * (uint8, 1-D: count). Files may be gzipped; gzip is detected by its magic bytes `1f 8b`.
 */
import { gunzipSync } from 'node:zlib';
import { AekitError } from '../core/errors.js';

/** The `code` of a {@link DataError}: which check failed. */
export type DataErrorCode =
  /** Not an IDX file, or an IDX file of another kind (images where labels were expected, …). */
  | 'E_IDX_MAGIC'
  /** Dimension sizes that do not fit: a zero size, 27×28 images, image and label counts differ. */
  | 'E_IDX_DIMS'
  /** Fewer data bytes than the header announces (or a gzip stream cut short). */
  | 'E_IDX_TRUNCATED'
  /** More data bytes than the header announces. */
  | 'E_IDX_TOO_LONG'
  /** Damaged gzip stream. */
  | 'E_IDX_GZIP'
  /** A label outside the class range. */
  | 'E_IDX_LABEL'
  /** Decompressed size or SHA-256 differs from the pinned official file. */
  | 'E_CHECKSUM'
  /** The files are not in any place that was searched. */
  | 'E_NOT_FOUND'
  /** A download failed (network, HTTP status, timeout, bad content). */
  | 'E_DOWNLOAD'
  /** The train set is too small for the requested validation split. */
  | 'E_SPLIT'
  /** An invalid option value was passed to the loader. */
  | 'E_OPTION'
  /** Not a NumPy `.npy` file, or a header that cannot be read. */
  | 'E_NPY_HEADER'
  /** A `.npy` dtype or layout aekit does not read (big-endian, Fortran order, structured, …). */
  | 'E_NPY_DTYPE'
  /** Fewer or more data bytes than a `.npy` header announces. */
  | 'E_NPY_TRUNCATED'
  /** A sample shape that does not fit: 1-D arrays, no samples, another shape than the run was trained on. */
  | 'E_SHAPE'
  /** A value that is not a finite number. */
  | 'E_VALUE'
  /** A NAB directory whose contents are not NAB's: a labels or profiles file of another shape, a results file for no data file, another row count. */
  | 'E_NAB';

/**
 * Error thrown by the data layer. The message names the file (or directory, or URL), what was
 * expected, what was found, and what to do about it; `code` says which check failed.
 *
 * @example
 * try { await loadFashionMnist(); }
 * catch (err) { if (err instanceof DataError && err.code === 'E_NOT_FOUND') console.error(err.message); }
 */
export class DataError extends AekitError {
  /** Which check failed, stable across versions (messages are not). */
  declare readonly code: DataErrorCode;

  /** @param message the full, actionable explanation; @param code which check failed; `argument` the option at fault. */
  constructor(message: string, code: DataErrorCode, options: { cause?: unknown; argument?: string } = {}) {
    super(message, { ...options, code });
  }
}

/** A parsed IDX file: the dimension sizes and the values, row-major. */
export interface IdxArray {
  /** Size of each dimension, outermost first. */
  dims: number[];
  /** `product(dims)` unsigned bytes; a view into the (decompressed) input, not a copy. */
  data: Uint8Array;
}

/** A parsed IDX images file (magic `0x00000803`). */
export interface IdxImages {
  /** Number of images. */
  count: number;
  /** Rows per image. */
  height: number;
  /** Columns per image. */
  width: number;
  /** `count·height·width` pixels, 0–255, image after image, row-major; a view, not a copy. */
  data: Uint8Array;
}

/** A parsed IDX labels file (magic `0x00000801`). */
export interface IdxLabels {
  /** Number of labels. */
  count: number;
  /** One byte per label; a view, not a copy. */
  data: Uint8Array;
}

const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  8: 'unsigned byte',
  9: 'signed byte',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};
const FIX_HINT = 'Fetch a fresh copy of the file (or reinstall the package it came from).';

/** True when `bytes` starts with the gzip magic bytes `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an IDX file of unsigned bytes, gzipped or not.
 *
 * Checks the magic number (two zero bytes, type code 0x08, then the number of dimensions),
 * that every dimension is non-zero, and that the data length equals the product of the
 * dimensions exactly. `source` names the file in error messages.
 *
 * @throws {DataError} `E_IDX_MAGIC`, `E_IDX_DIMS`, `E_IDX_TRUNCATED`, `E_IDX_TOO_LONG`, `E_IDX_GZIP`.
 * @example
 * const { dims, data } = parseIdx(readFileSync('t10k-labels-idx1-ubyte.gz'), 't10k-labels-idx1-ubyte.gz');
 * // dims = [10000], data.length = 10000
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const raw = isGzip(bytes) ? gunzip(bytes, source) : bytes;
  if (raw.length < 4) {
    throw new DataError(
      `${source}: expected an IDX header of at least 4 bytes, found ${raw.length} byte(s). ` +
        `The file is empty or cut short. ${FIX_HINT}`,
      'E_IDX_TRUNCATED',
    );
  }
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new DataError(
      `${source}: expected an IDX file (magic number 0x000008nn), found first bytes ` +
        `${describeStart(raw)}. This is not an IDX file${looksLikeText(raw) ? ' (it looks like text, e.g. an HTML error page)' : ''}. ` +
        FIX_HINT,
      'E_IDX_MAGIC',
    );
  }
  const type = raw[2]!;
  const ndims = raw[3]!;
  if (type !== UBYTE) {
    throw new DataError(
      `${source}: expected IDX type code 0x08 (unsigned byte), found 0x${hex(type, 2)} ` +
        `(${TYPE_NAMES[type] ?? 'not a valid IDX type'}). Only uint8 IDX files are supported. ${FIX_HINT}`,
      'E_IDX_MAGIC',
    );
  }
  if (ndims === 0) {
    throw new DataError(`${source}: expected at least 1 dimension in the IDX header, found 0. ${FIX_HINT}`, 'E_IDX_DIMS');
  }
  const headerBytes = 4 + 4 * ndims;
  if (raw.length < headerBytes) {
    throw new DataError(
      `${source}: expected a ${headerBytes}-byte IDX header for ${ndims} dimension(s), ` +
        `found only ${raw.length} byte(s). The file is cut short. ${FIX_HINT}`,
      'E_IDX_TRUNCATED',
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (dims.some((d) => d === 0)) {
    throw new DataError(
      `${source}: expected every dimension to be non-zero, found dimensions [${dims.join(', ')}]. ${FIX_HINT}`,
      'E_IDX_DIMS',
    );
  }
  // Up to 2^96: not exact past 2^53, but then it cannot equal any real length either.
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = raw.length - headerBytes;
  if (found !== expected) {
    const short = found < expected;
    throw new DataError(
      `${source}: the header announces dimensions [${dims.join(' × ')}], so expected ` +
        `${fmt(expected)} data bytes after the ${headerBytes}-byte header, found ${fmt(found)} ` +
        `(${fmt(Math.abs(found - expected))} ${short ? 'missing; the file is truncated' : 'too many; the file has trailing data'}). ` +
        FIX_HINT,
      short ? 'E_IDX_TRUNCATED' : 'E_IDX_TOO_LONG',
    );
  }
  // A plain Uint8Array view, even over a Node Buffer: Buffer#slice would share memory, not copy.
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + headerBytes, found) };
}

/**
 * Parses an IDX images file (magic `0x00000803`: uint8, count × height × width).
 * Pass `expected` to also require a given image size.
 *
 * @throws {DataError} as {@link parseIdx}, plus `E_IDX_MAGIC` for another kind of IDX file and
 *   `E_IDX_DIMS` for an unexpected image size.
 * @example
 * const images = parseIdxImages(bytes, 'train-images-idx3-ubyte.gz', { height: 28, width: 28 });
 */
export function parseIdxImages(bytes: Uint8Array, source: string, expected?: { height: number; width: number }): IdxImages {
  const { dims, data } = parseIdx(bytes, source);
  requireRank(dims, 3, 'images', source);
  const [count, height, width] = dims as [number, number, number];
  if (expected && (height !== expected.height || width !== expected.width)) {
    throw new DataError(
      `${source}: expected ${expected.height}×${expected.width} images, found ${height}×${width} ` +
        `(${fmt(count)} images). This is not the data set that was asked for; use the right file.`,
      'E_IDX_DIMS',
    );
  }
  return { count, height, width, data };
}

/**
 * Parses an IDX labels file (magic `0x00000801`: uint8, 1-D).
 *
 * @throws {DataError} as {@link parseIdx}, plus `E_IDX_MAGIC` for another kind of IDX file.
 * @example
 * const labels = parseIdxLabels(bytes, 'train-labels-idx1-ubyte.gz'); // labels.count = 60000
 */
export function parseIdxLabels(bytes: Uint8Array, source: string): IdxLabels {
  const { dims, data } = parseIdx(bytes, source);
  requireRank(dims, 1, 'labels', source);
  return { count: dims[0]!, data };
}

function requireRank(dims: number[], rank: number, kind: string, source: string): void {
  if (dims.length === rank) return;
  const foundKind = dims.length === 1 ? ' (a labels file?)' : dims.length === 3 ? ' (an images file?)' : '';
  throw new DataError(
    `${source}: expected IDX ${kind}, magic 0x000008${hex(rank, 2)} (uint8, ${rank}-D), found magic ` +
      `0x000008${hex(dims.length, 2)} (uint8, ${dims.length}-D, dimensions [${dims.join(', ')}])${foundKind}. ` +
      `Check that the file is the one its name says.`,
    'E_IDX_MAGIC',
  );
}

/**
 * Decompresses a gzip file, turning zlib's errors into a {@link DataError} that names `source`.
 * The one gzip reader of the data layer: {@link parseIdx} and the Fashion-MNIST loader both use it.
 * Synchronous, like {@link parseIdx}.
 *
 * @param source names the file (or URL) in error messages.
 * @throws {DataError} `E_IDX_TRUNCATED` for a stream cut short, `E_IDX_GZIP` for a damaged one.
 * @example
 * const raw = gunzip(readFileSync('t10k-labels-idx1-ubyte.gz'), 't10k-labels-idx1-ubyte.gz');
 */
export function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    const truncated = (err as { code?: string }).code === 'Z_BUF_ERROR';
    throw new DataError(
      `${source}: expected a complete gzip stream, found ${truncated ? 'one cut short' : 'a damaged one'} ` +
        `(${(err as Error).message}). ${FIX_HINT}`,
      truncated ? 'E_IDX_TRUNCATED' : 'E_IDX_GZIP',
      { cause: err },
    );
  }
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function describeStart(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 8), (b) => hex(b, 2)).join(' ');
  return bytes.length > 8 ? `${head} …` : head;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64);
  return head.length > 0 && head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
}
