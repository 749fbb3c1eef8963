/** `aekit map RUN_DIR`: 2-D maps of the codings (t-SNE, UMAP, PCA) with k-NN accuracies. */

import * as path from 'node:path';
import { Command } from 'commander';
import { encodeAll } from '../../analysis/codings.js';
import { knnAccuracy, nearestNeighbours } from '../../analysis/knn.js';
import { REDUCE_METHODS, type ReduceMethod, reduceTo2d } from '../../analysis/reduce.js';
import { writeFileAtomic } from '../../core/fs.js';
import { toFloatSamples } from '../../data/samples.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { splitOf } from '../../runs/run-data.js';
import { openRun } from '../../runs/saved-run.js';
import { scatterMapPng, thumbnailMapPng } from '../../viz/map-plot.js';
import { addDataFlags, commandData, type DataFlags } from '../data-flags.js';
import { backendOption, choiceFlag, intFlag, positiveFlag, UsageError } from '../options.js';
import { stepProgress } from '../progress.js';

/** Defaults of `aekit map` (shown in `--help`). */
export const MAP_DEFAULTS = { method: 'tsne', count: 5000, split: 'valid', seed: 42, perplexity: 30, k: 5 } as const;

const METHOD_TITLES: Record<ReduceMethod, string> = { tsne: 't-SNE', umap: 'UMAP', pca: 'PCA' };

interface MapFlags extends DataFlags {
  method: ReduceMethod;
  count: number;
  split: 'valid' | 'test';
  out?: string;
  thumbnails?: boolean;
  seed: number;
  perplexity: number;
  iterations?: number;
  raw: boolean;
  backend: BackendName;
}

/** Builds the `map` command. */
export function mapCommand(): Command {
  const command = new Command('map')
    .description(
      "reduce the codings of validation samples (the run's data, or the data given) to 2-D and draw them coloured by class; writes FILE.png, FILE.csv (label,x,y), FILE.json (k-NN accuracies, when the data has labels) and, for images with --thumbnails, FILE-thumbnails.png",
    )
    .argument('<run-dir>', "directory written by 'aekit train'")
    .option('--method <name>', `reduction: ${REDUCE_METHODS.join(', ')}`, choiceFlag(REDUCE_METHODS), MAP_DEFAULTS.method)
    .option('--count <n>', 'number of images (the first N of the split)', intFlag(20), MAP_DEFAULTS.count)
    .option('--split <name>', 'images from: valid, test', choiceFlag(['valid', 'test'] as const), MAP_DEFAULTS.split)
    .option('--out <file.png>', 'PNG to write (default: RUN_DIR/map-<method>.png)')
    .option('--thumbnails', "also draw the book's thumbnail view as FILE-thumbnails.png")
    .option('--seed <n>', 'seed of UMAP / random t-SNE initialisation', intFlag(0), MAP_DEFAULTS.seed)
    .option('--perplexity <x>', 't-SNE perplexity', positiveFlag, MAP_DEFAULTS.perplexity)
    .option('--iterations <n>', 't-SNE iterations (default 1000) or UMAP epochs (default 500 below 10,000 points)', intFlag(1))
    .option('--no-raw', 'skip the k-NN accuracy on raw pixels (saves ~10 s for 5,000 images)');
  addDataFlags(command, 'map');
  return command.addOption(backendOption()).action(async (dir: string, flags: MapFlags) => {
    const out = flags.out ?? path.join(dir, `map-${flags.method}.png`);
    if (path.extname(out).toLowerCase() !== '.png') throw new UsageError(`--out '${out}': expected a file name ending in .png`);
    const base = out.slice(0, -4);
    await useBackend(flags.backend);
    const { model: encoder, metrics } = await openRun(dir, 'encoder');
    const data = await commandData(metrics, flags, encoder, { train: false });
    const split = splitOf(data, flags.split);
    const count = Math.min(flags.count, split.count);
    if (count < 3) throw new UsageError(`--split ${flags.split}: ${count} samples are too few for a map (need at least 3)`);
    const labelled = split.labels !== undefined;
    const labels = split.labels?.subarray(0, count) ?? new Uint8Array(count);
    const classNames = labelled ? (data.classes ?? Array.from({ length: 256 }, (_, i) => `class ${i}`)) : ['unlabelled'];
    const samples = toFloatSamples(split, count);
    await data.close?.();
    const images = samples.x;
    const per = images.length / count;
    const k = MAP_DEFAULTS.k;
    const codings = await encodeAll(encoder, images, count);
    console.log(`encoded ${count} ${flags.split} images: codings of ${codings.shape[0]} floats`);
    // Neighbour lists are shared by the k-NN score and the reducer (t-SNE needs 3·perplexity).
    const need = Math.min(
      count - 1,
      Math.max(k, flags.method === 'tsne' ? Math.floor(3 * flags.perplexity) : flags.method === 'umap' ? 14 : k),
    );
    const nb = nearestNeighbours(codings, need);
    const knnCodings = labelled ? knnAccuracy(codings, labels, k, nb) : null;
    const started = performance.now();
    const xy = await reduceTo2d(flags.method, codings, {
      seed: flags.seed,
      perplexity: flags.perplexity,
      iterations: flags.iterations,
      neighbours: nb,
      progress: stepProgress(`${METHOD_TITLES[flags.method]} on ${count} codings`),
    });
    const seconds = (performance.now() - started) / 1000;
    const knnMap = labelled ? knnAccuracy(xy, labels, k) : null;
    const knnRaw = flags.raw && labelled ? knnAccuracy({ x: images, shape: [per], count }, labels, k) : null;
    const title = `${METHOD_TITLES[flags.method]} of ${count} ${flags.split} codings (${path.basename(path.resolve(dir))})`;
    await writeFileAtomic(out, await scatterMapPng(xy, labels, { classNames, title }));
    const rows = Array.from({ length: count }, (_, i) => `${i},${labels[i]},${xy.x[2 * i]},${xy.x[2 * i + 1]}\n`);
    await writeFileAtomic(`${base}.csv`, `index,label,x,y\n${rows.join('')}`);
    const summary = {
      method: flags.method,
      split: flags.split,
      count,
      codingSize: codings.shape[0],
      seconds,
      seed: flags.seed,
      perplexity: flags.method === 'tsne' ? flags.perplexity : null,
      k,
      knnAccuracy: { codings: knnCodings, map: knnMap, rawPixels: knnRaw },
      image: path.basename(out),
      thumbnails: flags.thumbnails ? `${path.basename(base)}-thumbnails.png` : null,
    };
    await writeFileAtomic(`${base}.json`, `${JSON.stringify(summary, null, 2)}\n`);
    if (flags.thumbnails && data.image === undefined) throw new UsageError("--thumbnails draws images: the run's data are not images");
    if (flags.thumbnails)
      await writeFileAtomic(
        `${base}-thumbnails.png`,
        await thumbnailMapPng(xy, labels, images, { classNames, title, shape: data.image, invert: data.image?.channels !== 3 }),
      );
    console.log(`${METHOD_TITLES[flags.method]}: ${seconds.toFixed(1)} s for ${count} points`);
    if (knnCodings !== null && knnMap !== null)
      console.log(
        `${k}-NN accuracy (leave-one-out): codings ${knnCodings.toFixed(4)}, 2-D map ${knnMap.toFixed(4)}${knnRaw === null ? '' : `, raw ${data.image === undefined ? 'inputs' : 'pixels'} ${knnRaw.toFixed(4)}`}`,
      );
    else console.log('no k-NN accuracy: the data has no labels');
    console.log(`wrote ${out}, ${base}.csv, ${base}.json${flags.thumbnails ? `, ${base}-thumbnails.png` : ''}`);
  });
}
