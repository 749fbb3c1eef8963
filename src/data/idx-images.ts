/**
 * IDX image files of any size as data sets: `count × height × width` (magic `0x00000803`) or
 * `count × height × width × channels` with 1 or 3 channels (`0x00000804`), gzipped or not, with an
 * optional IDX labels file, held as bytes ({@link MemoryRows}) and split with a seed. Fashion-MNIST's
 * loader keeps its own strict 28×28 check ({@link parseIdxImages} with a size).
 */
import type { DataSpec, Dataset, ImageLayout } from './dataset.js';
import { imageShape } from './dataset.js';
import { DataError, parseIdx, parseIdxLabels } from './idx.js';
import { readData, type SampleLike } from './npy.js';
import { type ByteSamples, MemoryRows } from './samples.js';
import { DEFAULT_VALIDATION_SPLIT, splitSamples } from './split.js';

/** The {@link DataSpec} of an IDX images file. */
export type IdxSpec = Extract<DataSpec, { kind: 'idx' }>;

/** A parsed IDX image stack of any size: 3-D (grey) or 4-D with 1 or 3 channels. */
export interface IdxImageSet {
  count: number;
  image: ImageLayout;
  /** `count × height × width × channels` bytes, image after image, row-major, channels interleaved; a view, not a copy. */
  data: Uint8Array;
}

/** What to read from IDX files. */
export interface IdxRequest {
  /** The IDX images file (`.gz` or not). */
  file: string;
  /** An IDX labels file with one label per image. */
  labels?: string;
  /** Fraction of the images held out for validation, in (0, 1). Default 0.1. */
  validationSplit?: number;
  /** Seed of the train / validation split. Default 0. */
  seed?: number;
}

/** Options of {@link loadIdx}. */
export interface IdxOptions {
  /** A run trained earlier: its split fraction and seed are the defaults, and the images must have its sample shape. */
  like?: SampleLike<IdxSpec>;
}

/**
 * Parses an IDX images file of any image size: `count × height × width` (uint8, 3-D) or
 * `count × height × width × channels` with 1 or 3 channels (uint8, 4-D). `source` names the file.
 *
 * @throws {DataError} as {@link parseIdx}, plus `E_IDX_MAGIC` for another rank and `E_IDX_DIMS` for
 *   a channel count other than 1 or 3.
 * @example
 * const { count, image } = parseIdxImageSet(readFileSync('cifar-train-idx4-ubyte.gz'), 'cifar-train-idx4-ubyte.gz');
 * // image = { height: 32, width: 32, channels: 3 }
 */
export function parseIdxImageSet(bytes: Uint8Array, source: string): IdxImageSet {
  const { dims, data } = parseIdx(bytes, source);
  if (dims.length !== 3 && dims.length !== 4)
    throw new DataError(
      `${source}: expected IDX images, magic 0x00000803 (uint8, count × height × width) or 0x00000804 ` +
        `(uint8, count × height × width × channels), found a ${dims.length}-D array, dimensions [${dims.join(', ')}]` +
        `${dims.length === 1 ? ' (a labels file?)' : ''}. Check that the file is the one its name says.`,
      'E_IDX_MAGIC',
      { argument: 'idx' },
    );
  const channels = dims.length === 4 ? dims[3] : 1;
  if (channels !== 1 && channels !== 3)
    throw new DataError(
      `${source}: a 4-D IDX images file needs 1 (grey) or 3 (RGB) channels last, found dimensions [${dims.join(' × ')}] (${channels} channels)`,
      'E_IDX_DIMS',
      { argument: 'idx' },
    );
  return { count: dims[0], image: { height: dims[1], width: dims[2], channels }, data };
}

/**
 * Reads IDX images (any height × width, grey or RGB, gzip allowed) as a data set of byte samples
 * (value / 255, `unitRange`) with their image layout, split into training and validation images
 * with `seed`. With `labels`, the labels file must hold one label per image; classes are `'0'` …
 * the largest label. With `like`, the images must have the sample shape the run was trained on.
 *
 * @throws {DataError} `E_NOT_FOUND` (a file that cannot be read), as {@link parseIdxImageSet} and
 *   {@link parseIdxLabels}, `E_IDX_DIMS` (label and image counts differ), `E_SHAPE` (another image
 *   size than `like`'s, fewer than 2 images).
 * @example
 * const data = await loadIdx({ file: 'train-images.idx3-ubyte.gz', labels: 'train-labels.idx1-ubyte.gz', seed: 42 });
 */
export async function loadIdx(request: IdxRequest, options: IdxOptions = {}): Promise<Dataset> {
  const { file, labels: labelsFile } = request;
  const { like } = options;
  const validationSplit = request.validationSplit ?? like?.spec.validationSplit ?? DEFAULT_VALIDATION_SPLIT;
  const seed = request.seed ?? like?.spec.seed ?? 0;
  const set = parseIdxImageSet(await readData(file, 'idx'), file);
  const shape = imageShape(set.image);
  if (like && (like.shape.length !== shape.length || like.shape.some((d, i) => d !== shape[i])))
    throw new DataError(
      `${file}: images of shape [${shape.join(', ')}], but the run was trained on samples of shape [${like.shape.join(', ')}] (${like.spec.file})`,
      'E_SHAPE',
      { argument: 'idx' },
    );
  let labels: Uint8Array | undefined;
  if (labelsFile !== undefined) {
    const parsed = parseIdxLabels(await readData(labelsFile, 'labels'), labelsFile);
    if (parsed.count !== set.count)
      throw new DataError(
        `${labelsFile} holds ${parsed.count.toLocaleString('en-US')} labels, but ${file} holds ${set.count.toLocaleString('en-US')} images: ` +
          'they must be one label per image (are the files of the same split?)',
        'E_IDX_DIMS',
        { argument: 'labels' },
      );
    labels = parsed.data;
  }
  if (set.count < 2)
    throw new DataError(`${file}: ${set.count} image(s); need at least 2 (one to train on, one to validate)`, 'E_SHAPE', {
      argument: 'idx',
    });
  const per = set.image.height * set.image.width * set.image.channels;
  const all: ByteSamples = {
    bytes: new MemoryRows(set.data, per),
    shape,
    count: set.count,
    ...(labels === undefined ? {} : { labels }),
  };
  const [train, valid] = splitSamples(all, validationSplit, seed);
  let classes: string[] | undefined;
  if (labels !== undefined) {
    let max = 0;
    for (const l of labels) if (l > max) max = l;
    classes = Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  const { height, width, channels } = set.image;
  return {
    train,
    valid,
    source:
      `${file}: ${set.count.toLocaleString('en-US')} ${height}×${width}${channels === 3 ? '×3' : ''} images` +
      `${labelsFile === undefined ? '' : `, labels from ${labelsFile} (${classes!.length} classes)`}, ` +
      `${train.count.toLocaleString('en-US')} train / ${valid.count.toLocaleString('en-US')} validation`,
    spec: { kind: 'idx', file, ...(labelsFile === undefined ? {} : { labels: labelsFile }), validationSplit, seed },
    unitRange: true,
    image: set.image,
    ...(classes === undefined ? {} : { classes }),
  };
}
