/** Shared by the resume tests: starting `aekit` in the background and watching its run directory and checkpoints. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CLI } from './cli-helpers.js';

/** The parts of a run's metrics.json the tests read. */
export interface Metrics {
  finished: string | null;
  epochs: Array<Record<string, number>>;
  options: Record<string, unknown>;
  stages?: Array<{ name: string; epochs_run: Array<Record<string, number>> }>;
  callbacks?: Record<string, unknown>;
  [section: string]: unknown;
}

/** The metrics.json of `run`, or null when it is not there (yet) or being replaced. */
export async function metricsOf(run: string): Promise<Metrics | null> {
  try {
    return JSON.parse(await readFile(path.join(run, 'metrics.json'), 'utf8')) as Metrics;
  } catch {
    return null;
  }
}

/** Epoch records without their timings (which differ between runs). */
export function values(records: Array<Record<string, number>>): Array<Record<string, number>> {
  return records.map(({ seconds: _s, images_per_second: _i, ...rest }) => rest);
}

/** A background `aekit …args`; `exited` resolves with its exit code, signal and output once it ends. */
export interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null; output: string }>;
}

/** Starts `aekit …args`. */
export function start(args: string[]): Started {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null; output: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
  return { child, exited };
}

/** What a checkpoint's state.json holds that the tests read. */
export interface CheckpointState {
  position: { epoch: number; batch: number };
  phase?: { index: number; name: string; epochs: number };
  callbacks?: Array<{ values: Record<string, unknown>; weights?: number[][] } | null>;
  metrics: Metrics;
}

/** The latest checkpoint in checkpoint area `area`, or null when there is none (yet). */
export async function latestCheckpoint(area: string): Promise<{ dir: string; state: CheckpointState } | null> {
  try {
    const { checkpoint } = JSON.parse(await readFile(path.join(area, 'latest.json'), 'utf8')) as { checkpoint: string };
    const dir = path.join(area, checkpoint);
    return { dir, state: JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as CheckpointState };
  } catch {
    return null; // not written yet, or replaced while read
  }
}

/** Polls `probe` every 10 ms until it returns true; fails after `timeoutMs` saying `what`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms`);
}

/** Waits until the latest checkpoint in `area` satisfies `test`; returns its state. */
export async function waitForCheckpoint(area: string, test: (s: CheckpointState) => boolean, what: string): Promise<CheckpointState> {
  let found: CheckpointState | null = null;
  await waitFor(`${area}: ${what}`, async () => {
    const c = await latestCheckpoint(area);
    if (c !== null && test(c.state)) found = c.state;
    return found !== null;
  });
  return found as unknown as CheckpointState;
}
