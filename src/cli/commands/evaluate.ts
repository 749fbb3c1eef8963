/** `aekit evaluate RUN_DIR`: reloads a saved run and scores it on its validation and test data. */
import { Command } from 'commander';
import { reconstructionErrors } from '../../analysis/scores.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { openRun } from '../../runs/saved-run.js';
import { evaluate } from '../../training/fit.js';
import { addDataFlags, commandData, type DataFlags } from '../data-flags.js';
import { backendOption } from '../options.js';

/** Peak signal-to-noise ratio in dB of values in [0, 1] with mean squared error `mse`. */
export function psnr(mse: number): number {
  return 10 * Math.log10(1 / mse);
}

/** Builds the `evaluate` command. */
export function evaluateCommand(): Command {
  const command = new Command('evaluate')
    .description(
      "load a run's saved model and print its loss, rounded accuracy, MSE and (for images) PSNR on the validation and test data of the run (or the data given)",
    )
    .argument('<run-dir>', "directory written by 'aekit train'");
  addDataFlags(command, 'evaluate on');
  return command.addOption(backendOption()).action(async (dir: string, flags: DataFlags & { backend: BackendName }) => {
    await useBackend(flags.backend);
    const run = await openRun(dir);
    const data = await commandData(run.metrics, flags, run.model, { train: false });
    try {
      const recorded = run.metrics.epochs.at(-1);
      const own = Object.keys(flags).every((k) => k === 'backend');
      for (const [name, split] of [
        ['validation', data.valid],
        ['test', data.test],
      ] as const) {
        if (split === undefined) continue;
        const r = await evaluate(run.model, split);
        const errors = await reconstructionErrors(run.model, split, split.count, 'mse');
        const mse = errors.reduce((a, b) => a + b, 0) / Math.max(1, errors.length);
        const extra =
          name === 'validation' && own && recorded?.val_loss !== undefined
            ? ` (recorded at the end of training: ${recorded.val_loss.toFixed(4)})`
            : '';
        const quality = data.image !== undefined ? `, MSE ${mse.toFixed(5)}, PSNR ${psnr(mse).toFixed(2)} dB` : `, MSE ${mse.toFixed(5)}`;
        console.log(
          `${name} (${split.count} samples): loss ${r.loss.toFixed(4)}${extra}, rounded_accuracy ${r.rounded_accuracy.toFixed(4)}${quality}`,
        );
      }
    } finally {
      await data.close?.();
    }
  });
}
