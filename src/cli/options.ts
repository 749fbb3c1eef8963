/**
 * Parsing helpers shared by the CLI's commands: typed flag values with clear errors.
 */
import { InvalidArgumentError, Option } from 'commander';
import { BACKEND_NAMES } from '../engine/backend.js';

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
export class UsageError extends Error {}

/** The `--backend` option every command shares (default `auto`); `note` is added to its help. */
export function backendOption(note = ''): Option {
  return new Option('--backend <name>', `engine: ${BACKEND_NAMES.join(', ')}${note}`).argParser(choiceFlag(BACKEND_NAMES)).default('auto');
}

/** The `--data-dir` option of the commands that read Fashion-MNIST. */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'directory with the four Fashion-MNIST files (default: $AEKIT_DATA_DIR, cache, /usr/share/datasets/fashion-mnist, download)');
}
