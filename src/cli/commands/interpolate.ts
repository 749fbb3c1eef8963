/** `aekit interpolate RUN_DIR --out FILE.png`: decodings along lines between codings of real images. */
import { Command } from 'commander';
import { writeFileAtomic } from '../../core/fs.js';
import { toFloatSamples } from '../../data/samples.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { openRun } from '../../runs/saved-run.js';
import { interpolationGrid } from '../../viz/vae-grids.js';
import { addDataFlags, commandData, type DataFlags } from '../data-flags.js';
import { backendOption, intFlag, UsageError } from '../options.js';

/** Builds the `interpolate` command. */
export function interpolateCommand(): Command {
  const command = new Command('interpolate')
    .description(
      'encode pairs of validation images, decode evenly spaced points on the straight line between their codings, and draw one row per pair (original, decodings, original)',
    )
    .argument('<run-dir>', "directory written by 'aekit train' (vae gives the smoothest paths)")
    .requiredOption('--out <file.png>', 'PNG file to write')
    .option('--rows <n>', 'number of image pairs (rows)', intFlag(1), 5)
    .option('--steps <n>', 'decodings per row, ends included', intFlag(2), 7)
    .option('--from <index>', 'first validation image: pairs are images (from, from+1), (from+2, from+3), …', intFlag(0), 0);
  addDataFlags(command, 'interpolate between', { sequences: false });
  return command
    .addOption(backendOption())
    .action(async (dir: string, flags: DataFlags & { out: string; rows: number; steps: number; from: number; backend: BackendName }) => {
      await useBackend(flags.backend);
      const { model: encoder, metrics } = await openRun(dir, 'encoder');
      const { model: decoder } = await openRun(dir, 'decoder');
      // --steps here counts decodings, not the time steps of --sequences data (not offered here).
      const data = await commandData(metrics, { ...flags, steps: undefined }, encoder, { train: false });
      if (data.image === undefined) {
        await data.close?.();
        throw new UsageError(`'${dir}': the run's data are not images; interpolate draws images`);
      }
      const last = flags.from + 2 * flags.rows;
      if (last > data.valid.count)
        throw new UsageError(
          `--from ${flags.from} with --rows ${flags.rows} needs validation images up to ${last - 1}, but there are ${data.valid.count}`,
        );
      const per = data.valid.shape.reduce((a, b) => a * b, 1);
      const pairs = toFloatSamples(data.valid, last).x.subarray(flags.from * per, last * per);
      await data.close?.();
      await writeFileAtomic(flags.out, await interpolationGrid(encoder, decoder, pairs, flags.rows, flags.steps));
      console.log(`wrote ${flags.rows} rows × ${flags.steps} interpolated images to ${flags.out}`);
    });
}
