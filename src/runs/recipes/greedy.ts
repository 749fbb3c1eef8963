/**
 * Greedy layer-wise training inside a run, for the recipes whose models come in stages (stacked,
 * conv): stage epochs go to `metrics.json`'s `stages`, the fine-tuning epochs to its `epochs`, and
 * `reconstructions-stacked.png` is drawn after stacking (the run draws `reconstructions.png` after
 * fine-tuning).
 */

import { ArgumentError, ConflictError } from '../../core/errors.js';
import { toFloatSamples } from '../../data/samples.js';
import type { Autoencoder } from '../../models/conv.js';
import type { StageModels } from '../../models/stages.js';
import { fit } from '../../training/fit.js';
import {
  type GreedyPhase,
  type GreedyResult,
  type GreedyResume,
  type GreedyStage,
  type PhaseRecord,
  type PhaseSettings,
  trainGreedy,
} from '../../training/greedy.js';
import { reconstructionGrid } from '../../viz/reconstructions.js';
import { lossFor, type Recipe, type TrainContext, type TrainingSettings } from '../recipe.js';

/** A recipe's greedy schedule: settings of each stage and of the fine-tuning. */
export interface GreedySchedule {
  /** How many stages the model built with these options has. */
  count: (modelOptions: Record<string, unknown>) => number;
  stages: (k: number) => PhaseSettings;
  fineTune: PhaseSettings;
}

/** Where a resumed greedy run continues: the phase its checkpoint recorded, with the stage records of its metrics. */
function greedyResume(ctx: TrainContext): GreedyResume | undefined {
  if (ctx.resume === null) return undefined;
  const { phase, metrics } = ctx.resume.state as { phase?: GreedyPhase; metrics?: { stages?: PhaseRecord[] } };
  if (phase === undefined || typeof phase.index !== 'number')
    throw new ArgumentError('runDir', '{runDir}: the checkpoint of this greedy run does not say which phase it was in: train it again');
  return { phase, fit: ctx.resume.fit, stages: metrics?.stages ?? [] };
}

/** Runs {@link trainGreedy} with the run's data, progress and metrics (see the module comment). */
export async function trainGreedyInRun(ctx: TrainContext, stages: GreedyStage[], fineTune: PhaseSettings): Promise<GreedyResult> {
  const { settings, data } = ctx;
  const fineOptions = ctx.fitOptions({ epochs: fineTune.epochs });
  const summary = (records: PhaseRecord[]): unknown => records.map(({ epochs_run, ...rest }) => ({ ...rest, epochs_run }));
  ctx.log(
    `greedy layer-wise training: ${stages.map((s) => `${s.name} (${s.loss}, ${s.optimizer} ${s.lr}, ${s.epochs} epochs)`).join(', ')}, then fine-tuning (${fineTune.loss}, ${fineTune.optimizer} ${fineTune.lr}, ${fineTune.epochs} epochs)`,
  );
  const result = await trainGreedy(ctx.built.autoencoder, stages, fineTune, {
    train: data.train,
    validation: data.valid,
    batchSize: settings.batchSize,
    seed: settings.seed,
    progress: fineOptions.progress,
    signal: fineOptions.signal,
    checkpoint: (phase, cp) => ctx.checkpoint(cp, { phase }),
    checkpointSeconds: ctx.checkpointSeconds,
    resume: greedyResume(ctx),
    onStageEpoch: async (name, r, records) => {
      const epochs = stages.find((s) => s.name === name)?.epochs ?? 0;
      const f = (k: string): string => (r[k] === undefined ? '-' : r[k].toFixed(4));
      ctx.log(
        `${name} epoch ${r.epoch}/${epochs}: loss ${f('loss')} val_loss ${f('val_loss')} val_rounded_accuracy ${f('val_rounded_accuracy')} (${r.seconds.toFixed(1)} s)`,
      );
      await ctx.record('stages', summary(records));
    },
    onStacked: async () => {
      if (data.image !== undefined) {
        await ctx.writeArtifact(
          'reconstructions-stacked.png',
          await reconstructionGrid(ctx.built.autoencoder, toFloatSamples(data.valid, 10).x, { count: 10, ...data.image }),
        );
        ctx.log('stacked the stages: reconstructions-stacked.png drawn before fine-tuning');
      }
    },
    onFineTuneEpoch: fineOptions.onEpochEnd,
  });
  await ctx.record('fine_tune', result.fineTune === null ? null : { ...result.fineTune, epochs_run: undefined });
  return result;
}

/**
 * The hooks a staged recipe needs for its `greedy` and `greedyEpochs` options: the combination
 * checks, the plan line, and a `train` that runs either the standard fit or greedy training.
 */
export function greedyHooks(
  stagesOf: (built: Autoencoder) => StageModels[],
  schedule: GreedySchedule,
): Pick<Recipe, 'check' | 'plan' | 'train'> {
  return {
    check(modelOptions) {
      if (modelOptions.greedy === true && modelOptions.noise != null) {
        throw new ConflictError(['noise', 'greedy'], '{noise} cannot be combined with {greedy} (the greedy stages bypass the noise layer)');
      }
      const epochs = modelOptions.greedyEpochs as number[] | null | undefined;
      if (modelOptions.greedy !== true && epochs != null)
        throw new ConflictError(['greedyEpochs', 'greedy'], '{greedyEpochs} needs {greedy}');
      const count = schedule.count(modelOptions);
      if (epochs != null && epochs.length !== count + 1) {
        throw new ConflictError(
          ['greedyEpochs'],
          `{greedyEpochs}: expected ${count + 1} numbers (${count} stages, then fine-tuning), got ${epochs.length}`,
        );
      }
    },
    plan(settings: TrainingSettings, modelOptions) {
      // greedy runs follow their stage schedule (each stage logs its epochs), not the run's epochs
      return modelOptions.greedy === true ? 'greedy layer-wise: stages, then fine-tuning' : `for ${settings.epochs} epochs`;
    },
    async train(ctx) {
      if (ctx.modelOptions.greedy !== true) {
        ctx.compile(ctx.built.autoencoder);
        await fit(ctx.built.autoencoder, ctx.data.train, ctx.fitOptions());
        return;
      }
      const epochs = (ctx.modelOptions.greedyEpochs ?? undefined) as number[] | undefined;
      const models = stagesOf(ctx.built);
      // On unbounded data (standardised tables) the phases that reconstruct the inputs use MSE.
      const bounded = (p: PhaseSettings): PhaseSettings => ({ ...p, loss: lossFor(p.loss, ctx.data) });
      const stages = models.map((m, k) => {
        const s = bounded(schedule.stages(k));
        return { ...m, ...s, epochs: epochs?.[k] ?? s.epochs };
      });
      const fineTune = bounded(schedule.fineTune);
      await trainGreedyInRun(ctx, stages, { ...fineTune, epochs: epochs?.at(-1) ?? fineTune.epochs });
    },
  };
}
