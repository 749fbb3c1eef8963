/**
 * A folder of images as a {@link Dataset}, laid out as Keras's `image_dataset_from_directory`
 * reads one: class subfolders (or none), optionally `train/`, `validation/` (or `valid/`) and
 * `test/` splits. Images of any size and colour are decoded by {@link readImageFile} to one size
 * and colour and held as uint8 rows: in memory when they fit the memory budget, else in a cache
 * file ({@link FileRows}) written as they are decoded and read back a batch at a time.
 */

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { ArgumentError, InterruptedError } from '../core/errors.js';
import type { StepProgress } from '../core/progress.js';
import type { DataSpec, Dataset, ImageLayout } from './dataset.js';
import { imageShape } from './dataset.js';
import { IMAGE_EXTENSIONS, ImageFileError, readImageFile } from './image-files.js';
import { type FileRows, RowFileWriter } from './row-file.js';
import { type ByteRows, type ByteSamples, MemoryRows, PIXEL_NORMALIZATIONS, type PixelNormalization, RowSubset } from './samples.js';
import { seededPermutation, seededSplit } from './split.js';

/** What to load: a folder of images and how to split and convert it. */
export interface ImageFolderRequest {
  /** The folder: class subfolders of images, or images, optionally under `train/`, `validation/` (or `valid/`) and `test/`. */
  dir: string;
  /** Size every image is resized to (stretched, no crop). Default: the size of the first training image (sorted paths). */
  imageSize?: { height: number; width: number };
  /** Colour of the samples. Default: `rgb` if any of the first 32 training images has colour channels, else `grey`. */
  color?: 'grey' | 'rgb';
  /**
   * Fraction of the training images held out for validation (seeded), in (0, 1). Default 0.1, used
   * only when the folder has no `validation/`, `valid/` or `test/` of its own; given explicitly, it
   * always holds out that fraction of the training images (`test/` stays the test split).
   */
  validationSplit?: number;
  /** Seed of the validation split. Default 42. */
  seed?: number;
  /** How pixels become inputs: `none` (`v / 255`, default) or `gcn` (per-image global contrast normalisation, {@link globalContrastNormalize}). */
  normalize?: PixelNormalization;
}

/** How {@link loadImageFolder} holds and reports the images. */
export interface LoadImageFolderOptions {
  /** Bytes of decoded pixels held in memory at most; a larger folder is decoded into a cache file and read back per batch. Default 1 GiB. */
  memoryBudget?: number;
  /** Where the cache file goes. Default os.tmpdir(). */
  cacheDir?: string;
  /** Receives (decoded, total) images while decoding. */
  /** Stops decoding once aborted (the CLI aborts it on Ctrl-C): an `InterruptedError` is thrown, no cache file is left. */
  signal?: { readonly aborted: boolean };
  /** Decode only the validation and test images: `train` is then empty (commands that read no training images). Default false. */
  skipTrain?: boolean;
  progress?: StepProgress;
  /** The spec of a run trained before: use its image size, colour and class names (other sizes are resized; unknown class folders are an error naming them). */
  like?: Extract<DataSpec, { kind: 'images' }>;
  /** Decodes in flight, default 2 × os.availableParallelism(). */
  concurrency?: number;
}

const DEFAULT_SPLIT = 0.1;
const DEFAULT_SEED = 42;
const DEFAULT_BUDGET = 2 ** 30;
/** Files whose metadata decides the default colour. */
const COLOUR_PROBES = 32;
const MAX_CLASSES = 256;

/** An error about the folder given as `images` (the CLI's `--images`). */
function folderError(message: string, code: 'E_IMAGE_MISSING' | 'E_IMAGE_FORMAT' | 'E_IMAGE_SIZE', cause?: unknown): ImageFileError {
  return new ImageFileError(message, code, { argument: 'images', ...(cause === undefined ? {} : { cause }) });
}

/** `err` as an error about `images` (image-file errors already name the file). */
function asFolderError(err: unknown): unknown {
  if (err instanceof ImageFileError && err.argument === undefined)
    return folderError(err.message, err.code as 'E_IMAGE_MISSING' | 'E_IMAGE_FORMAT' | 'E_IMAGE_SIZE', err);
  return err;
}

const isImage = (name: string): boolean => (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** One split root as found on disk. */
interface ScannedRoot {
  /** Its name for messages, e.g. `train/` (or the folder itself). */
  name: string;
  /** Class folder names, sorted; null when the root holds its images directly. */
  classes: string[] | null;
  /** Image files, sorted (class by class, then by path), with their class folder. */
  files: { file: string; className: string | null }[];
  /** Image files directly in a root with class folders (not read). */
  ignored: number;
  /** Other files seen, by extension. */
  others: Map<string, number>;
}

async function readDir(dir: string): Promise<import('node:fs').Dirent[]> {
  return fs.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    throw folderError(`${dir}: expected a readable folder of images, but it cannot be read (${err.code})`, 'E_IMAGE_MISSING', err);
  });
}

async function isDirectory(dir: string, entry: import('node:fs').Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return (await fs.stat(path.join(dir, entry.name)).catch(() => null))?.isDirectory() ?? false;
}

/** Every image file under `dir` (recursively, sorted by path), counting other files in `others`. */
async function walk(dir: string, others: Map<string, number>): Promise<string[]> {
  const entries = (await readDir(dir)).filter((e) => !e.name.startsWith('.')).sort((a, b) => byCodeUnits(a.name, b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (await isDirectory(dir, entry)) files.push(...(await walk(full, others)));
    else if (isImage(entry.name)) files.push(full);
    else {
      const ext = path.extname(entry.name).toLowerCase() || '(no extension)';
      others.set(ext, (others.get(ext) ?? 0) + 1);
    }
  }
  return files;
}

/** The classes and image files of one split root. */
async function scanRoot(dir: string, name: string): Promise<ScannedRoot> {
  const entries = (await readDir(dir)).filter((e) => !e.name.startsWith('.'));
  const classes: string[] = [];
  let direct = 0;
  const others = new Map<string, number>();
  for (const entry of entries) {
    if (await isDirectory(dir, entry)) classes.push(entry.name);
    else if (isImage(entry.name)) direct++;
    else {
      const ext = path.extname(entry.name).toLowerCase() || '(no extension)';
      others.set(ext, (others.get(ext) ?? 0) + 1);
    }
  }
  classes.sort(byCodeUnits);
  if (classes.length === 0) {
    const files = (await walk(dir, new Map())).map((file) => ({ file, className: null }));
    return { name, classes: null, files, ignored: 0, others };
  }
  const files: ScannedRoot['files'] = [];
  for (const className of classes) for (const file of await walk(path.join(dir, className), others)) files.push({ file, className });
  return { name, classes, files, ignored: direct, others };
}

/** Fails when `root` holds no image files, saying what it looked for and what it found. */
function requireImages(root: ScannedRoot): void {
  if (root.files.length > 0) return;
  const found =
    root.others.size === 0
      ? root.classes === null
        ? 'nothing'
        : `only ${plural(root.classes.length, 'folder')} without image files`
      : [...root.others].map(([ext, n]) => `${plural(n, 'file')} ${ext}`).join(', ');
  throw folderError(
    `${root.name}: expected image files (${IMAGE_EXTENSIONS.join(', ')}, any case)${root.classes === null ? '' : ' in its class folders'}, found ${found}`,
    'E_IMAGE_MISSING',
  );
}

function checkOptions(request: ImageFolderRequest, options: LoadImageFolderOptions): void {
  const { imageSize, validationSplit, seed } = request;
  if (imageSize !== undefined)
    for (const side of ['height', 'width'] as const)
      if (!Number.isInteger(imageSize[side]) || imageSize[side] < 1)
        throw new ArgumentError('imageSize', `expected a positive integer ${side}, got ${imageSize[side]}`);
  if (validationSplit !== undefined && !(validationSplit > 0 && validationSplit < 1))
    throw new ArgumentError('validationSplit', `expected a fraction between 0 and 1 (exclusive), got ${validationSplit}`);
  if (seed !== undefined && !Number.isInteger(seed)) throw new ArgumentError('seed', `expected an integer, got ${seed}`);
  if (request.color !== undefined && request.color !== 'grey' && request.color !== 'rgb')
    throw new ArgumentError('color', `expected 'grey' or 'rgb', got '${request.color}'`);
  if (request.normalize !== undefined && !PIXEL_NORMALIZATIONS.includes(request.normalize))
    throw new ArgumentError('normalize', `expected ${PIXEL_NORMALIZATIONS.join(' or ')}, got '${request.normalize}'`);
  const { memoryBudget, concurrency, like } = options;
  if (memoryBudget !== undefined && !(memoryBudget >= 0))
    throw new ArgumentError('memoryBudget', `expected a number of bytes ≥ 0, got ${memoryBudget}`);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new ArgumentError('concurrency', `expected a positive integer, got ${concurrency}`);
  if (like !== undefined) {
    const { height, width } = like.image;
    if (imageSize !== undefined && (imageSize.height !== height || imageSize.width !== width))
      throw new ArgumentError('imageSize', `the run was trained on ${height}×${width} images, got ${imageSize.height}×${imageSize.width}`);
    const likeColour = like.image.channels === 3 ? 'rgb' : 'grey';
    if (request.color !== undefined && request.color !== likeColour)
      throw new ArgumentError('color', `the run was trained on ${likeColour} images, got '${request.color}'`);
    const likeNormalize = like.normalize ?? 'none';
    if (request.normalize !== undefined && request.normalize !== likeNormalize)
      throw new ArgumentError('normalize', `the run was trained on images normalised '${likeNormalize}', got '${request.normalize}'`);
  }
}

/** `bytes` for people: `154 MB`. */
function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/** The default colour: `rgb` when any of the first files has three or more channels (sharp's metadata). */
async function detectColour(files: readonly string[]): Promise<'grey' | 'rgb'> {
  for (const file of files.slice(0, COLOUR_PROBES)) {
    const meta = await sharp(file)
      .metadata()
      .catch(async (err: Error) => {
        // The decoder says best what is wrong with the file (its format, the damage).
        await readImageFile(file, { dtype: 'uint8' }).catch((decodeErr: unknown) => {
          throw asFolderError(decodeErr);
        });
        throw folderError(
          `${file}: expected a readable PNG, JPEG or WebP image, found a damaged file (${err.message.split('\n')[0]})`,
          'E_IMAGE_FORMAT',
          err,
        );
      });
    if ((meta.channels ?? 1) >= 3) return 'rgb';
  }
  return 'grey';
}

/**
 * Decodes `files` (`concurrency` at a time) and hands row `i`'s pixels to `store(i, pixels)` as
 * each decode finishes; no more than `concurrency` decoded images are held at once. Stops at the
 * first failure, waits for the decodes in flight, then throws the failure of the first of them in `files`' order (the same file whatever the timing).
 */
async function decodeAll(
  files: readonly string[],
  read: { colour: 'grey' | 'rgb'; size: { height: number; width: number } },
  store: (row: number, pixels: Uint8Array) => void,
  concurrency: number,
  progress: StepProgress | undefined,
  signal: { readonly aborted: boolean } | undefined,
): Promise<void> {
  let next = 0;
  let done = 0;
  let reported = 0;
  let failedRow = Number.POSITIVE_INFINITY;
  let failure: unknown;
  const step = Math.max(1, Math.floor(files.length / 200));
  const worker = async (): Promise<void> => {
    while (failedRow === Number.POSITIVE_INFINITY && next < files.length && signal?.aborted !== true) {
      const row = next++;
      try {
        const { data } = await readImageFile(files[row]!, { ...read, resize: true, dtype: 'uint8' });
        if (failedRow !== Number.POSITIVE_INFINITY) return;
        store(row, data);
        done++;
        if (progress !== undefined && (done - reported >= step || done === files.length)) {
          reported = done;
          await progress.update(done, files.length);
        }
      } catch (err) {
        // Rows are handed out in order, so every row before a failed one was decoded or is in flight:
        // keeping the lowest failed row reports the same damaged file whatever the timing.
        if (row < failedRow) {
          failedRow = row;
          failure = asFolderError(err);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  if (failedRow !== Number.POSITIVE_INFINITY) throw failure;
  if (signal?.aborted === true)
    throw new InterruptedError(`interrupted while decoding images (${done} of ${files.length}): nothing was written`, {
      checkpointed: false,
      epoch: 0,
      batch: 0,
    });
}

/**
 * Loads a folder of images as a {@link Dataset} of uint8 {@link ByteSamples} (pixel `v` stands
 * for `v / 255`), with the rules of Keras's `image_dataset_from_directory`:
 *
 * - every `.png`, `.jpg`, `.jpeg` and `.webp` file (any case) is read;
 * - with `dir/train`: train = `train/`; validation = `validation/` or `valid/`, else `test/`,
 *   else a seeded `validationSplit` (default 0.1) of train; test = `test/` when present. An
 *   explicit `validationSplit` always holds that fraction of train out (then `validation/` is not read);
 * - without `dir/train`, `dir` itself is split (seeded, default 0.1) and there is no test split;
 * - subfolders of a split root are classes (sorted names, label = index, one class list for every
 *   split); image files beside class folders are ignored (the `source` says how many);
 * - every image is resized to `imageSize` (default: the first training image's size) and
 *   converted to `color` (default: `rgb` if any of the first 32 training images has colour).
 *
 * The pixels are held in memory when they fit `memoryBudget`, else decoded straight into a cache
 * file in `cacheDir` that {@link Dataset.close} removes (and process exit, at the latest); memory
 * stays flat whatever the folder's size. Samples have shape `[h, w]` (grey) or `[h, w, 3]`.
 *
 * @throws ImageFileError (argument `images`) naming the folder or file: a folder that is missing,
 *   not a folder or holds no images; a damaged image; class folders that differ between splits
 *   (or from `like`'s); more than 256 classes. ArgumentError for an `imageSize` that is not
 *   positive, a `validationSplit` outside (0, 1) or one that leaves no training or validation image.
 * @example
 * const data = await loadImageFolder({ dir: 'cifar10/', color: 'rgb' });
 * console.log(data.source); // cifar10/: 50,000 train / 10,000 validation (test/) / 10,000 test, 32×32 RGB, 10 classes, in memory (184 MB)
 * await data.close?.();
 */
export async function loadImageFolder(request: ImageFolderRequest, options: LoadImageFolderOptions = {}): Promise<Dataset> {
  checkOptions(request, options);
  const { dir, seed = DEFAULT_SEED } = request;
  const { memoryBudget = DEFAULT_BUDGET, cacheDir = os.tmpdir(), progress, like, signal } = options;
  const concurrency = options.concurrency ?? 2 * os.availableParallelism();
  const explicitSplit = request.validationSplit !== undefined;
  const validationSplit = request.validationSplit ?? like?.validationSplit ?? DEFAULT_SPLIT;

  const stat = await fs.stat(dir).catch((err: NodeJS.ErrnoException) => {
    throw folderError(
      `${dir}: expected a folder of images (${IMAGE_EXTENSIONS.join(', ')}), but it ${err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code})`}`,
      'E_IMAGE_MISSING',
      err,
    );
  });
  if (!stat.isDirectory())
    throw folderError(
      `${dir}: expected a folder of images (${IMAGE_EXTENSIONS.join(', ')}), found a file; give the folder that holds it`,
      'E_IMAGE_MISSING',
    );

  const sub = async (name: string): Promise<string | null> =>
    (await fs.stat(path.join(dir, name)).catch(() => null))?.isDirectory() ? path.join(dir, name) : null;
  const shown = (name: string): string => path.join(dir, name) + path.sep;
  const notes: string[] = [];
  const trainDir = await sub('train');
  let train: ScannedRoot;
  let validRoot: ScannedRoot | null = null;
  let testRoot: ScannedRoot | null = null;
  let validName: string | null = null;
  if (trainDir !== null) {
    train = await scanRoot(trainDir, shown('train'));
    const testDir = await sub('test');
    if (testDir !== null) testRoot = await scanRoot(testDir, shown('test'));
    const validationName = (await sub('validation')) !== null ? 'validation' : (await sub('valid')) !== null ? 'valid' : null;
    if (explicitSplit) {
      if (validationName !== null) notes.push(`${validationName}/ not read (validationSplit given)`);
    } else if (validationName !== null) {
      validRoot = await scanRoot(path.join(dir, validationName), shown(validationName));
      validName = `${validationName}/`;
    } else if (testRoot !== null) {
      validRoot = testRoot;
      validName = 'test/';
    }
  } else {
    train = await scanRoot(dir, dir.endsWith(path.sep) ? dir : dir + path.sep);
  }
  const roots = [train, validRoot, testRoot].filter((r, i, all): r is ScannedRoot => r !== null && all.indexOf(r) === i);
  for (const root of roots) requireImages(root);

  // One class list for every split: the run's (like) or train/'s.
  const classes = like?.classes ?? train.classes ?? [];
  if (classes.length > MAX_CLASSES)
    throw folderError(
      `${train.name}: expected at most ${MAX_CLASSES} class folders (labels are bytes), found ${count(classes.length)}`,
      'E_IMAGE_FORMAT',
    );
  const labelled = train.classes !== null;
  for (const root of roots) {
    if ((root.classes !== null) !== labelled)
      throw folderError(
        `${root.name}: expected ${labelled ? `class folders as in ${train.name}` : `its images directly, as ${train.name} holds them`}, found ${root.classes === null ? 'images without class folders' : `class folders (${root.classes.join(', ')})`}`,
        'E_IMAGE_FORMAT',
      );
    const unknown = (root.classes ?? []).filter((c) => !classes.includes(c));
    if (unknown.length > 0)
      throw folderError(
        `${root.name}: class folder${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} ${like !== undefined ? 'not among the classes the run was trained on' : `not in ${train.name}`} (${classes.length === 0 ? 'none' : classes.join(', ')})`,
        'E_IMAGE_FORMAT',
      );
    if (root.ignored > 0)
      notes.push(`${plural(root.ignored, 'image file')} directly in ${path.basename(root.name)}/ ignored (not in a class folder)`);
  }

  // Rows in the store: kept train images, validation images, test images (each a contiguous range).
  let trainFiles = train.files;
  let validFiles: ScannedRoot['files'];
  if (validRoot === null) {
    const n = trainFiles.length;
    if (n < 2)
      throw new ArgumentError(
        'validationSplit',
        `${train.name} holds ${plural(n, 'image')}: a validation split needs at least 2; add images`,
      );
    const split = seededSplit(n, validationSplit, seed);
    const all = trainFiles;
    validFiles = Array.from(split.valid, (i) => all[i]);
    trainFiles = Array.from(split.train, (i) => all[i]);
    validName = `${Math.round(validationSplit * 1000) / 10}% of ${trainDir === null ? 'the folder' : 'train/'}, seed ${seed}`;
  } else validFiles = validRoot.files;
  // Validation and test images in a seeded order, as Keras shuffles them: the first N of a split
  // (maps, encodings, pictures) are a sample of every class, not the first class folder.
  const shuffle = <T>(files: readonly T[], salt: number): T[] => Array.from(seededPermutation(files.length, seed + salt), (i) => files[i]);
  validFiles = shuffle(validFiles, 1);
  const testShared = testRoot !== null && testRoot === validRoot;
  const testFiles = testRoot === null ? null : testShared ? validFiles : shuffle(testRoot.files, 2);
  // Commands that read only validation and test images leave the training images undecoded.
  const decodedTrain = options.skipTrain === true ? [] : trainFiles;
  const storeFiles = [...decodedTrain, ...validFiles, ...(testFiles === null || testShared ? [] : testFiles)];

  const colour =
    like !== undefined
      ? like.image.channels === 3
        ? 'rgb'
        : 'grey'
      : (request.color ?? (await detectColour(train.files.map((f) => f.file))));
  let size = like?.image ?? request.imageSize;
  if (size === undefined) {
    const first = await readImageFile(train.files[0]!.file, { colour, dtype: 'uint8' }).catch((err: unknown) => {
      throw asFolderError(err);
    });
    size = { height: first.height, width: first.width };
  }
  const image: ImageLayout = { height: size.height, width: size.width, channels: colour === 'rgb' ? 3 : 1 };
  const rowBytes = image.height * image.width * image.channels;
  const total = storeFiles.length;
  const totalBytes = total * rowBytes;

  let base: ByteRows;
  let fileRows: FileRows | null = null;
  const read = { colour, size: { height: image.height, width: image.width } } as const;
  const files = storeFiles.map((f) => f.file);
  try {
    if (totalBytes <= memoryBudget) {
      const bytes = new Uint8Array(totalBytes);
      await decodeAll(files, read, (row, pixels) => bytes.set(pixels, row * rowBytes), concurrency, progress, signal);
      base = new MemoryRows(bytes, rowBytes);
    } else {
      await fs.mkdir(cacheDir, { recursive: true });
      const writer = RowFileWriter.create(rowBytes, total, { dir: cacheDir });
      try {
        await decodeAll(files, read, (row, pixels) => writer.writeRow(row, pixels), concurrency, progress, signal);
      } catch (err) {
        writer.abort();
        throw err;
      }
      fileRows = writer.finish();
      base = fileRows;
    }
  } finally {
    progress?.stop();
  }

  const normalize = like !== undefined ? (like.normalize ?? 'none') : (request.normalize ?? 'none');
  const labels = labelled ? Uint8Array.from(storeFiles, (f) => classes.indexOf(f.className!)) : null;
  const shape = imageShape(image);
  const split = (from: number, n: number): ByteSamples => {
    const bytes =
      base instanceof MemoryRows
        ? new MemoryRows(base.bytes.subarray(from * rowBytes, (from + n) * rowBytes), rowBytes)
        : new RowSubset(
            base,
            Uint32Array.from({ length: n }, (_, i) => from + i),
          );
    return {
      bytes,
      shape,
      count: n,
      ...(labels === null ? {} : { labels: labels.subarray(from, from + n) }),
      ...(normalize === 'gcn' ? { normalize } : {}),
    };
  };
  const trainSamples = split(0, decodedTrain.length);
  const validSamples = split(decodedTrain.length, validFiles.length);
  const testSamples =
    testFiles === null ? undefined : testShared ? validSamples : split(decodedTrain.length + validFiles.length, testFiles.length);

  const counts = [
    `${count(trainFiles.length)} train${decodedTrain.length < trainFiles.length ? ' (not read)' : ''}`,
    `${count(validFiles.length)} validation (${validName})`,
  ];
  if (testFiles !== null) counts.push(`${count(testFiles.length)} test`);
  const held =
    fileRows === null ? `in memory (${formatBytes(totalBytes)})` : `streamed from a cache file in ${cacheDir} (${formatBytes(totalBytes)})`;
  const source = [
    `${dir}: ${counts.join(' / ')}`,
    `${image.height}×${image.width} ${colour === 'rgb' ? 'RGB' : 'grey'}`,
    classes.length === 0 ? 'no classes' : `${count(classes.length)} class${classes.length === 1 ? '' : 'es'}`,
    held,
    ...(normalize === 'gcn' ? ['global contrast normalisation (gcn)'] : []),
  ].join(', ');

  const spec: Extract<DataSpec, { kind: 'images' }> = {
    kind: 'images',
    dir,
    image,
    classes: [...classes],
    validationSplit,
    seed,
    ...(normalize === 'gcn' ? { normalize } : {}),
  };
  const cache = fileRows;
  return {
    train: trainSamples,
    valid: validSamples,
    ...(testSamples === undefined ? {} : { test: testSamples }),
    source: notes.length === 0 ? source : `${source}; ${notes.join('; ')}`,
    spec,
    unitRange: true,
    image,
    classes: [...classes],
    async close(): Promise<void> {
      cache?.close();
    },
  };
}
