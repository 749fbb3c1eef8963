/** `aekit encode RUN_DIR --out FILE`: the encoder's codings of a split as CSV or .npy. */
import { Command } from 'commander';
import { encodeBatches, writeCodings } from '../../analysis/codings.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { splitOf } from '../../runs/run-data.js';
import { openRun } from '../../runs/saved-run.js';
import { addDataFlags, commandData, type DataFlags } from '../data-flags.js';
import { backendOption, choiceFlag, intFlag, UsageError } from '../options.js';

/** Defaults of `aekit encode` (shown in `--help`). */
export const ENCODE_DEFAULTS = { split: 'valid', batchSize: 256 } as const;

type SplitName = 'train' | 'valid' | 'test';

/** Builds the `encode` command. */
export function encodeCommand(): Command {
  const command = new Command('encode')
    .description(
      "write the encoder's codings of a split of the run's data (or the data given), one row per sample with its label first (-1 when the data has none): CSV, or float32 .npy (by the file's extension); computed in batches so memory stays flat",
    )
    .argument('<run-dir>', "directory written by 'aekit train'")
    .requiredOption('--out <file>', 'file to write: FILE.csv or FILE.npy')
    .option('--split <name>', 'images from: train, valid, test', choiceFlag(['train', 'valid', 'test'] as const), ENCODE_DEFAULTS.split)
    .option('--limit <n>', 'encode only the first N images of the split', intFlag(1))
    .option('--batch-size <n>', 'samples per batch', intFlag(1), ENCODE_DEFAULTS.batchSize);
  addDataFlags(command, 'encode');
  return command
    .addOption(backendOption())
    .action(
      async (
        dir: string,
        flags: DataFlags & { out: string; split: SplitName; limit?: number; batchSize: number; backend: BackendName },
      ) => {
        if (!/\.(csv|npy)$/i.test(flags.out)) throw new UsageError(`--out '${flags.out}': expected a file name ending in .csv or .npy`);
        await useBackend(flags.backend);
        const { model: encoder, metrics } = await openRun(dir, 'encoder');
        const data = await commandData(metrics, flags, encoder, { train: flags.split === 'train' });
        try {
          const split = splitOf(data, flags.split);
          const count = Math.min(split.count, flags.limit ?? Infinity);
          const started = performance.now();
          const labels = split.labels ?? new Int8Array(count).fill(-1);
          const { dim } = await writeCodings(flags.out, encodeBatches(encoder, split, count, flags.batchSize), labels, count);
          console.log(
            `wrote ${flags.out}: ${count} ${flags.split} codings of ${dim} floats, label first (${((performance.now() - started) / 1000).toFixed(1)} s)`,
          );
        } finally {
          await data.close?.();
        }
      },
    );
}
