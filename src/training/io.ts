/**
 * Saving and loading models in the tfjs Layers format (`model.json` + `weights.bin`), the same
 * files `tf.loadLayersModel` reads in a browser. Writes are atomic: a temporary directory is
 * filled, then renamed over the target, so an interrupted save never leaves a broken model.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AekitError } from '../core/errors.js';
import { ensureDirectory, fsErrorPath, fsErrorReason } from '../core/fs.js';
import * as tf from '../core/tf.js';
import '../layers/index.js';
import { runAfterLoad } from '../layers/after-load.js';

/** Error for unreadable or invalid model directories; `code` (`E_MODEL_MISSING`, `E_MODEL_INVALID`, `E_MODEL_WRITE`) is stable for programs. */
export class ModelIOError extends AekitError {
  constructor(message: string, code: 'E_MODEL_MISSING' | 'E_MODEL_INVALID' | 'E_MODEL_WRITE', options: { cause?: unknown } = {}) {
    super(message, { ...options, code });
  }
}

const WEIGHTS_FILE = 'weights.bin';

/**
 * Saves `model` into directory `dir` as `model.json` + `weights.bin` (tfjs Layers format).
 * `metadata` is stored as the model's user-defined metadata (training settings, etc.).
 */
export async function saveModel(model: tf.LayersModel, dir: string, metadata?: Record<string, unknown>): Promise<void> {
  if (metadata !== undefined) model.setUserDefinedMetadata(metadata);
  const parent = path.dirname(path.resolve(dir));
  await ensureDirectory(parent);
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  const old = `${tmp}-old`;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        await fs.mkdir(tmp);
        const weights =
          artifacts.weightData === undefined ? new Uint8Array(0) : new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
        const json = {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
        };
        await fs.writeFile(path.join(tmp, 'model.json'), JSON.stringify(json));
        await fs.writeFile(path.join(tmp, WEIGHTS_FILE), weights);
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const exists = await fs.stat(dir).then(
      () => true,
      () => false,
    );
    if (exists) await fs.rename(dir, old);
    await fs.rename(tmp, dir);
    if (exists) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
    const where = fsErrorPath(err);
    const detail = where === undefined ? fsErrorReason(err) : `'${where}': ${fsErrorReason(err)}`;
    throw new ModelIOError(`could not save the model to '${dir}': ${detail}`, 'E_MODEL_WRITE', { cause: err });
  }
}

/**
 * Refuses weights that hold NaN or ±Infinity (a model saved from a run that diverged would only
 * ever predict NaN), naming the first such weight.
 */
function checkFinite(specs: readonly tf.io.WeightsManifestEntry[], bytes: Buffer, files: readonly string[], jsonPath: string): void {
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === undefined || spec.dtype === 'float32') {
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + n * 4));
      const at = values.findIndex((v) => !Number.isFinite(v));
      if (at >= 0) {
        const bad = values.filter((v) => !Number.isFinite(v)).length;
        throw new ModelIOError(
          `weight '${spec.name}' in ${files.map((f) => `'${f}'`).join(' + ')} (listed in '${jsonPath}') holds ${values[at]} at index ${at} (${bad} of its ${n} values are not finite): expected finite numbers; the model was saved from a run that diverged, retrain it with a lower learning rate`,
          'E_MODEL_INVALID',
        );
      }
    }
    offset += n * 4;
  }
}

/** Reads the model in `dir` (or the `model.json` path given) with every weight file it lists. */
export async function loadModel(dirOrJson: string): Promise<tf.LayersModel> {
  const jsonPath = dirOrJson.endsWith('.json') ? dirOrJson : path.join(dirOrJson, 'model.json');
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await fs.readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') {
      throw new ModelIOError(
        `no model at '${jsonPath}': expected a model.json written by aekit train or tf.LayersModel.save`,
        'E_MODEL_MISSING',
      );
    }
    throw new ModelIOError(`'${jsonPath}' is not a readable model.json: ${e.message}`, 'E_MODEL_INVALID');
  }
  if (json === null || typeof json !== 'object' || json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
    throw new ModelIOError(`'${jsonPath}' is not a tfjs Layers model: it lacks modelTopology or weightsManifest`, 'E_MODEL_INVALID');
  }
  const dir = path.dirname(jsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  const files: string[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = path.join(dir, p);
      files.push(file);
      const data = await fs.readFile(file).catch((err: Error) => {
        throw new ModelIOError(`weight file '${file}' listed in '${jsonPath}' cannot be read: ${err.message}`, 'E_MODEL_INVALID');
      });
      buffers.push(data);
    }
  }
  const all = Buffer.concat(buffers);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (all.byteLength !== expected) {
    throw new ModelIOError(
      `weights of '${jsonPath}' hold ${all.byteLength} bytes, the manifest expects ${expected}: the files are truncated or do not belong together`,
      'E_MODEL_INVALID',
    );
  }
  checkFinite(specs, all, files, jsonPath);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData,
        userDefinedMetadata: (json as { userDefinedMetadata?: Record<string, unknown> }).userDefinedMetadata,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
      }),
    );
  } catch (err) {
    throw new ModelIOError(`'${jsonPath}' could not be rebuilt as a model: ${(err as Error).message}`, 'E_MODEL_INVALID');
  }
  runAfterLoad(model);
  return model;
}
