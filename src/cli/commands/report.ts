/** `aekit report RUN_DIR`: one self-contained HTML page about a run, usable while it trains. */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { writeFileAtomic } from '../../core/fs.js';
import { useBackend } from '../../engine/backend.js';
import { readRunMetrics } from '../../runs/saved-run.js';
import { loadModel } from '../../training/io.js';
import { type ReportImage, reportHtml } from '../../viz/report-html.js';

async function readIfExists(file: string): Promise<Buffer | null> {
  return fs.readFile(file).catch(() => null);
}

async function modelSummary(dir: string): Promise<string | undefined> {
  const lines: string[] = [];
  for (const part of ['encoder', 'decoder']) {
    if ((await readIfExists(path.join(dir, part, 'model.json'))) === null) return undefined;
    const model = await loadModel(path.join(dir, part));
    lines.push(`${part}:`);
    model.summary(100, [0.45, 0.8, 1], (line: string) => lines.push(line));
    lines.push('');
    model.dispose();
  }
  return lines.join('\n');
}

/** Builds the `report` command. */
export function reportCommand(): Command {
  return new Command('report')
    .description(
      'write one self-contained HTML page about a run (options, loss and metric curves, reconstructions, 2-D maps and anomaly pictures when present, model summary); works while the run trains',
    )
    .argument('<run-dir>', "directory written by 'aekit train'")
    .option('--out <file.html>', 'HTML file to write (default: RUN_DIR/report.html)')
    .action(async (dir: string, flags: { out?: string }) => {
      const out = flags.out ?? path.join(dir, 'report.html');
      const metrics = await readRunMetrics(dir);
      const images: ReportImage[] = [];
      for (const [file, title] of [
        ['curves.png', 'Training curves (curves.png)'],
        ['reconstructions.png', 'Validation images (top) and their reconstructions (below)'],
        ['feature-errors.png', 'Validation reconstruction error (MSE) per feature'],
      ]) {
        const png = await readIfExists(path.join(dir, file));
        if (png !== null) images.push({ title, png });
      }
      const entries = (await fs.readdir(dir)).sort();
      for (const f of entries.filter((e) => /^map.*\.json$/.test(e))) {
        const info = JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as {
          method: string;
          count: number;
          split: string;
          seconds: number;
          knnAccuracy: { codings: number | null; map: number | null; rawPixels: number | null };
          image: string;
          thumbnails: string | null;
        };
        const png = await readIfExists(path.join(dir, info.image));
        if (png === null) continue;
        const k = info.knnAccuracy;
        const caption =
          k.codings === null || k.map === null
            ? `unlabelled data; ${info.seconds.toFixed(1)} s`
            : `5-NN accuracy: codings ${k.codings.toFixed(4)}, 2-D map ${k.map.toFixed(4)}${k.rawPixels === null ? '' : `, raw inputs ${k.rawPixels.toFixed(4)}`}; ${info.seconds.toFixed(1)} s`;
        images.push({ title: `2-D map: ${info.method} of ${info.count} ${info.split} codings (${info.image})`, png, caption });
        const thumbs = info.thumbnails === null ? null : await readIfExists(path.join(dir, info.thumbnails));
        if (thumbs !== null) images.push({ title: `2-D map with thumbnails (${info.thumbnails})`, png: thumbs });
      }
      const anomalySummary = await readIfExists(path.join(dir, 'anomalies', 'summary.json'));
      if (anomalySummary !== null) {
        const s = JSON.parse(anomalySummary.toString('utf8')) as {
          threshold: number;
          thresholdRule: string;
          above: number;
          count: number;
          rocAuc: number | null;
          positiveClass?: number | null;
          holdoutClass?: number | null;
        };
        const positive = s.positiveClass ?? s.holdoutClass;
        const caption = `threshold ${s.threshold.toPrecision(4)} (${s.thresholdRule}); ${s.above} of ${s.count} above${s.rocAuc === null ? '' : `; ROC AUC for class ${positive}: ${s.rocAuc.toFixed(4)}`}`;
        for (const [f, t] of [
          ['histogram.png', 'Anomaly scores: histogram'],
          ['worst.png', 'Anomaly scores: worst reconstructed'],
        ]) {
          const png = await readIfExists(path.join(dir, 'anomalies', f));
          if (png !== null) images.push({ title: t, png, caption });
        }
      }
      await useBackend('cpu');
      const summary = await modelSummary(dir);
      const { options, epochs, ...rest } = metrics;
      const facts = {
        model: rest.model,
        engine: rest.engine,
        'parameters (encoder / decoder)': `${rest.params?.encoder} / ${rest.params?.decoder}`,
        data: rest.data,
        started: rest.started,
        finished: rest.finished ?? 'not yet (training in progress or interrupted)',
      };
      const notes =
        metrics.finished === null
          ? [`Training had not finished when this report was written (${epochs.length} epochs recorded); run 'aekit report' again later.`]
          : [];
      const html = reportHtml({
        title: `aekit run: ${path.basename(path.resolve(dir))} (${metrics.model})`,
        facts,
        options,
        epochs,
        images,
        summary,
        notes,
      });
      await writeFileAtomic(out, html);
      console.log(`wrote ${out}: ${epochs.length} epochs, ${images.length} images${summary === undefined ? ', no saved model yet' : ''}`);
    });
}
