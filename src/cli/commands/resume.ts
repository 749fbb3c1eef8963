/** `aekit resume RUN_DIR`: continues an interrupted run (or pretraining experiment) from its last checkpoint. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { pretrainingTable, resumePretraining } from '../../runs/pretraining.js';
import { resumeRun } from '../../runs/train-run.js';
import { terminalProgress } from '../progress.js';
import { stopOnSignals } from '../signals.js';

/** Builds the `resume` command. */
export function resumeCommand(): Command {
  return new Command('resume')
    .description(
      'continue an interrupted run of aekit train or aekit pretraining (killed, or stopped by Ctrl-C / SIGTERM) from its last checkpoint, with the options it was started with; it ends as the uninterrupted run would have',
    )
    .argument('<run-dir>', 'directory of the interrupted run (the --out of its aekit train or aekit pretraining)')
    .action(async (runDir: string) => {
      const stop = stopOnSignals();
      if (existsSync(path.join(runDir, 'pretraining.json'))) {
        const report = await stop.run(() => resumePretraining(runDir, { log: (line) => console.log(line), signal: stop.signal }));
        console.log(`\n${pretrainingTable(report)}`);
        console.log(`wrote ${path.join(runDir, 'pretraining.json')}, pretraining.md, pretraining.png`);
        return;
      }
      const result = await stop.run(() =>
        resumeRun(runDir, { progress: terminalProgress(), log: (line) => console.log(line), signal: stop.signal }),
      );
      const last = result.metrics.epochs.at(-1);
      if (last !== undefined) console.log(`done: val_loss ${last.val_loss.toFixed(4)}, run directory ${result.dir}`);
    });
}
