/**
 * How the CLI names the library's arguments (kept free of heavy imports: the entry point uses it).
 */

/** Writes a camelCase library argument as its flag: `greedyEpochs` → `--greedy-epochs`. */
export function flagOf(argument: string): string {
  return `--${argument.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
