/**
 * Fitted anomaly detectors kept inside a run directory, so that `aekit anomalies` and later
 * commands reuse them: `RUN/detectors/<score>/detector.json` (settings, normalisers, threshold)
 * beside one `.npy` file per reference array. A detector directory is written complete under a
 * temporary name and renamed into place, so a reader sees the old detector or the new one.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AnomalyDetector, type DetectorModels, type DetectorState } from '../analysis/detector.js';
import { AekitError } from '../core/errors.js';
import { ensureDirectory } from '../core/fs.js';
import { encodeNpy, parseNpy } from '../data/npy.js';

/** The directory of the detector of `score` in run `runDir`. */
export function detectorDir(runDir: string, score: string): string {
  return path.join(runDir, 'detectors', score);
}

/**
 * Saves a fitted detector into the run directory (replacing one of the same score).
 *
 * @example
 * await saveDetector(run.dir, await new AnomalyDetector(models, { score: 'latent-knn' }).fit(train));
 */
export async function saveDetector(runDir: string, detector: AnomalyDetector): Promise<string> {
  const dir = detectorDir(runDir, detector.name);
  const parent = path.dirname(dir);
  await ensureDirectory(parent);
  const staging = path.join(parent, `.${detector.name}.staging-${process.pid}-${Date.now()}`);
  const { json, arrays } = detector.state();
  try {
    await fs.mkdir(staging);
    for (const [name, values] of Object.entries(arrays)) {
      const dim = json.dims[name];
      await fs.writeFile(path.join(staging, `${name}.npy`), encodeNpy(values, [values.length / dim, dim]));
    }
    await fs.writeFile(path.join(staging, 'detector.json'), `${JSON.stringify({ format: 'aekit-detector/1', ...json }, null, 2)}\n`);
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    const had = await fs.rename(dir, old).then(
      () => true,
      () => false,
    );
    await fs.rename(staging, dir);
    if (had) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  return dir;
}

/**
 * The detector of `score` saved in the run directory, on `models`; null when none is saved.
 *
 * @throws AekitError `E_DETECTOR` when the saved detector cannot be read (its file named).
 */
export async function loadDetector(runDir: string, score: string, models: DetectorModels): Promise<AnomalyDetector | null> {
  const dir = detectorDir(runDir, score);
  const file = path.join(dir, 'detector.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const { format, ...json } = JSON.parse(text) as DetectorState['json'] & { format?: string };
    if (format !== 'aekit-detector/1') throw new Error(`expected format 'aekit-detector/1', found ${JSON.stringify(format)}`);
    const arrays: Record<string, Float32Array> = {};
    for (const name of Object.keys(json.dims)) {
      const npy = parseNpy(new Uint8Array(await fs.readFile(path.join(dir, `${name}.npy`))), path.join(dir, `${name}.npy`));
      arrays[name] = npy.data as Float32Array;
    }
    return AnomalyDetector.fromState(models, { json, arrays });
  } catch (err) {
    throw new AekitError(`${file}: the saved detector cannot be read (${(err as Error).message}); delete ${dir} to fit it again`, {
      code: 'E_DETECTOR',
      cause: err,
    });
  }
}
