/**
 * `aekit export`: a {@link Site} written to a directory for any static web server, atomically —
 * into a staging directory beside the target, then renamed into place (as run directories are).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ensureDirectory, fsErrorReason } from '../core/fs.js';
import { cleanStaleStaging } from '../runs/run-dir.js';
import { type Site, SiteError } from './site.js';

/** Options of {@link exportSite}. */
export interface ExportOptions {
  /** Replace what `out` holds. A run directory, or a directory holding the run exported, is never replaced. */
  overwrite?: boolean;
  /** The run directory the site was built from (`out` may not be it or hold it). */
  runDir?: string;
}

/** A refusal of `out` (argument `out`). */
const refused = (message: string): SiteError => new SiteError(message, 'E_SITE_OUT', { argument: 'out' });

const inside = (p: string, root: string): boolean => p === root || p.startsWith(`${root}${path.sep}`);

/**
 * Checks, without writing anything, that `out` can take a site: absent, an empty directory, or
 * (with `overwrite`) a directory of other files — never a run, nor the run exported.
 *
 * @throws SiteError `E_SITE_OUT` (argument `out`) naming what `out` holds.
 */
export async function checkExportTarget(out: string, options: ExportOptions): Promise<'fresh' | 'replace'> {
  const absolute = path.resolve(out);
  if (path.dirname(absolute) === absolute) throw refused(`{out} '${out}': expected a directory below '/', not the root`);
  if (options.runDir !== undefined && inside(path.resolve(options.runDir), absolute))
    throw refused(`{out} '${out}' holds the run '${options.runDir}' itself: expected a directory outside the run`);
  const stat = await fs.stat(absolute).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw refused(`{out} '${out}': cannot be read (${fsErrorReason(err)}): expected a new or empty directory`);
  });
  if (stat === null) return 'fresh';
  if (!stat.isDirectory()) throw refused(`{out} '${out}' is a file: expected a new or empty directory`);
  const entries = (await fs.readdir(absolute)).sort();
  if (entries.length === 0) return 'fresh';
  if (entries.includes('metrics.json'))
    throw refused(`{out} '${out}' holds a run (metrics.json): a site never replaces a run; choose another {out}`);
  if (options.overwrite === true) return 'replace';
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
  throw refused(`{out} '${out}' is not empty (it holds ${shown}): expected a new or empty directory; set {overwrite} to replace it`);
}

/**
 * Writes every file of `site` into directory `out`. Files are written to `.NAME.staging-PID`
 * beside it, which then replaces `out` (the old content, with `overwrite`, is moved aside to
 * `.NAME.old-PID` and deleted once the new site is in place): `out` holds the old site or the new
 * one, never half of one.
 *
 * @throws SiteError `E_SITE_OUT` (argument `out`) when `out` is a file, holds files (without
 *   `overwrite`), holds a run, or is the run itself; `E_SITE_WRITE` when writing fails.
 * @example
 * await exportSite(await buildSite('runs/conv-1'), 'site', { overwrite: true });
 */
export async function exportSite(site: Site, out: string, options: ExportOptions = {}): Promise<void> {
  const mode = await checkExportTarget(out, options);
  const absolute = path.resolve(out);
  const parent = path.dirname(absolute);
  const name = path.basename(absolute);
  const staging = path.join(parent, `.${name}.staging-${process.pid}`);
  const old = path.join(parent, `.${name}.old-${process.pid}`);
  const failed = (err: unknown, what: string): SiteError =>
    new SiteError(`{out} '${out}': cannot ${what} (${fsErrorReason(err)}); nothing was exported`, 'E_SITE_WRITE', {
      argument: 'out',
      cause: err,
    });
  try {
    await ensureDirectory(parent);
    await cleanStaleStaging(parent);
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(staging);
  } catch (err) {
    throw failed(err, `prepare '${staging}'`);
  }
  try {
    for (const [file, { body }] of site.files) {
      const target = path.join(staging, ...file.split('/'));
      await ensureDirectory(path.dirname(target));
      await fs.writeFile(target, body);
    }
    if (mode === 'replace') await fs.rename(absolute, old);
    // An empty target directory is replaced by the staging directory.
    else await fs.rmdir(absolute).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    try {
      await fs.rename(staging, absolute);
    } catch (err) {
      if (mode === 'replace') await fs.rename(old, absolute).catch(() => {});
      throw err;
    }
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
    throw failed(err, 'write the site');
  }
  if (mode === 'replace') await fs.rm(old, { recursive: true, force: true });
}
