import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureDirectory, fsErrorPath, fsErrorReason, writeFileAtomic } from './fs.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aekit-fs-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('ensureDirectory creates missing levels and accepts existing ones', async () => {
  const deep = path.join(dir, 'a', 'b', 'c');
  await ensureDirectory(deep);
  assert.ok((await stat(deep)).isDirectory());
  await ensureDirectory(deep);
  await writeFileAtomic(path.join(dir, 'x', 'y', 'f.txt'), 'hello');
  assert.equal(await readFile(path.join(dir, 'x', 'y', 'f.txt'), 'utf8'), 'hello');
});

test('ensureDirectory fails with ENOTDIR when a level is a file', async () => {
  await writeFile(path.join(dir, 'file'), 'x');
  await assert.rejects(ensureDirectory(path.join(dir, 'file', 'sub')), (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, 'ENOTDIR');
    assert.equal(fsErrorPath(err), path.join(dir, 'file'));
    return true;
  });
});

test(
  "ensureDirectory returns at once under /proc, where Node's mkdir -p never returns",
  { skip: process.platform !== 'linux' },
  async () => {
    const started = Date.now();
    await assert.rejects(ensureDirectory('/proc/aekit-no-such/dir'), (err: NodeJS.ErrnoException) => {
      assert.equal(err.code, 'ENOENT');
      return true;
    });
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  },
);

test('fsErrorReason says what a file-system error means, with its code', () => {
  const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: raw, write`), { code });
  assert.equal(fsErrorReason(err('ENOSPC')), 'no space left on the device (ENOSPC)');
  assert.equal(fsErrorReason(err('EROFS')), 'read-only file system (EROFS)');
  assert.equal(fsErrorReason(err('EWEIRD')), 'EWEIRD: raw, write');
  assert.equal(fsErrorReason(new Error('plain\nsecond line')), 'plain');
});
