/**
 * Small file-system helpers shared by every layer that writes files.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Creates directory `dir` and any missing parents, like `mkdir -p`, one level at a time.
 *
 * Node's `fs.mkdir(dir, { recursive: true })` never returns on a path such as `/proc/x`: the kernel
 * answers ENOENT for `/proc/x`, Node creates the parent, `/proc` exists (EEXIST), and it tries
 * `/proc/x` again, forever, at 100% CPU. Here a level whose parent exists but which still cannot
 * be created fails with that error instead.
 */
export async function ensureDirectory(dir: string): Promise<void> {
  const absolute = path.resolve(dir);
  const missing: string[] = [];
  let at = absolute;
  for (;;) {
    const stat = await fs.stat(at).catch((err: NodeJS.ErrnoException) => {
      // ENOTDIR: a level above is a file; walking up finds it and names it.
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (stat !== null) {
      if (!stat.isDirectory()) throw errnoError('ENOTDIR', `'${at}' is a file, not a directory`, at);
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing.reverse()) {
    await fs.mkdir(level).catch(async (err: NodeJS.ErrnoException) => {
      // Another process may have made it meanwhile; anything else is final.
      if (err.code === 'EEXIST' && (await fs.stat(level).catch(() => null))?.isDirectory()) return;
      throw err;
    });
  }
}

function errnoError(code: string, message: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code, path: file });
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EEXIST: 'it already exists',
  ENOENT: 'no such file or directory (this file system does not let aekit create it)',
  ENOTEMPTY: 'the directory is not empty',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EXDEV: 'it is on another file system',
};

/** A file-system error in words, with its code: `no space left on the device (ENOSPC)`; other errors' first line. */
export function fsErrorReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code !== undefined && REASONS[code] !== undefined) return `${REASONS[code]} (${code})`;
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}

/** The path an error of `fs` names (`err.path`), if any. */
export function fsErrorPath(err: unknown): string | undefined {
  const p = (err as NodeJS.ErrnoException)?.path;
  return typeof p === 'string' ? p : undefined;
}

/** Writes `data` to `file` through a temporary file and a rename, so readers never see half a file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await ensureDirectory(path.dirname(file));
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}
