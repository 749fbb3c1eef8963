/**
 * A run directory: `metrics.json` (rewritten atomically after every change, so it can be read
 * while training runs), the saved models (`model/`, `encoder/`, `decoder/`) and pictures. The run
 * layer writes run directories only through this class.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../core/fs.js';
import type { Autoencoder } from '../models/conv.js';
import type { EpochRecord } from '../training/fit.js';
import { saveModel } from '../training/io.js';

/** The `metrics.json` of a run. Recipes may add sections (e.g. `stages`). */
export interface RunMetrics {
  model: string;
  backend: string;
  engine: string;
  params: { encoder: number; decoder: number };
  options: Record<string, unknown>;
  data: { source: string; train: number; valid: number; test: number };
  started: string;
  finished: string | null;
  epochs: EpochRecord[];
  [section: string]: unknown;
}

/** The models a run saves, by sub-directory name. */
export const MODEL_PARTS = ['model', 'encoder', 'decoder'] as const;

/** A run directory being written. */
export class RunDirectory {
  private constructor(
    readonly dir: string,
    readonly metrics: RunMetrics,
  ) {}

  /** Starts a run directory at `dir` with its first `metrics.json`. */
  static async create(dir: string, metrics: RunMetrics): Promise<RunDirectory> {
    const run = new RunDirectory(dir, metrics);
    await run.writeMetrics();
    return run;
  }

  /** Path of `name` inside the run directory. */
  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Rewrites `metrics.json` atomically. */
  async writeMetrics(): Promise<void> {
    await writeFileAtomic(this.file('metrics.json'), `${JSON.stringify(this.metrics, null, 2)}\n`);
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

  /** Writes a file (a picture, a table) into the run directory. */
  async writeArtifact(name: string, data: Uint8Array | string): Promise<void> {
    await writeFileAtomic(this.file(name), data);
  }

  /** Saves the autoencoder, encoder and decoder (tfjs Layers format) with `metadata` as their user-defined metadata. */
  async saveModels(built: Autoencoder, metadata: Record<string, unknown>): Promise<void> {
    const models = { model: built.autoencoder, encoder: built.encoder, decoder: built.decoder };
    for (const part of MODEL_PARTS) await saveModel(models[part], this.file(part), metadata);
  }

  /** Marks the run finished in `metrics.json`. */
  async finish(): Promise<void> {
    this.metrics.finished = new Date().toISOString();
    await this.writeMetrics();
  }
}
