/** `aekit reconstruct RUN_DIR --out FILE.png`: draws originals and reconstructions of a saved run. */
import { Command } from 'commander';
import { writeFileAtomic } from '../../core/fs.js';
import { loadFashionMnist } from '../../data/fashion-mnist.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { openRun } from '../../runs/saved-run.js';
import { reconstructionGrid } from '../../viz/reconstructions.js';
import { backendOption, choiceFlag, dataDirOption, intFlag } from '../options.js';

/** Builds the `reconstruct` command. */
export function reconstructCommand(): Command {
  return new Command('reconstruct')
    .description('draw images of a split (top rows) and their reconstructions by a saved run (rows below) as a PNG')
    .argument('<run-dir>', "directory written by 'aekit train'")
    .requiredOption('--out <file.png>', 'PNG file to write')
    .option('--count <n>', 'number of images', intFlag(1), 10)
    .option('--split <name>', 'images from: valid, test', choiceFlag(['valid', 'test'] as const), 'valid')
    .addOption(dataDirOption())
    .addOption(backendOption())
    .action(async (dir: string, flags: { out: string; count: number; split: 'valid' | 'test'; dataDir?: string; backend: BackendName }) => {
      await useBackend(flags.backend);
      const run = await openRun(dir);
      const data = await loadFashionMnist({ dataDir: flags.dataDir });
      await writeFileAtomic(flags.out, await reconstructionGrid(run.model, data[flags.split].x, { count: flags.count }));
      console.log(`wrote ${flags.out}: ${Math.min(flags.count, data[flags.split].count)} ${flags.split} images and their reconstructions`);
    });
}
