/**
 * Flag parsers for the analysis commands (class indices, percentiles, thresholds).
 */
import { InvalidArgumentError } from 'commander';
import { CLASS_NAMES, type FashionMnist } from '../data/fashion-mnist.js';
import { withoutClass } from './subsets.js';

/** Parses a flag value as a Fashion-MNIST class index 0–9. */
export function classFlag(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n >= CLASS_NAMES.length) {
    throw new InvalidArgumentError(`expected a class index 0–${CLASS_NAMES.length - 1} (${CLASS_NAMES.map((c, i) => `${i} ${c}`).join(', ')}), got '${value}'.`);
  }
  return n;
}

/** Parses a flag value as a percentile in (0, 100). */
export function percentileFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 100) throw new InvalidArgumentError(`expected a percentile between 0 and 100 (exclusive), got '${value}'.`);
  return n;
}

/** Parses `--threshold`: `auto` or a number ≥ 0. */
export function thresholdFlag(value: string): 'auto' | number {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected 'auto' or a number ≥ 0, got '${value}'.`);
  return n;
}

/** Fashion-MNIST without class `label` in its train and validation splits (test keeps every class); unchanged when `label` is undefined. */
export function excludeFromTraining(data: FashionMnist, label: number | undefined): FashionMnist {
  if (label === undefined) return data;
  return { ...data, train: withoutClass(data.train, label), valid: withoutClass(data.valid, label) };
}
