/**
 * Recipe options shared by several recipes: denoising noise and greedy layer-wise training.
 */
import { ArgumentError } from '../../core/errors.js';
import { parseNoise } from '../../models/noise.js';
import type { RecipeOption } from '../recipe.js';
import { checkedBy, positiveIntList } from './parsers.js';

/** `noise`: input noise while training (denoising), for recipes that offer it (stacked, conv). */
export const NOISE_OPTION: RecipeOption = {
  key: 'noise',
  value: 'kind:amount',
  description: 'denoising: input noise while training, gaussian:STDDEV (book gaussian:0.2) or dropout:RATE (book dropout:0.5)',
  parse: checkedBy(parseNoise),
};

/** `greedy`: greedy layer-wise training instead of end-to-end training. */
export const GREEDY_OPTION: RecipeOption = {
  key: 'greedy',
  description: 'greedy layer-wise training: one shallow autoencoder per stage, then stack and fine-tune',
  defaultValue: false,
};

/** Parses `10,10,10`: epochs of each stage, then of the fine-tuning (0 skips it). */
export function parseEpochList(value: string): number[] {
  const list = value.split(',').map((s) => s.trim());
  const n = list.map(Number);
  if (list.some((s) => !/^\d+$/.test(s)) || n.slice(0, -1).some((e) => e < 1)) {
    throw new ArgumentError(
      'greedyEpochs',
      `expected comma-separated epochs per stage then for fine-tuning, e.g. 10,10,10 (stages ≥ 1, fine-tuning ≥ 0), got '${value}'.`,
    );
  }
  return n;
}

/** `greedyEpochs`: epochs of each greedy stage, then of the fine-tuning; `defaults` describes the recipe's. */
export function greedyEpochsOption(defaults: string): RecipeOption {
  return {
    key: 'greedyEpochs',
    value: 'list',
    parse: parseEpochList,
    defaultValue: null,
    description: `with --greedy: epochs of each stage, then of the fine-tuning (default: ${defaults})`,
  };
}

/** Help text of `units`, shared by the stacked and dense recipes (the CLI shows one text per flag). */
const UNITS_DESCRIPTION =
  'units of the encoder Dense layers, coding size last (stacked: 100,30; dense: ⌈f/2⌉,⌈f/4⌉ for f values per sample, at least 2,1)';

/** `units`: the encoder Dense sizes of a dense autoencoder; `defaultValue` undefined when the recipe derives it from the data. */
export function unitsOption(defaultValue?: number[]): RecipeOption {
  return { key: 'units', value: 'list', description: UNITS_DESCRIPTION, parse: positiveIntList('units'), defaultValue };
}

/** `tied`: tie the decoder's weights to the encoder's (stacked, dense). */
export const TIED_OPTION: RecipeOption = {
  key: 'tied',
  description: 'tie decoder weights to the transposed encoder kernels (DenseTranspose)',
  defaultValue: false,
};
