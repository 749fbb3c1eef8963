/**
 * Subsets of labelled samples: leave one class out of training, or keep only some classes
 * (anomaly-detection experiments).
 */
import { ArgumentError } from '../core/errors.js';
import { CLASS_NAMES, type FashionMnist } from './fashion-mnist.js';
import { type AnySamples, type LabelledSamples, pickSamples } from './samples.js';

/**
 * The samples of Fashion-MNIST `split` whose label is not `label` (a class index 0–9), in their
 * original order (a copy).
 *
 * @example
 * const noSneakers = withoutClass(data.train, 7); // 7 = Sneaker
 */
export function withoutClass<T extends LabelledSamples>(split: T, label: number): T {
  return withoutLabel(split, label, CLASS_NAMES);
}

/** Fashion-MNIST without class `label` in its train and validation splits (test keeps every class); unchanged when `label` is undefined. */
export function excludeFromTraining(data: FashionMnist, label: number | undefined): FashionMnist {
  if (label === undefined) return data;
  return { ...data, train: withoutClass(data.train, label), valid: withoutClass(data.valid, label) };
}

/**
 * The samples of `s` whose label is not `label` (floats or bytes, labels required), in their
 * original order; `classes` names the labels for the error when `label` is out of range.
 */
export function withoutLabel<T extends AnySamples>(s: T, label: number, classes: readonly string[], argument = 'excludeClass'): T {
  if (!Number.isInteger(label) || label < 0 || label >= classes.length)
    throw new ArgumentError(
      argument,
      `expected a class index 0–${classes.length - 1} (${classes.map((n, i) => `${i} ${n}`).join(', ')}), got ${label}`,
    );
  const labels = s.labels;
  if (labels === undefined) throw new ArgumentError(argument, 'the data has no labels, so no class can be left out');
  const kept: number[] = [];
  for (let i = 0; i < s.count; i++) if (labels[i] !== label) kept.push(i);
  return pickSamples(s, kept);
}

/**
 * The samples of `s` whose label is one of `labels` (floats or bytes, labels required), in their
 * original order; `classes` names the labels for the error when one is out of range.
 *
 * @example
 * const bags = onlyLabels(data.train, [8], CLASS_NAMES);
 */
export function onlyLabels<T extends AnySamples>(s: T, labels: readonly number[], classes: readonly string[], argument = 'onlyClass'): T {
  if (labels.length === 0) throw new ArgumentError(argument, 'expected at least one class index, got none');
  for (const label of labels)
    if (!Number.isInteger(label) || label < 0 || label >= classes.length)
      throw new ArgumentError(
        argument,
        `expected class indices 0–${classes.length - 1} (${classes.map((n, i) => `${i} ${n}`).join(', ')}), got ${label}`,
      );
  const have = s.labels;
  if (have === undefined) throw new ArgumentError(argument, 'the data has no labels, so no class can be chosen');
  const keep = new Set(labels);
  const kept: number[] = [];
  for (let i = 0; i < s.count; i++) if (keep.has(have[i])) kept.push(i);
  return pickSamples(s, kept);
}
