/**
 * Progress of long computations that are not training (t-SNE iterations, UMAP epochs): a bar on a
 * terminal, a line every 10 % elsewhere (logs, CI, tests).
 */
import cliProgress from 'cli-progress';

/** Receives (done, total) steps; `stop` ends the display. */
export interface StepProgress {
  update(done: number, total: number): void | Promise<void>;
  stop(): void;
}

/** A {@link StepProgress} that shows nothing. */
export const silentSteps: StepProgress = { update() {}, stop() {} };

/**
 * Shows progress of `label` on `stream` (stderr by default), yielding to the event loop now and
 * then so the display and signals stay live.
 */
export function stepProgress(label: string, stream: NodeJS.WriteStream = process.stderr): StepProgress {
  let bar: cliProgress.SingleBar | undefined;
  let lastTenth = -1;
  let lastYield = Date.now();
  const started = Date.now();
  return {
    async update(done, total) {
      if (stream.isTTY) {
        if (bar === undefined) {
          bar = new cliProgress.SingleBar({
            stream, format: `${label} {bar} {value}/{total} | {percentage}% | ETA {eta_formatted}`, barsize: 24, hideCursor: true, clearOnComplete: true,
          }, cliProgress.Presets.shades_classic);
          bar.start(total, 0);
        }
        bar.update(done);
      } else {
        const tenth = Math.floor((10 * done) / total);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          stream.write(`${label}: ${done}/${total} (${Math.round((100 * done) / total)}%, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
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
