/**
 * What a recipe is: how `aekit train NAME` builds a model, its book training settings, the
 * model-specific options it accepts, and hooks for its own data, training procedure and pictures.
 * The recipes themselves are declared as data in one explicit list (`./recipes/index.ts`).
 */
import type * as tf from '../core/tf.js';
import type { Dataset } from '../data/dataset.js';
import type { Autoencoder } from '../models/conv.js';
import type { FitCheckpoint, FitOptions } from '../training/fit.js';
import type { LossName, OptimizerName } from '../training/optimizers.js';

/** The book's training settings for a model; every one can be overridden. */
export interface TrainingDefaults {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  loss: LossName;
}

/** The resolved training settings of a run. */
export interface TrainingSettings extends TrainingDefaults {
  seed: number;
  limit: number | null;
  backend: string;
}

/**
 * A model-specific option (e.g. `units` of the stacked model). The CLI offers it as the flag
 * `--<key in kebab-case>` (`greedyEpochs` → `--greedy-epochs <list>`) and rejects it for models
 * that do not declare it.
 */
export interface RecipeOption {
  /** camelCase key under which the value reaches `build` and the hooks (e.g. `units`). */
  key: string;
  /** Name of the value in help texts (`list`, `n`); absent for on/off switches. */
  value?: string;
  description: string;
  /** Parses the raw string; throws an `ArgumentError` naming `key` on bad input. Omit for switches and plain strings. */
  parse?: (value: string) => unknown;
  /** Default when the option is not given. */
  defaultValue?: unknown;
}

export type { Dataset };

/**
 * What the model is built for, from the data: the shape of one sample and whether values lie in
 * [0, 1] (images, min-max-scaled tables: a sigmoid output and cross-entropy fit) or are unbounded
 * (standardised tables: a linear output and MSE).
 */
export interface ModelInput {
  /** Shape of one sample: `[h, w]` grey images, `[h, w, 3]` RGB, `[features]` table rows, `[steps, features]` sequences. */
  shape: number[];
  kind: 'images' | 'table' | 'sequences' | 'arrays';
  /** True when every value lies in [0, 1]. */
  unitRange: boolean;
}

/** The {@link ModelInput} of Fashion-MNIST: 28×28 grey images. */
export const FASHION_INPUT: ModelInput = { shape: [28, 28], kind: 'images', unitRange: true };

/** What a recipe's hooks receive while a run trains. */
export interface TrainContext {
  /** The freshly built models. */
  built: Autoencoder;
  settings: TrainingSettings;
  /** Model-specific option values (declared by the recipe), defaults applied. */
  modelOptions: Record<string, unknown>;
  data: Dataset;
  /** Compiles a model with the run's optimizer settings (or `overrides`), its loss and `rounded_accuracy`. */
  compile(model: tf.LayersModel, overrides?: Partial<Pick<TrainingDefaults, 'optimizer' | 'lr' | 'loss'>>): void;
  /**
   * Fit options of the run (batch size, seed, validation, progress, per-epoch recording into
   * metrics.json, checkpoints, and the resumed position of a resumed run).
   */
  fitOptions(overrides?: Partial<FitOptions>): FitOptions;
  /**
   * The checkpoint a resumed run continues from: the fit's (its weights are the autoencoder's)
   * and the state.json it was written with (where a hook's `state` is found again); null for a
   * fresh run.
   */
  resume: { fit: FitCheckpoint; state: Record<string, unknown> } | null;
  /** Writes a checkpoint of the run: the autoencoder's weights, `cp`'s position and optimizer, and `state` (JSON) into state.json. */
  checkpoint(cp: FitCheckpoint, state?: Record<string, unknown>): Promise<void>;
  /** Seconds between checkpoints inside an epoch (`FitOptions.checkpointSeconds`); undefined: after epochs only. */
  checkpointSeconds: number | undefined;
  /** Records an extra section in metrics.json (e.g. `stages` of greedy training) and rewrites the file. */
  record(key: string, value: unknown): Promise<void>;
  /** Writes a file (a picture) into the run directory. */
  writeArtifact(name: string, data: Uint8Array | string): Promise<void>;
  log(line: string): void;
}

/** A buildable model with its defaults and hooks. */
export interface Recipe {
  /** Name on the command line (`aekit train NAME`). */
  name: string;
  /** One line for `--help`. */
  description: string;
  defaults: TrainingDefaults;
  /** Model-specific options. */
  options?: readonly RecipeOption[];
  /**
   * Builds fresh, seeded encoder/decoder/autoencoder models for samples of `input` (the output
   * shape equals `input.shape`).
   */
  build(options: { seed?: number; input: ModelInput } & Record<string, unknown>): Autoencoder;
  /** The input of the recipe's own data (`loadData`), for `aekit summary` without input flags; default Fashion-MNIST's. */
  defaultInput?: ModelInput;
  /** The recipe's own data when no data is given (linear: the book's point cloud); null → Fashion-MNIST. */
  loadData?(options: { dataDir?: string; modelOptions: Record<string, unknown>; seed: number }): Promise<Dataset | null>;
  /** Refuses data the model cannot take (throws an `ArgumentError` naming the data flag); default: any. */
  checkInput?(input: ModelInput): void;
  /** Rejects option combinations before anything is loaded or written (throws a `ConflictError`). */
  check?(modelOptions: Record<string, unknown>): void;
  /** What the run will do, for its first log line (default: `for N epochs`). */
  plan?(settings: TrainingSettings, modelOptions: Record<string, unknown>): string;
  /**
   * Training procedure when the standard one (compile the autoencoder, fit it on the data) is not
   * enough: greedy layer-wise training, extra loss terms. It must leave `built.autoencoder` trained,
   * and call `ctx.fitOptions()`'s `onEpochEnd` for the epochs it wants recorded in `metrics.epochs`.
   */
  train?(ctx: TrainContext): Promise<void>;
  /**
   * Pictures and extra results after training; returns the names of the files written. Default:
   * `reconstructions.png` for image data.
   */
  artifacts?(ctx: TrainContext): Promise<string[]>;
}

/**
 * The loss a model trains data with: cross-entropy needs targets in [0, 1], so unbounded data
 * (standardised tables) is fitted with MSE instead.
 */
export function lossFor(loss: LossName, input: Pick<ModelInput, 'unitRange'>): LossName {
  return !input.unitRange && loss === 'binaryCrossentropy' ? 'meanSquaredError' : loss;
}
