/**
 * Where the benchmarks find CIFAR-10's JPEG folders: `given` (a --cifar DIR), else
 * $TMPDIR/aekit-cifar10, extracted once from ../shared/data/cifar10-jpeg.tar.gz; null when neither
 * exists (the caller skips its part with a message naming what is missing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The CIFAR-10 folder (with `train/`), or null. `root` is the repository root. */
export async function cifarDir(given, root) {
  if (given !== undefined) return existsSync(path.join(given, 'train')) ? given : null;
  const target = path.join(os.tmpdir(), 'aekit-cifar10');
  if (existsSync(path.join(target, 'train'))) return target;
  const archive = path.join(root, '..', 'shared', 'data', 'cifar10-jpeg.tar.gz');
  if (!existsSync(archive)) return null;
  await mkdir(target, { recursive: true });
  console.log(`extracting ${archive} into ${target}`);
  execFileSync('tar', ['xzf', archive, '-C', target]);
  return target;
}
