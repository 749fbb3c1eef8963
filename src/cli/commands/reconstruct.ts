/** `aekit reconstruct RUN_DIR --out FILE.png`: draws originals and reconstructions of a saved run. */
import { Command } from 'commander';
import { featureErrors } from '../../analysis/scores.js';
import { writeFileAtomic } from '../../core/fs.js';
import { toFloatSamples } from '../../data/samples.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { splitOf } from '../../runs/run-data.js';
import { openRun } from '../../runs/saved-run.js';
import { featureErrorsPng } from '../../viz/feature-errors.js';
import { reconstructionGrid } from '../../viz/reconstructions.js';
import { addDataFlags, commandData, type DataFlags } from '../data-flags.js';
import { backendOption, choiceFlag, intFlag } from '../options.js';

/** Builds the `reconstruct` command. */
export function reconstructCommand(): Command {
  const command = new Command('reconstruct')
    .description(
      'images: draw samples of a split (top rows) and their reconstructions (rows below) as a PNG; tables and other data: a bar chart of the mean squared error of every feature',
    )
    .argument('<run-dir>', "directory written by 'aekit train'")
    .requiredOption('--out <file.png>', 'PNG file to write')
    .option('--count <n>', 'number of images drawn (tables: all samples of the split are scored)', intFlag(1), 10)
    .option('--split <name>', 'samples from: valid, test', choiceFlag(['valid', 'test'] as const), 'valid');
  addDataFlags(command, 'reconstruct');
  return command
    .addOption(backendOption())
    .action(async (dir: string, flags: DataFlags & { out: string; count: number; split: 'valid' | 'test'; backend: BackendName }) => {
      await useBackend(flags.backend);
      const run = await openRun(dir);
      const data = await commandData(run.metrics, flags, run.model, { train: false });
      try {
        const split = splitOf(data, flags.split);
        if (data.image !== undefined) {
          const n = Math.min(flags.count, split.count);
          await writeFileAtomic(flags.out, await reconstructionGrid(run.model, toFloatSamples(split, n).x, { count: n, ...data.image }));
          console.log(`wrote ${flags.out}: ${n} ${flags.split} images and their reconstructions`);
          return;
        }
        const errors = await featureErrors(run.model, split);
        const names = data.features ?? Array.from(errors, (_, i) => `feature ${i + 1}`);
        await writeFileAtomic(
          flags.out,
          await featureErrorsPng([...names], Array.from(errors), {
            title: `mean squared error per feature, ${split.count} ${flags.split} samples`,
          }),
        );
        const worst = Array.from(errors, (e, i) => [e, i] as const).sort((a, b) => b[0] - a[0]);
        console.log(
          `wrote ${flags.out}: error per feature over ${split.count} ${flags.split} samples; largest: ${worst
            .slice(0, 5)
            .map(([e, i]) => `${names[i]} ${e.toFixed(4)}`)
            .join(', ')}`,
        );
      } finally {
        await data.close?.();
      }
    });
}
