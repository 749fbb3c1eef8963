/** `aekit evaluate RUN_DIR`: reloads a saved run and scores it on the validation and test sets. */
import { Command } from 'commander';
import { loadFashionMnist } from '../../data/fashion-mnist.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { openRun } from '../../runs/saved-run.js';
import { evaluate } from '../../training/fit.js';
import { backendOption, dataDirOption } from '../options.js';

/** Builds the `evaluate` command. */
export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description("load a run's saved model and print its loss and rounded accuracy on the validation and test sets")
    .argument('<run-dir>', "directory written by 'aekit train'")
    .addOption(dataDirOption())
    .addOption(backendOption())
    .action(async (dir: string, flags: { dataDir?: string; backend: BackendName }) => {
      await useBackend(flags.backend);
      const run = await openRun(dir);
      const data = await loadFashionMnist({ dataDir: flags.dataDir });
      const recorded = run.metrics.epochs.at(-1);
      for (const [name, split] of [
        ['validation', data.valid],
        ['test', data.test],
      ] as const) {
        const r = await evaluate(run.model, split);
        const extra =
          name === 'validation' && recorded !== undefined ? ` (recorded at the end of training: ${recorded.val_loss.toFixed(4)})` : '';
        console.log(
          `${name} (${split.count} images): loss ${r.loss.toFixed(4)}${extra}, rounded_accuracy ${r.rounded_accuracy.toFixed(4)}`,
        );
      }
    });
}
