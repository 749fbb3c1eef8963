/**
 * The native engine's thread count from the environment variable `AEKIT_THREADS`, in a module of
 * its own so that `backend.ts` can check it before loading the engine and `native.ts` can use it.
 */
import { availableParallelism } from 'node:os';
import { AekitError } from '../core/errors.js';

/**
 * Threads the native engine uses: `AEKIT_THREADS` when set (a positive integer), else one per
 * core. Any other value is refused with an {@link AekitError} (`E_ENVIRONMENT`) rather than
 * ignored: a typo must not quietly change the engine or its speed.
 */
export function nativeThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AEKIT_THREADS;
  if (raw === undefined || raw.trim() === '') return Math.max(1, availableParallelism());
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > 4096) {
    throw new AekitError(
      `AEKIT_THREADS='${raw}': expected a positive integer (threads of the native engine, at most 4096), or leave it unset for one per core (${availableParallelism()} here)`,
      { code: 'E_ENVIRONMENT' },
    );
  }
  return value;
}
