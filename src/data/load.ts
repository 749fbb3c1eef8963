/**
 * One entry to every data source: a {@link DataRequest} (what the user asked for: `--images DIR`,
 * `--table FILE`, …) or a recorded {@link DataSpec} (what a run trained on) becomes a
 * {@link Dataset}. Given `like` (the spec of a run), other data is prepared the run's way: its image
 * size and colour, its table columns and scaling.
 */
import type { StepProgress } from '../core/progress.js';
import type { DataSpec, Dataset } from './dataset.js';
import { CLASS_NAMES, type FashionMnist, loadFashionMnist } from './fashion-mnist.js';
import { loadIdx } from './idx-images.js';
import { type ImageFolderRequest, loadImageFolder } from './image-folder.js';
import { loadNpy } from './npy.js';
import { pointCloud } from './point-cloud.js';
import { firstSamples } from './samples.js';
import { readSequenceCsv } from './sequences-csv.js';
import { loadSeries, type SeriesRequest, type SeriesSpec } from './series.js';
import { splitSamples } from './split.js';
import { loadTable, type TableRequest } from './table.js';

/** What data to read, as the user gave it. */
export type DataRequest =
  | { kind: 'fashion-mnist'; dataDir?: string }
  | ({ kind: 'images' } & ImageFolderRequest)
  | ({ kind: 'table' } & TableRequest)
  | { kind: 'npy'; file: string; validationSplit?: number; seed?: number }
  | { kind: 'idx'; file: string; labels?: string; validationSplit?: number; seed?: number }
  | { kind: 'sequences'; file: string; steps: number; features: number; validationSplit?: number; seed?: number }
  | ({ kind: 'series' } & SeriesRequest)
  | { kind: 'points'; count?: number; seed?: number };

/** Options of {@link loadData}. */
export interface LoadDataOptions {
  /** Seed of validation splits the request leaves unset. Default 42. */
  seed?: number;
  /** The spec of a trained run: prepare the data its way (image size, colour, table scaling…). */
  like?: DataSpec;
  /** With `like`: the sample shape the run was trained on (array files must have it). */
  likeShape?: number[];
  /** Bytes of decoded images held in memory at most (larger folders stream from a cache file). */
  memoryBudget?: number;
  /** Directory of streaming cache files. Default the system's temporary directory. */
  cacheDir?: string;
  /** Progress of decoding image folders. */
  progress?: StepProgress;
  /** Stops decoding an image folder once aborted (an `InterruptedError`). */
  signal?: { readonly aborted: boolean };
  /** Only validation and test samples are needed: image folders then leave `train` empty (undecoded). */
  skipTrain?: boolean;
  /** Fashion-MNIST already loaded (tests, repeated runs). */
  fashionMnist?: FashionMnist;
}

/** The request that loads `spec` again exactly (same files, same split, same preparation). */
export function requestOf(spec: DataSpec): DataRequest {
  switch (spec.kind) {
    case 'fashion-mnist':
      return { kind: 'fashion-mnist', dataDir: spec.dataDir };
    case 'images':
      // The split comes with the spec as `like`: given here it would hold out part of train/ even
      // when the folder has a validation or test split of its own.
      return { kind: 'images', dir: spec.dir };
    case 'table':
      return { kind: 'table', file: spec.file, validationSplit: spec.validationSplit, seed: spec.seed };
    case 'npy':
      return { kind: 'npy', file: spec.file, validationSplit: spec.validationSplit, seed: spec.seed };
    case 'idx':
      return { kind: 'idx', file: spec.file, labels: spec.labels, validationSplit: spec.validationSplit, seed: spec.seed };
    case 'sequences':
      return {
        kind: 'sequences',
        file: spec.file,
        steps: spec.steps,
        features: spec.features,
        validationSplit: spec.validationSplit,
        seed: spec.seed,
      };
    case 'series':
      return { kind: 'series', file: spec.file };
    case 'points':
      return { kind: 'points', count: spec.count, seed: spec.seed };
  }
}

/** Fashion-MNIST's book split as a {@link Dataset}. */
function fashionMnistDataset(data: FashionMnist, dataDir?: string): Dataset {
  return {
    train: data.train,
    valid: data.valid,
    test: data.test,
    source: data.source,
    spec: { kind: 'fashion-mnist', ...(dataDir === undefined ? {} : { dataDir }) },
    unitRange: true,
    image: { height: 28, width: 28, channels: 1 },
    classes: CLASS_NAMES,
  };
}

/**
 * Loads the data of `request` (or of a recorded spec) as a {@link Dataset}; with `options.like`,
 * prepared as the run that spec describes.
 *
 * @example
 * const data = await loadData({ kind: 'images', dir: 'photos/', imageSize: { height: 64, width: 64 } });
 */
export async function loadData(request: DataRequest | DataSpec, options: LoadDataOptions = {}): Promise<Dataset> {
  const seed = options.seed ?? 42;
  const like = options.like ?? (isSpec(request) ? request : undefined);
  const r: DataRequest = isSpec(request) ? requestOf(request) : request;
  const sameKind = like !== undefined && like.kind === r.kind ? like : undefined;
  switch (r.kind) {
    case 'fashion-mnist': {
      const data = options.fashionMnist ?? (await loadFashionMnist({ dataDir: r.dataDir }));
      return fashionMnistDataset(data, r.dataDir);
    }
    case 'images':
      return loadImageFolder(
        { ...r, seed: r.seed ?? seed },
        {
          memoryBudget: options.memoryBudget,
          cacheDir: options.cacheDir,
          progress: options.progress,
          skipTrain: options.skipTrain,
          signal: options.signal,
          like: sameKind as Extract<DataSpec, { kind: 'images' }> | undefined,
        },
      );
    case 'table':
      return loadTable({ ...r, seed: r.seed ?? seed }, { like: sameKind as Extract<DataSpec, { kind: 'table' }> | undefined });
    case 'npy': {
      const spec = sameKind as Extract<DataSpec, { kind: 'npy' }> | undefined;
      const shape = options.likeShape;
      return loadNpy({ ...r, seed: r.seed ?? seed }, spec === undefined || shape === undefined ? {} : { like: { spec, shape } });
    }
    case 'idx': {
      const spec = sameKind as Extract<DataSpec, { kind: 'idx' }> | undefined;
      const shape = options.likeShape;
      return loadIdx({ ...r, seed: r.seed ?? seed }, spec === undefined || shape === undefined ? {} : { like: { spec, shape } });
    }
    case 'sequences': {
      const seqs = await readSequenceCsv(r.file, { steps: r.steps, features: r.features });
      const fraction = r.validationSplit ?? 0.1;
      const splitSeed = r.seed ?? seed;
      const [train, valid] = splitSamples({ x: seqs.x, shape: seqs.shape, count: seqs.count }, fraction, splitSeed);
      const unit = seqs.x.every((v) => v >= 0 && v <= 1);
      return {
        train,
        valid,
        source: `${r.file}: ${seqs.count} sequences of ${r.steps} steps × ${r.features} features, ${train.count} train / ${valid.count} validation (seeded split)`,
        spec: { kind: 'sequences', file: r.file, steps: r.steps, features: r.features, validationSplit: fraction, seed: splitSeed },
        unitRange: unit,
      };
    }
    case 'series':
      // The window, columns and scaling come with the spec as `like`.
      return loadSeries(r, { like: sameKind as SeriesSpec | undefined });
    case 'points': {
      const count = r.count ?? 60;
      const pointSeed = r.seed ?? seed;
      const cloud = pointCloud(count, pointSeed);
      const samples = { x: cloud.points, shape: [3], count: cloud.count };
      return {
        train: samples,
        valid: samples,
        source: `generated 3-D point cloud: ${count} centred points (seed ${pointSeed}); validation = the same points, as the book has no validation set`,
        spec: { kind: 'points', count, seed: pointSeed },
        unitRange: false,
      };
    }
  }
}

function isSpec(r: DataRequest | DataSpec): r is DataSpec {
  // Specs carry what was fitted or resolved; requests do not.
  switch (r.kind) {
    case 'images':
      return 'image' in r;
    case 'table':
    case 'series':
      return 'scaling' in r;
    default:
      return false;
  }
}

/** The first `n` training samples of `data` (validation and test unchanged). */
export function limitTraining(data: Dataset, n: number | null): Dataset {
  return n === null ? data : { ...data, train: firstSamples(data.train, n) };
}
