/**
 * Parsing helpers shared by the CLI's commands: typed flag values with clear errors.
 */
import { InvalidArgumentError, Option } from 'commander';
import { ANOMALY_SCORES, parseScore } from '../analysis/detector.js';
import { AekitError } from '../core/errors.js';
import { CLASS_NAMES } from '../data/fashion-mnist.js';
import { BACKEND_NAMES } from '../engine/backend.js';
import { allRecipeOptions } from '../runs/recipes/index.js';
import { flagOf } from './names.js';

/** Parses a flag value as an integer ≥ `min`. */
export function intFlag(min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${value}'.`);
    }
    return n;
  };
}

/** Parses a flag value as a finite number > 0. */
export function positiveFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'.`);
  return n;
}

/** Parses a flag value as a positive number, or `0` / `off` (returned as 0) to turn the thing off. */
export function positiveOrOffFlag(value: string): number {
  if (value.trim() === 'off') return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a positive number, or 0 or 'off', got '${value}'.`);
  return n;
}

/** Parses a flag value as a number strictly between 0 and 1. */
export function fractionFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1)
    throw new InvalidArgumentError(`expected a number between 0 and 1 (exclusive), got '${value}'.`);
  return n;
}

/** Parses a flag value as a finite number ≥ 0. */
export function nonNegativeFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'.`);
  return n;
}

/** Parses a flag value as one of `choices`. */
export function choiceFlag<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'.`);
    }
    return value as T;
  };
}

/** An error the CLI reports as one line and exit code 1 (library errors are reported the same way). */
export class UsageError extends AekitError {
  constructor(message: string) {
    super(message, { code: 'E_USAGE' });
  }
}

/** The `--backend` option every command shares (default `auto`); `note` is added to its help. */
export function backendOption(note = ''): Option {
  return new Option('--backend <name>', `engine: ${BACKEND_NAMES.join(', ')}${note}`).argParser(choiceFlag(BACKEND_NAMES)).default('auto');
}

/** The `--data-dir` option of the commands that read Fashion-MNIST. */
export function dataDirOption(): Option {
  return new Option(
    '--data-dir <dir>',
    'directory with the four Fashion-MNIST files (default: $AEKIT_DATA_DIR, cache, /usr/share/datasets/fashion-mnist, download)',
  );
}

/** Parses a flag value as a Fashion-MNIST class index 0–9. */
export function classFlag(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n >= CLASS_NAMES.length) {
    throw new InvalidArgumentError(
      `expected a class index 0–${CLASS_NAMES.length - 1} (${CLASS_NAMES.map((c, i) => `${i} ${c}`).join(', ')}), got '${value}'.`,
    );
  }
  return n;
}

/** Parses a comma-separated list of class indices (`8`, `0,2,4`); their range is checked against the data's classes. */
export function classListFlag(value: string): number[] {
  const list = value.split(',').map((s) => s.trim());
  if (list.some((s) => !/^\d+$/.test(s))) throw new InvalidArgumentError(`expected class indices such as 8 or 0,2,4, got '${value}'.`);
  if (new Set(list.map(Number)).size !== list.length) throw new InvalidArgumentError(`'${value}' names a class twice.`);
  return list.map(Number);
}

/** Parses `--score` of `anomalies` and `benchmark`: `all`, a detector score, or scores joined by `+`. */
export function anomalyScoreFlag(value: string): string {
  if (value === 'all') return value;
  try {
    parseScore(value);
  } catch {
    throw new InvalidArgumentError(`expected all, a score (${ANOMALY_SCORES.join(', ')}) or scores joined by +, got '${value}'.`);
  }
  return value;
}

/** Parses a flag value as a percentile in (0, 100). */
export function percentileFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 100)
    throw new InvalidArgumentError(`expected a percentile between 0 and 100 (exclusive), got '${value}'.`);
  return n;
}

/** Parses `--threshold`: `auto` or a number ≥ 0. */
export function thresholdFlag(value: string): 'auto' | number {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected 'auto' or a number ≥ 0, got '${value}'.`);
  return n;
}

/**
 * A library parser (which throws an `AekitError` naming its argument) as a commander argument
 * parser: its message becomes commander's one-line "argument '…' is invalid" error, with the
 * argument names written as flags.
 */
export function flagParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof AekitError) throw new InvalidArgumentError(err.describe(flagOf));
      throw err;
    }
  };
}

/** The commander options of the recipes' model-specific options, each tagged with the models it applies to. */
export function recipeOptions(): Array<{ option: Option; key: string; recipes: string[] }> {
  return allRecipeOptions().map((o) => {
    const option = new Option(
      o.value === undefined ? flagOf(o.key) : `${flagOf(o.key)} <${o.value}>`,
      `${o.description} [${o.recipes.join(', ')}]`,
    );
    if (o.parse !== undefined) option.argParser(flagParser(o.parse));
    return { option, key: o.key, recipes: o.recipes };
  });
}

/**
 * The model-specific values among a command's parsed `flags` (those not in `common`), refused
 * with one line when the model does not declare them.
 */
export function modelOptionsOf(model: string, flags: Record<string, unknown>, common: ReadonlySet<string>): Record<string, unknown> {
  const owners = new Map(allRecipeOptions().map((o) => [o.key, o.recipes]));
  const modelOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flags)) {
    if (common.has(key) || value === undefined) continue;
    const recipes = owners.get(key) ?? [];
    if (!recipes.includes(model))
      throw new UsageError(`${flagOf(key)} does not apply to model '${model}' (it applies to: ${recipes.join(', ')})`);
    modelOptions[key] = value;
  }
  return modelOptions;
}
