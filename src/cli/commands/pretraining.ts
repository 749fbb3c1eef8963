/** `aekit pretraining`: what unsupervised pretraining buys a classifier when labels are scarce. */

import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { BackendName } from '../../engine/backend.js';
import { pretrainingTable, runPretraining } from '../../runs/pretraining.js';
import type { OptimizerName } from '../../training/optimizers.js';
import { OPTIMIZER_NAMES } from '../../training/optimizers.js';
import { backendOption, dataDirOption, intFlag, positiveFlag } from '../options.js';
import { stopOnSignals } from '../signals.js';

function labelList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => !/^\d+$/.test(s) || Number(s) < 2)) {
    throw new InvalidArgumentError(
      `expected comma-separated label counts (at least one image per class: ≥ 10 for Fashion-MNIST), e.g. 100,500,1000,5000, got '${value}'.`,
    );
  }
  return parts.map(Number);
}

interface PretrainingFlags {
  encoder?: 'conv' | 'stacked';
  labels: number[];
  seeds: number;
  from?: string;
  epochs?: number;
  classifierEpochs: number;
  optimizer: OptimizerName;
  lr: number;
  fineTuneLr?: number;
  frozenEpochs?: number;
  out?: string;
  dataDir?: string;
  backend: BackendName;
  limit?: number;
}

/** Builds the `pretraining` command. */
export function pretrainingCommand(): Command {
  return new Command('pretraining')
    .description(
      'train an autoencoder without labels, then classifiers on N labelled images: from scratch, ' +
        'pretrained encoder frozen, pretrained then fine-tuned; scores on the 10,000 test images',
    )
    .addOption(
      new Option('--encoder <model>', "autoencoder whose encoder is reused (default conv, or the --from run's)").choices([
        'conv',
        'stacked',
      ]),
    )
    .option('--labels <list>', 'numbers of labelled training images (stratified), each run separately', labelList, [100, 500, 1000, 5000])
    .option('--seeds <n>', 'seeds per label count (42, 43, …), for mean and spread', intFlag(1), 3)
    .option('--from <run-dir>', "reuse the autoencoder of a run directory written by 'aekit train' (conv or stacked)")
    .option('--epochs <n>', "autoencoder epochs when one is trained here (default: the model's book setting)", intFlag(1))
    .option('--classifier-epochs <n>', 'epochs of every classifier variant (the same budget for all three)', intFlag(2), 20)
    .addOption(new Option('--optimizer <name>', 'classifier optimizer').choices(OPTIMIZER_NAMES).default('sgd'))
    .option('--lr <x>', 'classifier learning rate (book: SGD 0.02)', positiveFlag, 0.02)
    .option('--fine-tune-lr <x>', 'learning rate once the pretrained encoder is unfrozen (default: lr / 2)', positiveFlag)
    .option(
      '--frozen-epochs <n>',
      'epochs the fine-tuned variant trains only the head before unfreezing (default: a quarter of --classifier-epochs)',
      intFlag(0),
    )
    .option('--limit <n>', 'train the autoencoder on the first N training images only', intFlag(1))
    .option('--out <dir>', 'output directory (default: runs/pretraining-<encoder>-<timestamp>)')
    .addOption(dataDirOption())
    .addOption(backendOption())
    .action(async (flags: PretrainingFlags) => {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
      const out = flags.out ?? path.join('runs', `pretraining-${flags.encoder ?? (flags.from === undefined ? 'conv' : 'from')}-${stamp}`);
      const stop = stopOnSignals();
      const report = await stop.run(() =>
        runPretraining({
          encoder: flags.encoder,
          labels: flags.labels,
          seeds: flags.seeds,
          from: flags.from,
          epochs: flags.epochs,
          classifierEpochs: flags.classifierEpochs,
          optimizer: flags.optimizer,
          lr: flags.lr,
          fineTuneLr: flags.fineTuneLr,
          frozenEpochs: flags.frozenEpochs,
          limit: flags.limit,
          out,
          dataDir: flags.dataDir,
          backend: flags.backend,
          log: (line) => console.log(line),
          signal: stop.signal,
        }),
      );
      console.log(`\n${pretrainingTable(report)}`);
      console.log(`wrote ${path.join(out, 'pretraining.json')}, pretraining.md, pretraining.png`);
    });
}
