import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { FileRows, RowFileWriter } from './row-file.js';
import { floatRows, MemoryRows, pickSamples } from './samples.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-rows-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Row `i` of `per` bytes: byte `j` is `(7 i + j) mod 256`, so every row differs. */
const row = (i: number, per: number): Uint8Array => Uint8Array.from({ length: per }, (_, j) => (7 * i + j) % 256);

test('rows written out of order at their positions read back as written, consecutive or not', () => {
  const per = 5;
  const writer = RowFileWriter.create(per, 6, { dir });
  for (const i of [3, 0, 5, 1, 4, 2]) writer.writeRow(i, row(i, per));
  const rows = writer.finish();
  assert.equal(rows.count, 6);
  assert.equal(rows.rowBytes, per);
  const wanted = [4, 5, 0, 2, 3, 1, 1];
  const out = new Uint8Array(wanted.length * per);
  rows.readRows(wanted, out);
  wanted.forEach((r, k) => assert.deepEqual(out.subarray(k * per, (k + 1) * per), row(r, per), `row ${r} at ${k}`));
  // The same bytes as MemoryRows of the same data.
  const memory = new MemoryRows(readFileSync(rows.file), per);
  const fromMemory = new Uint8Array(out.length);
  memory.readRows(wanted, fromMemory);
  assert.deepEqual(out, fromMemory);
  rows.close();
});

test('appended rows form the file in order; FileRows.open reads an existing file', () => {
  const per = 3;
  const file = path.join(dir, 'kept.u8');
  const writer = RowFileWriter.create(per, undefined, { file });
  writer.append(row(0, per));
  writer.append(Uint8Array.from([...row(1, per), ...row(2, per)]));
  writer.finish().close();
  assert.ok(existsSync(file), 'a named (not temporary) file stays after close');
  assert.equal(readFileSync(file).length, 9);
  const rows = FileRows.open(file, per);
  assert.equal(rows.count, 3);
  const out = new Uint8Array(3 * per);
  rows.readRows([0, 1, 2], out);
  assert.deepEqual(out, Uint8Array.from([...row(0, per), ...row(1, per), ...row(2, per)]));
  rows.close();
  assert.throws(() => FileRows.open(file, 4), /9 bytes are not whole rows of 4 bytes/);
});

test('a temporary file is removed on close and on abort; reads after close fail clearly', () => {
  const writer = RowFileWriter.create(2, 2, { dir });
  writer.writeRow(0, row(0, 2));
  writer.writeRow(1, row(1, 2));
  const rows = writer.finish();
  assert.ok(existsSync(rows.file));
  assert.ok(path.basename(rows.file).startsWith('aekit-rows-'));
  rows.close();
  rows.close();
  assert.equal(existsSync(rows.file), false);
  assert.ok(rows.closed);
  assert.throws(() => rows.readRows([0], new Uint8Array(2)), /was closed/);

  const aborted = RowFileWriter.create(2, 2, { dir });
  aborted.writeRow(0, row(0, 2));
  aborted.abort();
  assert.equal(existsSync(aborted.file), false);
  assert.throws(() => aborted.writeRow(1, row(1, 2)), /already finished or aborted/);
});

test('bad rows and sizes are refused', () => {
  const writer = RowFileWriter.create(4, 2, { dir });
  assert.throws(() => writer.writeRow(2, row(2, 4)), /row 2 is outside 0–1/);
  assert.throws(() => writer.writeRow(0, row(0, 3)), /a row is 4 bytes, got 3/);
  writer.writeRow(0, row(0, 4));
  const rows = writer.finish();
  const out = new Uint8Array(8);
  rows.readRows([1], out);
  assert.deepEqual(out.subarray(0, 4), new Uint8Array(4), 'a row never written reads as zeros');
  assert.throws(() => rows.readRows([2], out), /row 2 is outside 0–1/);
  assert.throws(() => rows.readRows([0, 1, 0], out), /out holds 8 bytes, 3 rows need 12/);
  rows.close();
});

test('FileRows behind ByteSamples: a picked subset converts to the same floats as memory', () => {
  const per = 4;
  const writer = RowFileWriter.create(per, 10, { dir });
  for (let i = 0; i < 10; i++) writer.writeRow(i, row(i, per));
  const rows = writer.finish();
  const memory = new MemoryRows(readFileSync(rows.file), per);
  const onDisk = pickSamples({ bytes: rows, shape: [2, 2], count: 10 }, [9, 2, 3, 4, 0]);
  const inMemory = pickSamples({ bytes: memory, shape: [2, 2], count: 10 }, [9, 2, 3, 4, 0]);
  const order = [4, 0, 1, 2, 3];
  assert.deepEqual(floatRows(onDisk, order, 0, 5), floatRows(inMemory, order, 0, 5));
  assert.equal(floatRows(onDisk, null, 0, 1)[1], Math.fround(row(9, per)[1]! / 255));
  rows.close();
});
