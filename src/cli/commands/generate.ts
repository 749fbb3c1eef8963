/** `aekit generate RUN_DIR --count 12 --out FILE.png`: decodes random codings of a VAE run. */
import { Command } from 'commander';
import { writeFileAtomic } from '../../core/fs.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { openRun } from '../../runs/saved-run.js';
import { imageGrid, imageShapeOf, imageSize } from '../../viz/image-grid.js';
import { generateImages, rowsOf } from '../../viz/vae-grids.js';
import { backendOption, intFlag, UsageError } from '../options.js';

/** Builds the `generate` command. */
export function generateCommand(): Command {
  return new Command('generate')
    .description("decode codings drawn from N(0, I) with a run's decoder (a vae run) and draw them as a PNG grid")
    .argument('<run-dir>', "directory written by 'aekit train vae'")
    .requiredOption('--out <file.png>', 'PNG file to write')
    .option('--count <n>', 'number of images', intFlag(1), 12)
    .option('--cols <n>', 'images per row', intFlag(1), 6)
    .option('--seed <n>', 'seed of the codings', intFlag(0), 42)
    .addOption(backendOption())
    .action(async (dir: string, flags: { out: string; count: number; cols: number; seed: number; backend: BackendName }) => {
      await useBackend(flags.backend);
      const { model: decoder, metrics } = await openRun(dir, 'decoder');
      if (metrics.model !== 'vae') console.warn(`note: '${dir}' is a ${metrics.model} run; its codings were not trained to follow N(0, I)`);
      if (metrics.data.image === undefined && metrics.data.spec !== undefined && metrics.data.spec.kind !== 'fashion-mnist')
        throw new UsageError(`'${dir}' was trained on ${metrics.data.spec.kind} data, not images: there is nothing to draw`);
      const shape = imageShapeOf(decoder.outputs[0].shape);
      const images = generateImages(decoder, flags.count, flags.seed);
      await writeFileAtomic(flags.out, await imageGrid(rowsOf(images, flags.count, flags.cols, imageSize(shape)), { scale: 3, ...shape }));
      console.log(`wrote ${flags.count} generated images to ${flags.out}`);
    });
}
