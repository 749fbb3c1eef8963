/**
 * SIGINT and SIGTERM during `aekit train`, `aekit resume` and `aekit pretraining`: the first asks
 * the run to stop at the end of its current batch (through the `signal` the library takes), a
 * second one ends the process at once.
 *
 * "At once" means even in the middle of a batch or of writing a checkpoint (which are written
 * atomically, so the previous one stays valid). A batch runs synchronously and a JavaScript signal
 * handler only runs between batches, so the first signal's handler removes the handlers: Node then
 * gives both signals back their default action, and the kernel ends the process at the next one
 * (the shell reports 130 or 143, as for the graceful exit). Signals that arrive in the same batch
 * as the first, before it has been seen (and its message printed), count as that one.
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
  const remove = (): void => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
  for (const name of Object.keys(EXIT_CODES) as StopSignal[]) {
    const handler = (): void => {
      // First, so that a signal sent once the message below is read takes the default action.
      remove();
      received = name;
      console.error(`\naekit: ${name}: stopping at the end of this batch (again to exit at once)`);
      controller.abort();
    };
    handlers.set(name, handler);
    process.on(name, handler);
  }

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
