/**
 * The data of a trained run for the commands that reuse it (`evaluate`, `encode`, `map`,
 * `anomalies`, …): by default the data it was trained on, read again the same way (metrics.json's
 * `data.spec`); other data is prepared the run's way (image size and colour, table columns and
 * scaling) and refused, with one line naming both shapes, when the model cannot take it.
 */
import { AekitError, ArgumentError } from '../core/errors.js';
import type { StepProgress } from '../core/progress.js';
import type * as tf from '../core/tf.js';
import type { DataSpec, Dataset } from '../data/dataset.js';
import type { FashionMnist } from '../data/fashion-mnist.js';
import { type DataRequest, loadData } from '../data/load.js';
import type { AnySamples } from '../data/samples.js';
import { modelInputShape } from '../training/predict.js';
import type { RunMetrics } from './run-dir.js';

/** Options of {@link runDataset}. */
export interface RunDataOptions {
  /** Other data than the run's (the command's data flags). */
  request?: DataRequest;
  /** The model the data is for: its input shape is checked against the data's. */
  model?: tf.LayersModel;
  memoryBudget?: number;
  /** Progress of decoding an image folder. */
  progress?: StepProgress;
  /** The command reads no training samples: image folders leave them undecoded (`train` empty). */
  skipTrain?: boolean;
  /** Fashion-MNIST already loaded (tests). */
  fashionMnist?: FashionMnist;
}

/** The spec of the data a run trained on (runs written before specs were recorded trained on Fashion-MNIST). */
export function runSpec(metrics: RunMetrics): DataSpec {
  if (metrics.data.spec !== undefined) return metrics.data.spec;
  const dataDir = (metrics.options as { dataDir?: string | null }).dataDir;
  return { kind: 'fashion-mnist', ...(typeof dataDir === 'string' ? { dataDir } : {}) };
}

const describeShape = (shape: readonly (number | null)[]): string => `[${shape.join(', ')}]`;

function what(spec: DataSpec): string {
  switch (spec.kind) {
    case 'fashion-mnist':
      return 'Fashion-MNIST 28×28 grey images';
    case 'images':
      return `${spec.image.height}×${spec.image.width} ${spec.image.channels === 3 ? 'RGB' : 'grey'} images from ${spec.dir}`;
    case 'table':
      return `rows of ${spec.columns.length} columns of ${spec.file}`;
    default:
      return `${spec.kind} data from ${'file' in spec ? spec.file : 'the generator'}`;
  }
}

/**
 * Loads the data a command works on for the run described by `metrics`: the run's own data, or
 * `options.request` prepared the run's way; checks that `options.model` takes its samples.
 *
 * @throws AekitError `E_DATA_SHAPE` naming the run's and the data's shapes when they differ.
 * @example
 * const data = await runDataset(run.metrics, { model: run.model });
 */
export async function runDataset(metrics: RunMetrics, options: RunDataOptions = {}): Promise<Dataset> {
  const spec = runSpec(metrics);
  let request: DataRequest | DataSpec = options.request ?? spec;
  // Other images are resized to the run's size and colour, as at training.
  const image = metrics.data.image ?? (spec.kind === 'fashion-mnist' ? { height: 28, width: 28, channels: 1 as const } : undefined);
  if (options.request?.kind === 'images' && image !== undefined)
    request = {
      ...options.request,
      imageSize: options.request.imageSize ?? { height: image.height, width: image.width },
      color: options.request.color ?? (image.channels === 3 ? 'rgb' : 'grey'),
    };
  const data = await loadData(request, {
    like: spec,
    likeShape: metrics.data.shape,
    memoryBudget: options.memoryBudget,
    progress: options.progress,
    skipTrain: options.skipTrain,
    fashionMnist: options.fashionMnist,
  });
  if (options.model !== undefined) {
    const want = modelInputShape(options.model);
    const got = data.train.shape;
    if (want.join(',') !== got.join(',')) {
      await data.close?.();
      throw new AekitError(
        `the run in ${metrics.options.out ?? 'this directory'} was trained on ${what(spec)} (samples ${describeShape(want)}); ${data.source.split(':')[0]} has samples ${describeShape(got)}: give data of the run's kind and shape`,
        { code: 'E_DATA_SHAPE' },
      );
    }
  }
  return data;
}

/** The split `name` of `data`, or an error naming what it has. */
export function splitOf(data: Dataset, name: 'train' | 'valid' | 'test', argument = 'split'): AnySamples {
  const split = data[name];
  if (split === undefined)
    throw new ArgumentError(argument, `{${argument}} ${name}: ${data.source.split(':')[0]} has no ${name} split (it has train and valid)`);
  return split;
}
