/**
 * Rows of bytes in a file on disk: a cache of decoded images too large for memory, written once
 * ({@link RowFileWriter}) and read back a batch at a time with positioned reads ({@link FileRows}).
 * A temporary row file is removed when it is closed, and at the latest when the process exits.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ByteRows } from './samples.js';

/** Temporary row files still on disk, removed on process exit unless closed before. */
const temporaryFiles = new Set<string>();
let exitHookInstalled = false;

function removeOnExit(file: string): void {
  temporaryFiles.add(file);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const f of temporaryFiles) fs.rmSync(f, { force: true });
    temporaryFiles.clear();
  });
}

function removeNow(file: string): void {
  temporaryFiles.delete(file);
  fs.rmSync(file, { force: true });
}

/** Reads `length` bytes at `position` of `fd` into `out` at `offset`, looping over short reads. */
function readFully(fd: number, out: Uint8Array, offset: number, length: number, position: number, file: string): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, out, offset + done, length - done, position + done);
    if (n === 0) throw new RangeError(`${file}: expected ${length} bytes at byte ${position}, the file ends after ${done}`);
    done += n;
  }
}

/**
 * {@link ByteRows} in a file: `count` rows of `rowBytes` bytes, back to back from byte 0, read
 * with positioned reads (`fs.readSync`); runs of consecutive rows are read with one call.
 *
 * @example
 * const rows = FileRows.open('cache.u8', 32 * 32 * 3);
 * const batch = new Uint8Array(2 * rows.rowBytes);
 * rows.readRows([7, 8], batch); // one read of rows 7 and 8
 * rows.close();
 */
export class FileRows implements ByteRows {
  private fd: number | null;
  private readonly temporary: boolean;

  /**
   * Rows of the open file descriptor `fd` (taken over: {@link close} closes it). Use
   * {@link FileRows.open} or {@link RowFileWriter.finish} rather than this.
   */
  constructor(
    /** The file's path. */
    readonly file: string,
    fd: number,
    /** Number of rows. */
    readonly count: number,
    /** Bytes per row. */
    readonly rowBytes: number,
    options: { temporary?: boolean } = {},
  ) {
    if (!Number.isInteger(rowBytes) || rowBytes < 1) throw new RangeError(`FileRows: rowBytes must be a positive integer, got ${rowBytes}`);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`FileRows: count must be a non-negative integer, got ${count}`);
    this.fd = fd;
    this.temporary = options.temporary ?? false;
    if (this.temporary) removeOnExit(file);
  }

  /**
   * Opens an existing row file for reading; its size must be whole rows of `rowBytes`.
   * `temporary`: remove the file when closed (or when the process exits). Default false.
   */
  static open(file: string, rowBytes: number, options: { temporary?: boolean } = {}): FileRows {
    const fd = fs.openSync(file, 'r');
    const { size } = fs.fstatSync(fd);
    if (rowBytes < 1 || size % rowBytes !== 0) {
      fs.closeSync(fd);
      throw new RangeError(`${file}: ${size} bytes are not whole rows of ${rowBytes} bytes`);
    }
    return new FileRows(file, fd, size / rowBytes, rowBytes, options);
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.fd === null;
  }

  readRows(rows: ArrayLike<number>, out: Uint8Array): void {
    const fd = this.fd;
    if (fd === null) throw new Error(`${this.file}: the row file was closed; its rows can no longer be read`);
    const per = this.rowBytes;
    if (out.length < rows.length * per)
      throw new RangeError(`FileRows: out holds ${out.length} bytes, ${rows.length} rows need ${rows.length * per}`);
    let i = 0;
    while (i < rows.length) {
      const first = rows[i];
      if (!Number.isInteger(first) || first < 0 || first >= this.count)
        throw new RangeError(`FileRows: row ${first} is outside 0–${this.count - 1}`);
      let run = 1;
      while (i + run < rows.length && rows[i + run] === first + run && first + run < this.count) run++;
      readFully(fd, out, i * per, run * per, first * per, this.file);
      i += run;
    }
  }

  /** Closes the file (a temporary file is removed as well); idempotent. */
  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
    if (this.temporary) removeNow(this.file);
  }
}

/** Where {@link RowFileWriter.create} puts its file. */
export interface RowFileOptions {
  /** The file to write (replaced if it exists). Default: a new temporary file in `dir`. */
  file?: string;
  /** Folder of the temporary file. Default `os.tmpdir()`. */
  dir?: string;
}

/**
 * Writes a row file: row `i` at its position ({@link writeRow}, in any order, as parallel decodes
 * finish) or rows one after another ({@link append}); {@link finish} turns it into {@link FileRows}
 * on the same descriptor. A temporary file (no `file` given) is removed when the rows are closed,
 * when {@link abort} is called, or when the process exits.
 *
 * @example
 * const writer = RowFileWriter.create(3072, 2, { dir: '/tmp' });
 * writer.writeRow(1, second);
 * writer.writeRow(0, first);
 * const rows = writer.finish(); // FileRows with 2 rows of 3072 bytes
 */
export class RowFileWriter {
  private fd: number | null;
  private appended = 0;
  private highest = 0;

  private constructor(
    /** The file's path. */
    readonly file: string,
    fd: number,
    /** Bytes per row. */
    readonly rowBytes: number,
    /** Rows the file will hold, when known in advance (then {@link finish} checks every one was written up to it). */
    readonly count: number | undefined,
    private readonly temporary: boolean,
  ) {
    this.fd = fd;
  }

  /** A writer of rows of `rowBytes` bytes; `count` (optional) is the number of rows the file will hold. */
  static create(rowBytes: number, count?: number, options: RowFileOptions = {}): RowFileWriter {
    if (!Number.isInteger(rowBytes) || rowBytes < 1)
      throw new RangeError(`RowFileWriter: rowBytes must be a positive integer, got ${rowBytes}`);
    const temporary = options.file === undefined;
    const file = options.file ?? path.join(options.dir ?? tmpdir(), `aekit-rows-${process.pid}-${randomUUID()}.u8`);
    const fd = fs.openSync(file, temporary ? 'wx+' : 'w+');
    if (temporary) removeOnExit(file);
    return new RowFileWriter(file, fd, rowBytes, count, temporary);
  }

  private open(): number {
    if (this.fd === null) throw new Error(`${this.file}: the row file writer was already finished or aborted`);
    return this.fd;
  }

  /** Writes `bytes` (exactly `rowBytes`) as row `row`. */
  writeRow(row: number, bytes: Uint8Array): void {
    const fd = this.open();
    if (bytes.length !== this.rowBytes) throw new RangeError(`RowFileWriter: a row is ${this.rowBytes} bytes, got ${bytes.length}`);
    if (!Number.isInteger(row) || row < 0 || (this.count !== undefined && row >= this.count))
      throw new RangeError(`RowFileWriter: row ${row} is outside 0–${(this.count ?? Infinity) - 1}`);
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, row * this.rowBytes + done);
    this.highest = Math.max(this.highest, row + 1);
  }

  /** Writes `bytes` (whole rows) after the rows appended so far. */
  append(bytes: Uint8Array): void {
    if (bytes.length % this.rowBytes !== 0)
      throw new RangeError(`RowFileWriter: ${bytes.length} bytes are not whole rows of ${this.rowBytes}`);
    const fd = this.open();
    const rows = bytes.length / this.rowBytes;
    if (this.count !== undefined && this.appended + rows > this.count)
      throw new RangeError(`RowFileWriter: ${this.appended + rows} rows appended, the file holds ${this.count}`);
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, this.appended * this.rowBytes + done);
    this.appended += rows;
    this.highest = Math.max(this.highest, this.appended);
  }

  /** Ends writing: the rows written, readable as {@link FileRows} (`count` rows, or as many as were written). */
  finish(): FileRows {
    const fd = this.open();
    const count = this.count ?? this.highest;
    // Rows never written (a file of known `count` whose last rows were skipped) read as zeros.
    fs.ftruncateSync(fd, count * this.rowBytes);
    this.fd = null;
    return new FileRows(this.file, fd, count, this.rowBytes, { temporary: this.temporary });
  }

  /** Gives up: closes the file and removes it if temporary; idempotent. */
  abort(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    if (this.temporary) removeNow(this.file);
  }
}
