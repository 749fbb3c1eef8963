/**
 * SIGINT and SIGTERM during `aekit train` and `aekit resume`: the first asks the run to stop at the
 * end of its current batch (through the `signal` the library takes), a second one exits at once.
 */
import { InterruptedError } from '../core/errors.js';

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

type StopSignal = keyof typeof EXIT_CODES;

/** What {@link stopOnSignals} returns. */
export interface SignalStop {
  /** Aborted at the first SIGINT or SIGTERM; pass it to `trainRun` or `resumeRun`. */
  signal: AbortSignal;
  /** Runs `action`; when it throws an `InterruptedError`, prints how to go on and exits 130 (SIGINT) or 143 (SIGTERM). */
  run<T>(action: () => Promise<T>): Promise<T>;
}

/** Installs the handlers for one run; they are removed when its `run` settles. */
export function stopOnSignals(): SignalStop {
  const controller = new AbortController();
  let received: StopSignal | null = null;
  const handlers = new Map<StopSignal, () => void>();
  for (const name of Object.keys(EXIT_CODES) as StopSignal[]) {
    const handler = (): void => {
      if (received !== null) {
        console.error(`\naekit: ${name} again: exiting now, without a checkpoint of the current epoch`);
        process.exit(EXIT_CODES[name]);
      }
      received = name;
      console.error(`\naekit: ${name}: stopping at the end of this batch (again to exit at once)`);
      controller.abort();
    };
    handlers.set(name, handler);
    process.on(name, handler);
  }
  const remove = (): void => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
  return {
    signal: controller.signal,
    async run(action) {
      try {
        return await action();
      } catch (err) {
        if (!(err instanceof InterruptedError)) throw err;
        const dir = err.runDir;
        if (err.checkpointed && dir !== undefined) console.error(`interrupted: resume with aekit resume ${dir}`);
        else console.error(`interrupted: ${err.message}`);
        process.exit(EXIT_CODES[received ?? 'SIGINT']);
      } finally {
        remove();
      }
    },
  };
}

/**
 * Resolves with the first SIGINT or SIGTERM (for `aekit serve`, which runs until stopped); the
 * handlers are removed then, so a second signal ends the process as usual.
 */
export function nextStopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    const names = Object.keys(EXIT_CODES) as StopSignal[];
    const handlers = names.map((name) => {
      const handler = (): void => {
        for (const [i, n] of names.entries()) process.off(n, handlers[i]);
        resolve(name);
      };
      process.on(name, handler);
      return handler;
    });
  });
}
