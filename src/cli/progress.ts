/**
 * The CLI's progress displays (the only place that imports cli-progress): for training, a bar with
 * batches, ETA and the running loss on a terminal, nothing but the caller's own summary lines
 * elsewhere (logs, CI); for other long computations (t-SNE, UMAP), a bar on a terminal and a line
 * every 10 % elsewhere.
 */
import cliProgress from 'cli-progress';
import { type ProgressSink, type StepProgress, silentProgress } from '../core/progress.js';

/** A terminal progress bar on stderr; falls back to silence when stderr is not a TTY. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (!stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(title, total) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${title} {bar} {value}/{total} batches | {percentage}% | ETA {eta_formatted} | loss {loss}`,
          barsize: 24,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
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

/**
 * Shows progress of `label` on `stream` (stderr by default), yielding to the event loop now and
 * then so the display and signals stay live; computations of fewer than `minTotal` steps show none.
 */
export function stepProgress(label: string, stream: NodeJS.WriteStream = process.stderr, minTotal = 0): StepProgress {
  let bar: cliProgress.SingleBar | undefined;
  let lastTenth = -1;
  let lastYield = Date.now();
  const started = Date.now();
  return {
    async update(done, total) {
      if (total < minTotal) return;
      if (stream.isTTY) {
        if (bar === undefined) {
          bar = new cliProgress.SingleBar(
            {
              stream,
              format: `${label} {bar} {value}/{total} | {percentage}% | ETA {eta_formatted}`,
              barsize: 24,
              hideCursor: true,
              clearOnComplete: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0);
        }
        bar.update(done);
      } else {
        const tenth = Math.floor((10 * done) / total);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          stream.write(
            `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
          );
        }
      }
      if (Date.now() - lastYield > 200) {
        lastYield = Date.now();
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** Progress of decoding an image folder: shown from 500 images on (fewer decode in about a second). */
export function decodingProgress(): StepProgress {
  return stepProgress('decoding images', process.stderr, 500);
}
