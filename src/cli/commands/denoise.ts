/** `aekit denoise RUN_DIR --input … --out …`: cleans images with a (denoising) run's autoencoder. */

import * as path from 'node:path';
import { Command } from 'commander';
import { ensureDirectory, writeFileAtomic } from '../../core/fs.js';
import * as tf from '../../core/tf.js';
import { pixelNormalization } from '../../data/dataset.js';
import { encodeIdxImages, readImages } from '../../data/image-files.js';
import { globalContrastNormalize } from '../../data/samples.js';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { addNoise, parseNoise } from '../../models/noise.js';
import { openRun } from '../../runs/saved-run.js';
import { imageGrid, imagePng } from '../../viz/image-grid.js';
import { backendOption, UsageError } from '../options.js';

/** Output names for input images: each name with its extension replaced by `.png`, refused when two inputs would share one. */
function pngNames(names: string[]): string[] {
  const seen = new Map<string, string>();
  return names.map((name) => {
    const out = `${path.basename(name, path.extname(name))}.png`;
    const other = seen.get(out);
    if (other !== undefined)
      throw new UsageError(`--input holds both '${other}' and '${name}': both would be written as '${out}'; rename one`);
    seen.set(out, name);
    return out;
  });
}

/** Builds the `denoise` command. */
export function denoiseCommand(): Command {
  return new Command('denoise')
    .description("run images through a run's autoencoder (best: one trained with --noise) and write the cleaned images")
    .argument('<run-dir>', "directory written by 'aekit train … --noise …'")
    .requiredOption(
      '--input <path>',
      "a directory of PNG, JPEG or WebP files (resized to the run's image size and colour) or an IDX image file of that size (.gz allowed)",
    )
    .requiredOption(
      '--out <path>',
      'for an image directory: a directory to write PNGs of the same names (ending .png); for an IDX file: the IDX file to write (uncompressed)',
    )
    .option('--add-noise <kind:amount>', 'corrupt the inputs first (gaussian:0.2, dropout:0.5), to try the model on clean images')
    .option('--grid <file.png>', 'also draw the first 10 inputs (top) and outputs (bottom) as a PNG')
    .addOption(backendOption())
    .action(async (dir: string, flags: { input: string; out: string; addNoise?: string; grid?: string; backend: BackendName }) => {
      await useBackend(flags.backend);
      const noise = flags.addNoise === undefined ? null : parseNoise(flags.addNoise);
      const { model, metrics } = await openRun(dir);
      const layout =
        metrics.data.image ??
        (metrics.data.spec === undefined || metrics.data.spec.kind === 'fashion-mnist'
          ? { height: 28, width: 28, channels: 1 as const }
          : undefined);
      if (layout === undefined)
        throw new UsageError(`'${dir}' was trained on ${metrics.data.spec?.kind} data, not images: denoise cleans images`);
      if (path.resolve(flags.out) === path.resolve(flags.input)) throw new UsageError('--out must differ from --input');
      const files = await readImages(flags.input, {
        size: { height: layout.height, width: layout.width },
        resize: true,
        colour: layout.channels === 3 ? 'rgb' : 'grey',
      });
      const per = layout.height * layout.width * layout.channels;
      // Prepared as the run's images were.
      if (metrics.data.spec !== undefined && pixelNormalization(metrics.data.spec) === 'gcn') globalContrastNormalize(files.images, per);
      const inputShape = model.inputs[0].shape.slice(1) as number[];
      const inputs = new Float32Array(files.count * per);
      const outputs = new Float32Array(files.count * per);
      for (let from = 0; from < files.count; from += 256) {
        const n = Math.min(256, files.count - from);
        const [x, y] = tf.tidy(() => {
          let t = tf.tensor(files.images.subarray(from * per, (from + n) * per), [n, ...inputShape]);
          if (noise !== null) t = addNoise(t, noise, 42 + from);
          return [t.dataSync() as Float32Array, (model.predict(t) as tf.Tensor).dataSync() as Float32Array];
        });
        inputs.set(x, from * per);
        outputs.set(y, from * per);
      }
      if (files.format === 'image-dir') {
        const outNames = pngNames(files.names);
        await ensureDirectory(flags.out);
        for (const [i, name] of outNames.entries())
          await writeFileAtomic(path.join(flags.out, name), await imagePng(outputs.subarray(i * per, (i + 1) * per), layout));
      } else {
        await writeFileAtomic(flags.out, encodeIdxImages(outputs, files.count, { height: layout.height, width: layout.width }));
      }
      if (flags.grid !== undefined) {
        const k = Math.min(10, files.count);
        const row = (a: Float32Array): Float32Array[] => Array.from({ length: k }, (_, i) => a.subarray(i * per, (i + 1) * per));
        await writeFileAtomic(flags.grid, await imageGrid([row(inputs), row(outputs)], { scale: 3, ...layout }));
      }
      console.log(
        `denoised ${files.count} images from ${flags.input} into ${flags.out}${flags.grid === undefined ? '' : ` (grid: ${flags.grid})`}`,
      );
    });
}
