/**
 * A data set ready for training — train, validation and test samples with the description of
 * where they came from and how they were prepared ({@link DataSpec}), which a run records so that
 * every later command reads the same data the same way.
 */
import type { AnySamples, PixelNormalization } from './samples.js';

/** How images are laid out: samples of shape `[height, width]` (grey) or `[height, width, 3]` (RGB). */
export interface ImageLayout {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** The sample shape of images of `layout`: `[h, w]` for grey (as Fashion-MNIST), `[h, w, 3]` for RGB. */
export function imageShape(layout: ImageLayout): number[] {
  return layout.channels === 1 ? [layout.height, layout.width] : [layout.height, layout.width, 3];
}

/** Scaling of table columns fitted on the training rows: `x' = (x − shift) / scale` per column. */
export interface ColumnScaling {
  method: 'standard' | 'minmax' | 'none';
  shift: number[];
  scale: number[];
}

/**
 * Where a run's data comes from and how it is prepared, complete enough to load the same data the
 * same way again (recorded in metrics.json as `data.spec`). Fitted preprocessing (table scaling) is
 * part of it, so later commands apply the training rows' scaling to any data.
 */
export type DataSpec =
  | { kind: 'fashion-mnist'; dataDir?: string; excludeClass?: number }
  | {
      kind: 'images';
      /** The folder given to `--images`. */
      dir: string;
      image: ImageLayout;
      /** Class names, from the subfolders (sorted); empty when the images are not in class folders. */
      classes: string[];
      /** Fraction of the training images kept for validation when the folder has no `test/`… split of its own. */
      validationSplit: number;
      seed: number;
      /** Set when the pixels were normalised (`gcn`); absent: `v / 255`. */
      normalize?: 'gcn';
    }
  | { kind: 'npy'; file: string; validationSplit: number; seed: number }
  | { kind: 'idx'; file: string; labels?: string; validationSplit: number; seed: number }
  | {
      kind: 'table';
      file: string;
      /** Feature columns, in order. */
      columns: string[];
      labelColumn?: string;
      /** Class names of the label column's values (label `i` = `classes[i]`). */
      classes?: string[];
      missing: 'drop' | 'mean' | 'error';
      /** Fitted on the training rows; `mean` imputation uses `shift` of a standard scaling's means too. */
      scaling: ColumnScaling;
      /** Column means of the training rows (used by `--missing mean`). */
      means: number[];
      validationSplit: number;
      seed: number;
    }
  | { kind: 'sequences'; file: string; steps: number; features: number; validationSplit: number; seed: number }
  | {
      kind: 'series';
      /** The CSV file given to `--series`. */
      file: string;
      timestampColumn: string;
      /** Value columns (features), in order. */
      valueColumns: string[];
      /** Time steps per window (sample). */
      window: number;
      /** Steps between consecutive windows' starts. */
      stride: number;
      /** The last fraction of the rows, held out for validation (split by time). */
      validationSplit: number;
      /** Z-scores fitted on the training rows. */
      scaling: ColumnScaling;
    }
  /** The book's generated 3-D point cloud (the linear model's data). */
  | { kind: 'points'; count: number; seed: number };

/** The data a run trains on. */
export interface Dataset {
  train: AnySamples;
  valid: AnySamples;
  test?: AnySamples;
  /** Where the data came from, for people. */
  source: string;
  /** How to load it again. */
  spec: DataSpec;
  /** True when every value lies in [0, 1] (images, min-max-scaled tables): models end in a sigmoid. */
  unitRange: boolean;
  /** Set when samples are images that can be drawn (grids, map thumbnails). */
  image?: ImageLayout;
  /** Names of the classes the labels stand for, when known. */
  classes?: readonly string[];
  /** Names of the features of one sample (table columns), when known. */
  features?: readonly string[];
  /** Releases what the data holds outside memory (a streaming cache file); idempotent. */
  close?(): Promise<void>;
}

/** How the pixels of a run's images became its inputs (`gcn` when its spec says so). */
export function pixelNormalization(spec: DataSpec): PixelNormalization {
  return spec.kind === 'images' && spec.normalize === 'gcn' ? 'gcn' : 'none';
}
