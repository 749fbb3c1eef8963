/**
 * Progress display for long loops: a bar with batches, ETA and the running loss on a terminal,
 * nothing but the caller's own summary lines elsewhere (logs, CI).
 */
import cliProgress from 'cli-progress';

/** Receives progress of one epoch. */
export interface ProgressSink {
  start(title: string, total: number): void;
  update(done: number, values: Record<string, number>): void;
  stop(): void;
}

/** A sink that shows nothing (library default, tests). */
export const silentProgress: ProgressSink = { start() {}, update() {}, stop() {} };

/** A terminal progress bar on stderr; falls back to silence when stderr is not a TTY. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (!stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(title, total) {
      bar = new cliProgress.SingleBar({
        stream,
        format: `${title} {bar} {value}/{total} batches | {percentage}% | ETA {eta_formatted} | loss {loss}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      }, cliProgress.Presets.shades_classic);
      bar.start(total, 0, { loss: '-' });
    },
    update(done, values) {
      bar?.update(done, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.toFixed(4)])));
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
