import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fixtureLabels, fixturePixels, idxBytes } from '../testing/idx-fixtures.js';
import type { DataErrorCode } from './idx.js';
import { DataError, gunzip, isGzip, parseIdx, parseIdxImages, parseIdxLabels } from './idx.js';

const SRC = 'fixture-images-idx3-ubyte';

/** Asserts that `fn` throws a DataError with `code` whose message contains every string in `parts`. */
function assertDataError(fn: () => unknown, code: DataErrorCode, parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const part of parts) assert.ok(err.message.includes(part), `message lacks ${JSON.stringify(part)}: ${err.message}`);
    return true;
  });
}

test('parseIdx reads an uncompressed images file', () => {
  const pixels = fixturePixels(30);
  const { dims, data } = parseIdx(idxBytes([30, 28, 28], pixels), SRC);
  assert.deepEqual(dims, [30, 28, 28]);
  assert.deepEqual(data, pixels);
});

test('parseIdx reads a gzipped file to the same result', () => {
  const bytes = idxBytes([30, 28, 28], fixturePixels(30));
  const gz = gzipSync(bytes);
  assert.equal(isGzip(gz), true);
  assert.equal(isGzip(bytes), false);
  assert.deepEqual(parseIdx(gz, SRC), parseIdx(bytes, SRC));
});

test('parseIdxImages and parseIdxLabels return counts and sizes', () => {
  const images = parseIdxImages(idxBytes([30, 28, 28], fixturePixels(30)), SRC, { height: 28, width: 28 });
  assert.equal(images.count, 30);
  assert.equal(images.height, 28);
  assert.equal(images.width, 28);
  assert.equal(images.data.length, 30 * 28 * 28);
  const labels = parseIdxLabels(gzipSync(idxBytes([30], fixtureLabels(30))), 'fixture-labels');
  assert.equal(labels.count, 30);
  assert.deepEqual(labels.data, fixtureLabels(30));
});

test('truncated data is E_IDX_TRUNCATED and says how many bytes', () => {
  const bytes = idxBytes([30, 28, 28], fixturePixels(30));
  assertDataError(() => parseIdx(bytes.subarray(0, bytes.length - 1), SRC), 'E_IDX_TRUNCATED', [
    SRC,
    '23,520 data bytes',
    'found 23,519',
    'truncated',
  ]);
  assertDataError(() => parseIdx(bytes.subarray(0, 10), SRC), 'E_IDX_TRUNCATED', [SRC, '16-byte IDX header']);
  assertDataError(() => parseIdx(new Uint8Array(0), SRC), 'E_IDX_TRUNCATED', [SRC]);
});

test('a gzip stream cut short is E_IDX_TRUNCATED; a damaged one E_IDX_GZIP', () => {
  const gz = gzipSync(idxBytes([30, 28, 28], fixturePixels(30)));
  assertDataError(() => parseIdx(gz.subarray(0, gz.length - 20), SRC), 'E_IDX_TRUNCATED', [SRC, 'gzip']);
  const damaged = Buffer.from(gz);
  damaged[damaged.length - 6]! ^= 0xff; // CRC
  assertDataError(() => parseIdx(damaged, SRC), 'E_IDX_GZIP', [SRC, 'gzip']);
});

test('gunzip returns the content, and names the source when the stream is cut short or damaged', () => {
  const bytes = idxBytes([30], fixtureLabels(30));
  const gz = gzipSync(bytes);
  assert.deepEqual(new Uint8Array(gunzip(gz, SRC)), bytes);
  assertDataError(() => gunzip(gz.subarray(0, gz.length - 5), 'cut.gz'), 'E_IDX_TRUNCATED', [
    'cut.gz: expected a complete gzip stream, found one cut short',
    'Fetch a fresh copy',
  ]);
  const damaged = Buffer.from(gz);
  damaged[damaged.length - 6]! ^= 0xff; // CRC
  assertDataError(() => gunzip(damaged, 'http://127.0.0.1/x.gz'), 'E_IDX_GZIP', [
    'http://127.0.0.1/x.gz: expected a complete gzip stream, found a damaged one',
  ]);
});

test('an over-long file is E_IDX_TOO_LONG', () => {
  const bytes = idxBytes([30], [...fixtureLabels(30), 0, 0]);
  assertDataError(() => parseIdx(bytes, 'labels'), 'E_IDX_TOO_LONG', ['labels', 'expected 30 data bytes', 'found 32', 'trailing']);
});

test('a wrong magic number is E_IDX_MAGIC', () => {
  const html = new TextEncoder().encode('<!DOCTYPE html><title>404 Not Found</title>');
  assertDataError(() => parseIdx(html, SRC), 'E_IDX_MAGIC', [SRC, 'expected an IDX file', '3c 21 44', 'HTML']);
  const floats = idxBytes([4], [0, 0, 0, 0]);
  floats[2] = 0x0d;
  assertDataError(() => parseIdx(floats, SRC), 'E_IDX_MAGIC', ['type code 0x08', 'found 0x0d', 'float32']);
  // A labels file where images are expected, and the reverse.
  assertDataError(() => parseIdxImages(idxBytes([30], fixtureLabels(30)), SRC), 'E_IDX_MAGIC', [
    'expected IDX images, magic 0x00000803',
    'found magic 0x00000801',
  ]);
  assertDataError(() => parseIdxLabels(idxBytes([2, 28, 28], fixturePixels(2)), 'lbl'), 'E_IDX_MAGIC', [
    'expected IDX labels',
    'found magic 0x00000803',
  ]);
});

test('wrong dimensions are E_IDX_DIMS', () => {
  assertDataError(() => parseIdxImages(idxBytes([2, 27, 28], new Uint8Array(2 * 27 * 28)), SRC, { height: 28, width: 28 }), 'E_IDX_DIMS', [
    SRC,
    'expected 28×28 images, found 27×28',
  ]);
  assertDataError(() => parseIdx(idxBytes([3, 0, 28], []), SRC), 'E_IDX_DIMS', ['non-zero', '[3, 0, 28]']);
  assertDataError(() => parseIdx(idxBytes([], []), SRC), 'E_IDX_DIMS', ['at least 1 dimension']);
});

test('DataError is an Error with a name and a code', () => {
  const err = new DataError('nothing here', 'E_NOT_FOUND');
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'DataError');
  assert.equal(err.code, 'E_NOT_FOUND');
});
