/**
 * `recurrent`: the book's recurrent autoencoder, on Fashion-MNIST images read as 28 rows of 28
 * pixels, or on sequences from a CSV file.
 */
import { ArgumentError, ConflictError } from '../../core/errors.js';
import { readSequenceCsv } from '../../data/sequences-csv.js';
import { recurrentAutoencoder } from '../../models/recurrent.js';
import type { Dataset, Recipe } from '../recipe.js';
import { reconstructions } from './artifacts.js';
import { outputActivationOf, shapeText } from './inputs.js';
import { positiveInt } from './parsers.js';

/**
 * The recurrent recipe's data: Fashion-MNIST (null → the standard loader) or, with `csv`, the file's
 * sequences, the last 10% of them (at least one) held out for validation.
 */
export async function recurrentData(modelOptions: Record<string, unknown>): Promise<Dataset | null> {
  const { csv, steps, features } = modelOptions as { csv?: string; steps?: number; features?: number };
  if (csv === undefined) return null;
  if (steps === undefined || features === undefined)
    throw new ConflictError(
      ['csv', 'steps', 'features'],
      `{csv} '${csv}' needs {steps} and {features} (each line holds steps × features numbers)`,
    );
  const seqs = await readSequenceCsv(csv, { steps, features });
  if (seqs.count < 2)
    throw new ArgumentError(
      'csv',
      `{csv} '${csv}': found ${seqs.count} sequence, need at least 2 (the last 10% are held out for validation)`,
    );
  const valid = Math.max(1, Math.round(seqs.count * 0.1));
  const train = seqs.count - valid;
  const width = steps * features;
  return {
    train: { x: seqs.x.subarray(0, train * width), shape: [steps, features], count: train },
    valid: { x: seqs.x.subarray(train * width), shape: [steps, features], count: valid },
    source: `${csv}: ${seqs.count} sequences of ${steps} steps × ${features} features (training: lines ${seqs.lines[0]}–${seqs.lines[train - 1]}, validation: the last ${valid})`,
    spec: { kind: 'sequences', file: csv, steps, features, validationSplit: 0.1, seed: 0 },
    unitRange: true,
  };
}

/** The `recurrent` recipe. */
export const recurrentRecipe: Recipe = {
  name: 'recurrent',
  description:
    'recurrent autoencoder: LSTM(100) → LSTM(30) ‖ RepeatVector → LSTM(100) → TimeDistributed(Dense); images as 28 rows, or --csv sequences',
  defaults: { epochs: 10, batchSize: 32, optimizer: 'sgd', lr: 0.1, loss: 'binaryCrossentropy' },
  options: [
    {
      key: 'csv',
      value: 'file',
      description:
        'train on sequences from a CSV file instead of Fashion-MNIST: one sequence per line, steps × features numbers in [0, 1], row-major',
    },
    { key: 'steps', value: 'n', description: 'time steps per CSV sequence', parse: positiveInt('steps') },
    { key: 'features', value: 'n', description: 'values per time step of a CSV sequence', parse: positiveInt('features') },
  ],
  check({ csv, steps, features }) {
    if (csv === undefined && ((steps !== undefined && steps !== 28) || (features !== undefined && features !== 28))) {
      throw new ConflictError(
        ['steps', 'features', 'csv'],
        '{steps} and {features} shape the sequences of a {csv} file; Fashion-MNIST images are 28 steps × 28 features',
      );
    }
  },
  // A CSV file's sequences are shaped by --steps and --features; otherwise the input's [steps, features].
  build: ({ seed, input, csv, steps, features }) => {
    const [s, f] = csv === undefined ? input.shape : [steps as number, features as number];
    return recurrentAutoencoder({ seed, steps: s, features: f, outputActivation: outputActivationOf(input) });
  },
  checkInput(input) {
    if (input.shape.length !== 2) {
      throw new ArgumentError(
        'input',
        `the recurrent model takes sequences [steps, features] or grey images [h, w] (h steps of w features), found ${input.kind} samples of shape ${shapeText(input.shape)}: use the dense model for tables, conv for colour images`,
      );
    }
  },
  loadData: ({ modelOptions }) => recurrentData(modelOptions),
  artifacts: reconstructions,
};
