/**
 * What long loops report their progress to. The library only knows these interfaces; the CLI
 * gives terminal implementations (a bar with ETA and running loss), the library default shows
 * nothing.
 */

/** Receives the progress of one pass (an epoch): `total` steps, each with running values (loss, …). */
export interface ProgressSink {
  start(title: string, total: number): void;
  update(done: number, values: Record<string, number>): void;
  stop(): void;
}

/** A sink that shows nothing (library default, tests). */
export const silentProgress: ProgressSink = { start() {}, update() {}, stop() {} };

/** Receives (done, total) steps of a long computation that is not training (t-SNE, UMAP). */
export interface StepProgress {
  update(done: number, total: number): void | Promise<void>;
  stop(): void;
}

/** A {@link StepProgress} that shows nothing. */
export const silentSteps: StepProgress = { update() {}, stop() {} };
