/**
 * A run directory: `metrics.json`, the saved models (`model/`, `encoder/`, `decoder/`) and
 * pictures. The run layer writes run directories only through this class.
 *
 * Publication. A run is written into a staging directory next to its target,
 * `PARENT/.NAME.staging-PID`, and becomes `PARENT/NAME` by renames only when it is complete:
 *
 * - the target may be absent or an empty directory (a *fresh* run), or hold a run, which is
 *   replaced only when `overwrite` is set; a non-empty directory that is not a run is refused.
 *   {@link checkRunTarget} decides this before anything is written;
 * - while a fresh run trains, the target holds only `metrics.json`, a copy of the staging one
 *   rewritten atomically after every change (with `finished: null`), so progress can be read where
 *   the run will be; while a run replaces another, the old run stays as it is and the live
 *   `metrics.json` is the staging directory's;
 * - {@link RunDirectory.publish} renames the target away to `PARENT/.NAME.old-PID`, renames the
 *   staging directory to the target, and deletes the old one. A reader of `NAME` therefore sees the
 *   old run (or the live `metrics.json`) or the complete new run — models, metrics and pictures
 *   of one run, never a mix — and, for the instant between the two renames, nothing;
 * - a run that fails (a diverged loss, a full disk) deletes its staging directory; a fresh run's
 *   target keeps `metrics.json` with `failed` (`code`, `message`, `at`) and no models, and a
 *   replaced run stays as it was;
 * - a process killed mid-run leaves `.NAME.staging-PID` (and perhaps `.NAME.old-PID`) behind. The
 *   next run into the same parent deletes the staging directories of processes no longer alive,
 *   and renames an `.old` back to `NAME` when `NAME` is missing (the kill fell between the two
 *   renames), else deletes it.
 *
 * Checkpoints. A run that can be resumed writes a checkpoint after every epoch and when it is
 * interrupted. A checkpoint must survive a kill -9, and the staging directory of a dead process is
 * deleted by the next run into the same parent, so checkpoints are kept *outside* the staging
 * directory, where `resumeRun` looks for them:
 *
 * - a fresh run's in the target's live area, `NAME/checkpoint/` (beside the live `metrics.json`);
 *   publication renames that target away with everything in it, so a finished run holds none;
 * - a run replacing another in `PARENT/.NAME.checkpoint/` (the old run stays untouched), deleted
 *   once the new run is published; stale-staging cleaning leaves it alone.
 *
 * In that area each checkpoint is a directory (`PID-SEQ/`: `model/` saved by `saveModel`,
 * `optimizer.bin`, `callbacks.bin` with the weights callbacks keep (early stopping's best),
 * `files/` with what the staging directory held besides `metrics.json` (`best/`, pictures drawn
 * between greedy phases), `state.json` with the position, the RNG state, the optimizer's manifest,
 * the callbacks' state, the metrics so far and what the run's hooks add (the greedy phase)),
 * written first as `.tmp-PID-SEQ/` and renamed when complete; `latest.json`,
 * replaced atomically after the rename, names the current one, and older ones are deleted after
 * that. A kill at any moment therefore leaves `latest.json` naming a complete checkpoint. A resumed
 * run adopts the target (see {@link RunDirectory.create}'s `resume`) with a new staging directory
 * of its own, into which {@link RunDirectory.adopt} copies the checkpoint's `files/`; a run that
 * fails deletes its checkpoints, an interrupted one keeps them. When both areas hold a checkpoint
 * (an unfinished run, then a run started with `overwrite` over it), the replacing run's is the
 * one resumed; a new run that replaces another deletes what an earlier, killed replacement left.
 *
 * Every file-system failure becomes one {@link RunDirectoryError} naming the path and the argument
 * `out`.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AekitError, type AekitErrorOptions } from '../core/errors.js';
import { ensureDirectory, fsErrorPath, fsErrorReason, writeFileAtomic } from '../core/fs.js';
import * as tf from '../core/tf.js';
import type { DataSpec, ImageLayout } from '../data/dataset.js';
import type { Autoencoder } from '../models/conv.js';
import type { CallbackSnapshot } from '../training/callbacks.js';
import type { EpochRecord, FitCheckpoint, FitPosition } from '../training/fit.js';
import { loadModel, ModelIOError, saveModel } from '../training/io.js';
import type { OptimizerState } from '../training/optimizer-state.js';

/** The `metrics.json` of a run. Recipes may add sections (e.g. `stages`). */
export interface RunMetrics {
  model: string;
  backend: string;
  engine: string;
  params: { encoder: number; decoder: number };
  options: Record<string, unknown>;
  data: {
    source: string;
    train: number;
    valid: number;
    test: number;
    /** How to load the data again, with its fitted preparation (absent in runs of aekit before 0.3: Fashion-MNIST). */
    spec?: DataSpec;
    /** Shape of one sample. */
    shape?: number[];
    /** Set for image data. */
    image?: ImageLayout;
    classes?: readonly string[];
    features?: readonly string[];
    unitRange?: boolean;
  };
  started: string;
  finished: string | null;
  epochs: EpochRecord[];
  /** Set when the run failed: its error's code and message, and when. */
  failed?: { code: string; message: string; at: string };
  [section: string]: unknown;
}

/** The models a run saves, by sub-directory name. */
export const MODEL_PARTS = ['model', 'encoder', 'decoder'] as const;

/**
 * A run directory cannot be used or written. `code`: `E_RUN_EXISTS` (the target holds a run and
 * `overwrite` is not set), `E_RUN_DIR` (the target is not a place for a run), `E_RUN_WRITE` (a
 * file-system operation failed while the run was written). The argument is always `out`.
 */
export class RunDirectoryError extends AekitError {
  constructor(message: string, code: 'E_RUN_EXISTS' | 'E_RUN_DIR' | 'E_RUN_WRITE', options: Pick<AekitErrorOptions, 'cause'> = {}) {
    super(message, { ...options, code, argument: 'out' });
  }
}

/** Where a run will be written, as {@link checkRunTarget} found it. */
export interface RunTarget {
  /** The target as given. */
  dir: string;
  /** Absolute path of the target. */
  absolute: string;
  /** `fresh`: absent or an empty directory; `replace`: holds a run that `overwrite` lets go. */
  mode: 'fresh' | 'replace';
}

/** Kernel file systems: nothing there can hold a run (and mkdir under /proc never returned). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];
/** Allowed inside a pseudo root: /dev/shm is an ordinary tmpfs. */
const PSEUDO_EXCEPTIONS = ['/dev/shm'];

const under = (p: string, root: string): boolean => p === root || p.startsWith(`${root}/`);

function pseudoRoot(p: string): string | undefined {
  if (PSEUDO_EXCEPTIONS.some((e) => under(p, e))) return undefined;
  return PSEUDO_ROOTS.find((r) => under(p, r));
}

/** `p` with its deepest existing ancestor's symbolic links resolved (the rest kept as written). */
async function realAncestorPath(p: string): Promise<string> {
  let at = p;
  const rest: string[] = [];
  for (;;) {
    const real = await fs.realpath(at).catch(() => null);
    if (real !== null) return path.join(real, ...rest.reverse());
    const parent = path.dirname(at);
    if (parent === at) return p;
    rest.push(path.basename(at));
    at = parent;
  }
}

/** What `metrics.json` of a run directory says about the run, in words. */
async function runState(absolute: string): Promise<string> {
  try {
    const m = JSON.parse(await fs.readFile(path.join(absolute, 'metrics.json'), 'utf8')) as Partial<RunMetrics>;
    const model = typeof m.model === 'string' ? `${m.model} ` : '';
    if (m.failed !== undefined) return `a failed ${model}run`;
    if (typeof m.finished === 'string') return `a ${model}run finished ${m.finished}`;
    return `an unfinished ${model}run`;
  } catch {
    return 'a run';
  }
}

function writeFailure(dir: string, file: string, err: unknown, what = 'cannot write'): RunDirectoryError {
  const cause = err instanceof ModelIOError && err.cause !== undefined ? err.cause : err;
  return new RunDirectoryError(`{out} '${dir}': ${what} '${fsErrorPath(cause) ?? file}': ${fsErrorReason(cause)}`, 'E_RUN_WRITE', {
    cause: err,
  });
}

/**
 * Checks, without writing anything, that `dir` can receive a run: it is absent or an empty
 * directory, or it holds a run (`metrics.json` or `model/`) and `overwrite` is set. Anything else
 * — a file, a non-empty directory that is not a run, a place under /proc, /sys or /dev, a parent
 * that is a file — is refused with a {@link RunDirectoryError}.
 */
export async function checkRunTarget(dir: string, options: { overwrite?: boolean } = {}): Promise<RunTarget> {
  const absolute = path.resolve(dir);
  if (path.dirname(absolute) === absolute)
    throw new RunDirectoryError(`{out} '${dir}': expected a directory below '/', not the root`, 'E_RUN_DIR');
  const real = await realAncestorPath(absolute);
  const pseudo = pseudoRoot(absolute) ?? pseudoRoot(real);
  if (pseudo !== undefined) {
    throw new RunDirectoryError(
      `{out} '${dir}' is under ${pseudo}, a kernel file system that cannot hold files: expected a directory on a disk (or /dev/shm)`,
      'E_RUN_DIR',
    );
  }
  let stat: import('node:fs').Stats | null;
  try {
    stat = await fs.stat(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') {
      throw new RunDirectoryError(
        `{out} '${dir}': a part of the path is a file, not a directory: expected a path of directories`,
        'E_RUN_DIR',
      );
    }
    if (code !== 'ENOENT') throw writeFailure(dir, absolute, err, 'cannot read');
    stat = null;
  }
  if (stat === null) return { dir, absolute, mode: 'fresh' };
  if (!stat.isDirectory()) {
    throw new RunDirectoryError(
      `{out} '${dir}' is a file, not a directory: expected a new or empty directory, or a run directory`,
      'E_RUN_DIR',
    );
  }
  let entries: string[];
  try {
    entries = (await fs.readdir(absolute)).sort();
  } catch (err) {
    throw writeFailure(dir, absolute, err, 'cannot read');
  }
  if (entries.length === 0) return { dir, absolute, mode: 'fresh' };
  if (entries.includes('metrics.json') || entries.includes('model')) {
    if (options.overwrite === true) return { dir, absolute, mode: 'replace' };
    throw new RunDirectoryError(
      `{out} '${dir}' already holds ${await runState(absolute)}: set {overwrite} to replace it, or choose another {out}`,
      'E_RUN_EXISTS',
    );
  }
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
  throw new RunDirectoryError(
    `{out} '${dir}' is not empty and is not a run directory (it holds ${shown}): expected a new or empty directory, or a run directory (with metrics.json)`,
    'E_RUN_DIR',
  );
}

const LEFTOVER = /^\.(.+)\.(staging|old)-(\d+)$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The id of a live process (other than this one) whose staging directory for target `dir` exists,
 * i.e. that is writing the run in `dir` now; null when there is none.
 */
export async function liveWriter(dir: string): Promise<number | null> {
  const absolute = path.resolve(dir);
  const names = await fs.readdir(path.dirname(absolute)).catch(() => [] as string[]);
  for (const name of names) {
    const m = LEFTOVER.exec(name);
    if (m !== null && m[1] === path.basename(absolute) && m[2] === 'staging' && Number(m[3]) !== process.pid && alive(Number(m[3])))
      return Number(m[3]);
  }
  return null;
}

/**
 * Cleans what killed runs left in `parent`: `.NAME.staging-PID` directories of processes no longer
 * alive are deleted; `.NAME.old-PID` is renamed back to `NAME` when `NAME` is missing, else
 * deleted. Returns the names it removed or restored.
 */
export async function cleanStaleStaging(parent: string): Promise<string[]> {
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  const done: string[] = [];
  const leftovers = names.map((n) => [n, LEFTOVER.exec(n)] as const).filter(([, m]) => m !== null && !alive(Number(m[3])));
  // `.old` first: restoring one needs to know whether its run was published.
  leftovers.sort(([, a], [, b]) => (a?.[2] === 'old' ? 0 : 1) - (b?.[2] === 'old' ? 0 : 1));
  for (const [name, m] of leftovers) {
    if (m === null) continue;
    const full = path.join(parent, name);
    const target = path.join(parent, m[1]);
    if (
      m[2] === 'old' &&
      !(await fs.stat(target).then(
        () => true,
        () => false,
      ))
    ) {
      await fs.rename(full, target);
      done.push(`${name} → ${m[1]}`);
    } else {
      await fs.rm(full, { recursive: true, force: true });
      done.push(name);
    }
  }
  return done;
}

/** A run directory being written (see the module's comment for how it is published). */
export class RunDirectory {
  /** The staging directory every file of the run is written to until {@link publish}. */
  readonly staging: string;
  private published = false;
  private checkpoints = 0;

  private constructor(
    /** The run directory as given (`out`). */
    readonly dir: string,
    readonly target: RunTarget,
    readonly metrics: RunMetrics,
  ) {
    const parent = path.dirname(target.absolute);
    this.staging = path.join(parent, `.${path.basename(target.absolute)}.staging-${process.pid}`);
  }

  /**
   * Starts the run for target `dir`: checks it ({@link checkRunTarget}), cleans stale staging
   * directories in its parent, creates the staging directory and writes the first `metrics.json`
   * (in the target too for a fresh run).
   */
  static async create(
    dir: string,
    metrics: RunMetrics,
    options: { overwrite?: boolean; resume?: 'fresh' | 'replace' } = {},
  ): Promise<RunDirectory> {
    if (options.resume === undefined) await checkRunTarget(dir, options); // nothing is written for a refused target
    const parent = path.dirname(path.resolve(dir));
    try {
      await ensureDirectory(parent);
      await cleanStaleStaging(parent); // may bring back a run whose replacement was killed mid-publication
    } catch (err) {
      throw writeFailure(dir, parent, err);
    }
    // A resumed run adopts its target as it is (an unfinished run and its checkpoints).
    const target: RunTarget =
      options.resume === undefined ? await checkRunTarget(dir, options) : { dir, absolute: path.resolve(dir), mode: options.resume };
    const run = new RunDirectory(dir, target, metrics);
    // Checkpoints of an earlier replacement that was killed belong to no run now: this one starts over.
    if (options.resume === undefined && target.mode === 'replace')
      await run.guard(run.checkpointArea, () => fs.rm(run.checkpointArea, { recursive: true, force: true }));
    await run.guard(parent, async () => {
      await fs.rm(run.staging, { recursive: true, force: true });
      await fs.mkdir(run.staging);
    });
    let made = false;
    try {
      if (target.mode === 'fresh') {
        await run.guard(target.absolute, async () => {
          await fs.mkdir(target.absolute).then(
            () => {
              made = true;
            },
            (err: NodeJS.ErrnoException) => {
              if (err.code !== 'EEXIST') throw err;
            },
          );
        });
      }
      await run.writeMetrics();
    } catch (err) {
      // Nothing of this run may stay behind: its staging directory, a target it made, a half-started live metrics.json.
      await fs.rm(run.staging, { recursive: true, force: true }).catch(() => {});
      if (target.mode === 'fresh' && options.resume === undefined) {
        await fs.rm(path.join(target.absolute, 'metrics.json'), { force: true }).catch(() => {});
        if (made) await fs.rmdir(target.absolute).catch(() => {});
      }
      throw err;
    }
    return run;
  }

  /** Where `metrics.json` can be read while the run trains: the target for a fresh run, else the staging directory. */
  get liveMetricsFile(): string {
    return this.target.mode === 'fresh' ? path.join(this.dir, 'metrics.json') : path.join(this.staging, 'metrics.json');
  }

  /** Path of `name` inside the staging directory (the run directory, once published). */
  file(name: string): string {
    return path.join(this.published ? this.target.absolute : this.staging, name);
  }

  /** Runs a file-system action, turning its failure into a {@link RunDirectoryError} naming `file`. */
  private async guard<T>(file: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (err) {
      if (err instanceof RunDirectoryError) throw err;
      const e = writeFailure(this.dir, file, err);
      const kept = this.target.mode === 'replace' ? `; the run already in '${this.dir}' is unchanged` : '';
      throw new RunDirectoryError(`${e.template}; the run was not published${kept}`, 'E_RUN_WRITE', { cause: err });
    }
  }

  /** Rewrites `metrics.json` atomically (in the staging directory, and in the target while a fresh run trains). */
  async writeMetrics(): Promise<void> {
    const text = `${JSON.stringify(this.metrics, null, 2)}\n`;
    const file = this.file('metrics.json');
    await this.guard(file, () => writeFileAtomic(file, text));
    if (this.target.mode === 'fresh' && !this.published) {
      const live = path.join(this.target.absolute, 'metrics.json');
      await this.guard(live, () => writeFileAtomic(live, text));
    }
  }

  /** Appends one epoch's record and rewrites `metrics.json`. */
  async addEpoch(record: EpochRecord): Promise<void> {
    this.metrics.epochs.push(record);
    await this.writeMetrics();
  }

  /** Records an extra section of `metrics.json` (e.g. `stages`) and rewrites it. */
  async record(key: string, value: unknown): Promise<void> {
    this.metrics[key] = value;
    await this.writeMetrics();
  }

  /** Writes a file (a picture, a table) into the run. */
  async writeArtifact(name: string, data: Uint8Array | string): Promise<void> {
    const file = this.file(name);
    await this.guard(file, () => writeFileAtomic(file, data));
  }

  /** Saves the autoencoder, encoder and decoder (tfjs Layers format) with `metadata` as their user-defined metadata. */
  async saveModels(built: Autoencoder, metadata: Record<string, unknown>): Promise<void> {
    const models = { model: built.autoencoder, encoder: built.encoder, decoder: built.decoder };
    for (const part of MODEL_PARTS) {
      const dir = this.file(part);
      await this.guard(dir, () => saveModel(models[part], dir, metadata));
    }
  }

  /** Where this run's checkpoints are kept (see the module's comment): `NAME/checkpoint` or `PARENT/.NAME.checkpoint`. */
  get checkpointArea(): string {
    return checkpointAreaOf(this.target.absolute, this.target.mode);
  }

  /**
   * Writes checkpoint `checkpoint` of `model`'s fit atomically (see the module's comment), with the
   * run's metrics so far, and deletes the older ones; `extra` is recorded as it is (e.g. what the
   * run was started with).
   */
  async writeCheckpoint(model: tf.LayersModel, checkpoint: FitCheckpoint, extra: Record<string, unknown> = {}): Promise<void> {
    const area = this.checkpointArea;
    const name = `${process.pid}-${++this.checkpoints}`;
    const tmp = path.join(area, `.tmp-${name}`);
    // Read before the first await on the file system: the tensors may change once training goes on.
    const callbacks = await callbackStates(checkpoint.callbacks);
    await this.guard(area, async () => {
      await fs.mkdir(area, { recursive: true });
      await fs.rm(tmp, { recursive: true, force: true });
      await fs.mkdir(tmp);
      await saveModel(model, path.join(tmp, 'model'));
      const optimizer = checkpoint.optimizer;
      if (optimizer !== null) await fs.writeFile(path.join(tmp, 'optimizer.bin'), optimizer.data);
      if (callbacks.data.length > 0) await fs.writeFile(path.join(tmp, 'callbacks.bin'), callbacks.data);
      // What the run wrote so far besides metrics.json (best/, pictures drawn between greedy phases).
      await fs.cp(this.staging, path.join(tmp, 'files'), { recursive: true, filter: (src) => path.basename(src) !== 'metrics.json' });
      const state: CheckpointState = {
        version: 1,
        position: checkpoint.position,
        history: checkpoint.history,
        optimizer: optimizer === null ? null : { className: optimizer.className, tensors: optimizer.tensors, extra: optimizer.extra },
        ...(checkpoint.callbacks === undefined ? {} : { callbacks: callbacks.manifest }),
        metrics: this.metrics,
        ...extra,
      };
      await fs.writeFile(path.join(tmp, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
      await fs.rename(tmp, path.join(area, name));
      await writeFileAtomic(path.join(area, 'latest.json'), `${JSON.stringify({ checkpoint: name })}\n`);
      for (const entry of await fs.readdir(area)) {
        if (entry !== name && entry !== 'latest.json') await fs.rm(path.join(area, entry), { recursive: true, force: true });
      }
    });
  }

  /** Copies what `checkpoint` kept of its run's files (best/, pictures) into this run's staging directory. */
  async adopt(checkpoint: LoadedCheckpoint): Promise<void> {
    const files = path.join(checkpoint.at, 'files');
    const kept = await fs.stat(files).then(
      () => true,
      () => false,
    );
    if (kept) await this.guard(this.staging, () => fs.cp(files, this.staging, { recursive: true }));
  }

  /** Ends an interrupted run: its staging directory is deleted; the live metrics.json and the checkpoints stay for `resumeRun`. */
  async interrupt(): Promise<void> {
    await fs.rm(this.staging, { recursive: true, force: true }).catch(() => {});
  }

  /** Marks the run finished and publishes it: the staging directory becomes the target, replacing what was there. */
  async finish(): Promise<void> {
    this.metrics.finished = new Date().toISOString();
    await this.writeMetrics();
    await this.publish();
  }

  /** Renames the staging directory to the target (the target, if any, is renamed away first, then deleted). */
  private async publish(): Promise<void> {
    const absolute = this.target.absolute;
    const old = path.join(path.dirname(absolute), `.${path.basename(absolute)}.old-${process.pid}`);
    await this.guard(absolute, async () => {
      await fs.rm(old, { recursive: true, force: true });
      const exists = await fs.stat(absolute).then(
        () => true,
        () => false,
      );
      if (exists) await fs.rename(absolute, old);
      try {
        await fs.rename(this.staging, absolute);
      } catch (err) {
        if (exists) await fs.rename(old, absolute).catch(() => {});
        throw err;
      }
      this.published = true;
      if (exists) await fs.rm(old, { recursive: true, force: true });
      if (this.target.mode === 'replace') await fs.rm(this.checkpointArea, { recursive: true, force: true });
    });
  }

  /**
   * Records that the run failed with `err` and deletes the staging directory: a fresh run's target
   * keeps `metrics.json` with `failed` and no models; a replaced run stays as it was. Never throws
   * (it runs while another error is on its way).
   */
  async fail(err: unknown): Promise<void> {
    if (this.published) return;
    const e = err as { code?: unknown; message?: unknown };
    this.metrics.failed = {
      code: typeof e?.code === 'string' ? e.code : 'E_UNEXPECTED',
      message: err instanceof AekitError ? err.message : String(e?.message ?? err),
      at: new Date().toISOString(),
    };
    await fs.rm(this.staging, { recursive: true, force: true }).catch(() => {});
    await fs.rm(this.checkpointArea, { recursive: true, force: true }).catch(() => {});
    if (this.target.mode === 'fresh') {
      await writeFileAtomic(path.join(this.target.absolute, 'metrics.json'), `${JSON.stringify(this.metrics, null, 2)}\n`).catch(() => {});
    }
  }
}

/** `state.json` of a checkpoint (see the module's comment). */
export interface CheckpointState {
  version: 1;
  position: FitPosition;
  history: EpochRecord[];
  /** The optimizer's manifest and extra numbers; its bytes are `optimizer.bin`. */
  optimizer: Omit<OptimizerState, 'data'> | null;
  /** Each callback's values and the shapes of its weights (whose bytes follow one another in `callbacks.bin`); null: no state. */
  callbacks?: Array<CallbackManifest | null>;
  /** The run's metrics.json when the checkpoint was written. */
  metrics: RunMetrics;
  [key: string]: unknown;
}

/** One callback's entry of `state.json`: its values, and the weights it keeps (float32, stored in `callbacks.bin`). */
export interface CallbackManifest {
  values: Record<string, unknown>;
  weights?: number[][];
}

/** The callbacks' manifest and their weights' bytes, one float32 tensor after another. */
async function callbackStates(
  snapshots: FitCheckpoint['callbacks'],
): Promise<{ manifest: Array<CallbackManifest | null>; data: Uint8Array }> {
  const manifest: Array<CallbackManifest | null> = [];
  const parts: Float32Array[] = [];
  for (const s of snapshots ?? []) {
    if (s === null) {
      manifest.push(null);
      continue;
    }
    const entry: CallbackManifest = { values: s.values };
    if (s.weights !== undefined) {
      entry.weights = s.weights.map((w) => w.shape);
      for (const w of s.weights) parts.push(Float32Array.from(await w.data()));
    }
    manifest.push(entry);
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    data.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return { manifest, data };
}

/** The callbacks' snapshots of a checkpoint, their weights as new tensors. */
function callbackSnapshots(manifest: Array<CallbackManifest | null>, bytes: Uint8Array): Array<CallbackSnapshot | null> {
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  let at = 0;
  return manifest.map((m) => {
    if (m === null) return null;
    if (m.weights === undefined) return { values: m.values };
    const weights = m.weights.map((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      if (at + n > floats.length) throw new Error(`callbacks.bin holds ${floats.length} floats, fewer than state.json's shapes need`);
      const t = tf.tensor(floats.slice(at, at + n), shape);
      at += n;
      return t;
    });
    return { values: m.values, weights };
  });
}

/** A checkpoint found by {@link readCheckpoint}. */
export interface LoadedCheckpoint {
  /** The checkpoint area it was found in, and the mode of the run that wrote it. */
  area: string;
  /** The checkpoint's own directory. */
  at: string;
  mode: 'fresh' | 'replace';
  state: CheckpointState;
  /**
   * Loads the fit checkpoint: position, history, the saved model's weights (as new tensors) and
   * the optimizer's state. Call it once the engine is ready.
   */
  load(): Promise<FitCheckpoint>;
}

function checkpointAreaOf(absolute: string, mode: 'fresh' | 'replace'): string {
  return mode === 'fresh' ? path.join(absolute, 'checkpoint') : path.join(path.dirname(absolute), `.${path.basename(absolute)}.checkpoint`);
}

/**
 * The latest checkpoint of the run meant for `dir` (in `dir/checkpoint/`, else in
 * `PARENT/.NAME.checkpoint/`), or null when there is none. Reads its `state.json` only; the
 * weights are loaded by its `load`.
 */
export async function readCheckpoint(dir: string): Promise<LoadedCheckpoint | null> {
  const absolute = path.resolve(dir);
  // A run replacing another is newer than anything the run it replaces left in NAME/checkpoint.
  for (const mode of ['replace', 'fresh'] as const) {
    const area = checkpointAreaOf(absolute, mode);
    let latest: { checkpoint?: unknown };
    try {
      latest = JSON.parse(await fs.readFile(path.join(area, 'latest.json'), 'utf8'));
    } catch {
      continue;
    }
    if (typeof latest.checkpoint !== 'string') continue;
    const at = path.join(area, latest.checkpoint);
    const state = JSON.parse(await fs.readFile(path.join(at, 'state.json'), 'utf8')) as CheckpointState;
    const load = async (): Promise<FitCheckpoint> => {
      const saved = await loadModel(path.join(at, 'model'));
      const weights = saved.getWeights().map((w) => w.clone());
      saved.dispose();
      let optimizer: OptimizerState | null = null;
      if (state.optimizer !== null)
        optimizer = { ...state.optimizer, data: new Uint8Array(await fs.readFile(path.join(at, 'optimizer.bin'))) };
      const callbacks =
        state.callbacks === undefined
          ? undefined
          : callbackSnapshots(
              state.callbacks,
              state.callbacks.some((c) => c?.weights !== undefined)
                ? new Uint8Array(await fs.readFile(path.join(at, 'callbacks.bin')))
                : new Uint8Array(0),
            );
      return { position: state.position, history: state.history, weights, optimizer, ...(callbacks === undefined ? {} : { callbacks }) };
    };
    return { area, at, mode, state, load };
  }
  return null;
}
