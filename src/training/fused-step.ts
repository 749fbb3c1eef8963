/**
 * aekit's training step for models whose layers form a chain: the computation of tfjs's
 * `model.trainOnBatch`, with the runs of consecutive dense layers computed by one fused op.
 *
 * tfjs-layers trains a model by running each layer's kernels and their gradients one by one. On
 * the small dense models of tables each kernel costs tfjs's dispatch (5–10 µs) far more than its
 * arithmetic, so a step of the `dense` recipe's model ran 123 kernels in 1.3 ms, slower than
 * PyTorch. {@link fusedTrainStep} reads the model's layers as a chain (nested models expanded),
 * and trains it with a forward function that applies every layer itself (`layer.apply`, as the
 * model would) except runs of Dense and DenseTranspose layers, which run as one
 * {@link denseChain} each (one kernel forward and one backward for the whole run), and an
 * UpSampling2D(2×2, nearest) directly followed by a Conv2D(3×3, stride 1, 'same'), which runs as
 * one {@link upsampleConv2d} (a 4×4 stride-2 transposed convolution: 4 taps per output pixel
 * instead of 9, no resize) where {@link upsampleConvPays} says it is faster for the batch's shape.
 *
 * Everything else is trainOnBatch's: the compiled loss (its mean over the batch), the compiled
 * metrics, the regularisation losses of the layers (`calculateLosses`), the compiled optimizer on
 * the compiled trainable weights, and the returned values in `model.metricsNames` order. A dense
 * layer is fused when its activation is one the op has (linear, relu, sigmoid, elu, selu) and it
 * has no activity regulariser; other layers run as they are. {@link fit} uses this step unless
 * told not to (`fused: false`) or given a step of its own; the result is trainOnBatch's to float
 * rounding (tested side by side in `fused-step.test.ts`).
 */

import * as tf from '../core/tf.js';
import {
  DENSE_CHAIN_ACTIVATIONS,
  DENSE_CHAIN_MAX_LAYERS,
  type DenseChainActivation,
  type DenseChainLayer,
  denseChain,
  hasFusedDenseChain,
} from '../engine/fused-dense.js';
import { upsampleConv2d, upsampleConvPays } from '../engine/upsample-conv.js';
import type { TrainStep } from './train-step.js';

type Layer = tf.layers.Layer;
type Symbolic = tf.SymbolicTensor;

/** The parts of tfjs-layers' objects the planner reads (some are not in tfjs's public typings). */
interface NodeLike {
  inputTensors: Symbolic[];
}
interface LayerLike {
  inboundNodes: NodeLike[];
  getClassName(): string;
}
interface DenseFields {
  kernel: { read(): tf.Tensor } | null;
  bias: { read(): tf.Tensor } | null;
  activation: { getClassName(): string } | null;
  activityRegularizer?: unknown;
  dtype?: string;
}
interface DenseTransposeFields {
  bias: { read(): tf.Tensor } | null;
  activation: string;
  partnerKernel(): { read(): tf.Tensor };
}
interface CompiledModel {
  lossFunctions?: Array<(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor>;
  metricsTensors?: Array<[(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, number]>;
  collectedTrainableWeights?: Array<{ read(): tf.Tensor }>;
  calculateLosses(): tf.Scalar[];
}

const isModel = (layer: Layer): layer is tf.LayersModel =>
  Array.isArray((layer as Partial<tf.LayersModel>).layers) && Array.isArray((layer as Partial<tf.LayersModel>).inputs);

/**
 * The layers of `model` in the order they apply, nested models expanded, when every layer takes
 * the one output of the layer before (a Sequential model, or a functional one without branches);
 * null otherwise.
 */
export function chainOf(model: tf.LayersModel): Layer[] | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const path: Layer[] = [];
  let t: Symbolic = model.outputs[0];
  for (;;) {
    const layer = t.sourceLayer as Layer & LayerLike;
    if (layer.getClassName() === 'InputLayer') {
      if (t !== model.inputs[0]) return null;
      break;
    }
    const node = layer.inboundNodes[t.nodeIndex];
    if (node === undefined || node.inputTensors.length !== 1 || t.tensorIndex !== 0) return null;
    if (isModel(layer)) {
      const inner = chainOf(layer);
      if (inner === null) return null;
      path.push(...inner.reverse());
    } else path.push(layer);
    t = node.inputTensors[0];
  }
  return path.reverse();
}

/** One layer of a fused run: how to read its weights when the step runs. */
type DenseReader = () => DenseChainLayer;

const fusable = (name: string | undefined): name is DenseChainActivation =>
  name !== undefined && (DENSE_CHAIN_ACTIVATIONS as readonly string[]).includes(name);

/** How `layer` runs as part of a dense chain, or null when it cannot. */
function denseReader(layer: Layer): DenseReader | null {
  const cls = (layer as unknown as LayerLike).getClassName();
  if (cls === 'Dense') {
    const d = layer as unknown as DenseFields;
    const act = d.activation?.getClassName() ?? 'linear';
    if (!fusable(act) || d.activityRegularizer != null || d.kernel === null || (d.dtype ?? 'float32') !== 'float32') return null;
    return () => ({ kernel: d.kernel!.read(), bias: d.bias?.read() ?? null, activation: act });
  }
  if (cls === 'DenseTranspose') {
    const d = layer as unknown as DenseTransposeFields;
    if (!fusable(d.activation)) return null;
    return () => ({
      kernel: d.partnerKernel().read(),
      bias: d.bias?.read() ?? null,
      activation: d.activation as DenseChainActivation,
      transposed: true,
    });
  }
  return null;
}

interface UpsampleFields {
  size: number[];
  interpolation: string;
  dataFormat: string;
}
interface ConvFields {
  rank: number;
  kernelSize: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[] | number;
  activation: { getClassName(): string } | null;
  activityRegularizer?: unknown;
  kernel: { read(): tf.Tensor } | null;
  bias: { read(): tf.Tensor } | null;
}

/** An UpSampling2D and the Conv2D after it, as {@link upsampleConv2d} takes them. */
interface UpsampleConv {
  upsample: Layer;
  conv: Layer;
  read(): { kernel: tf.Tensor; bias: tf.Tensor | null; activation: string };
}

/** `upsample` then `conv` as one {@link upsampleConv2d}, or null when they compute something else. */
function upsampleConvOf(upsample: Layer, conv: Layer): UpsampleConv | null {
  const u = upsample as unknown as UpsampleFields & LayerLike;
  const c = conv as unknown as ConvFields & LayerLike;
  if (u.getClassName() !== 'UpSampling2D' || c.getClassName() !== 'Conv2D') return null;
  if (u.size[0] !== 2 || u.size[1] !== 2 || u.interpolation !== 'nearest' || u.dataFormat !== 'channelsLast') return null;
  const dil = c.dilationRate;
  const ok =
    c.rank === 2 &&
    c.kernelSize.every((k) => k === 3) &&
    c.strides.every((s) => s === 1) &&
    c.padding === 'same' &&
    c.dataFormat === 'channelsLast' &&
    (typeof dil === 'number' ? dil === 1 : dil.every((d) => d === 1)) &&
    c.activityRegularizer == null &&
    c.kernel !== null;
  if (!ok) return null;
  return {
    upsample,
    conv,
    read: () => ({ kernel: c.kernel!.read(), bias: c.bias?.read() ?? null, activation: c.activation?.getClassName() ?? 'linear' }),
  };
}

/**
 * A piece of the forward pass: one layer as it is, a run of dense layers as one op, or an
 * UpSampling2D + Conv2D pair as one transposed convolution.
 */
type Segment = { layer: Layer } | { dense: DenseReader[] } | { upconv: UpsampleConv };

/** The chain cut into segments (runs of fusable dense layers, at most the op's maximum each; upsampling pairs). */
function segmentsOf(layers: Layer[]): Segment[] {
  const out: Segment[] = [];
  let run: DenseReader[] = [];
  const flush = (): void => {
    if (run.length > 0) out.push({ dense: run });
    run = [];
  };
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const reader = denseReader(layer);
    const pair = i + 1 < layers.length ? upsampleConvOf(layer, layers[i + 1]) : null;
    if (reader !== null) {
      if (run.length === DENSE_CHAIN_MAX_LAYERS) flush();
      run.push(reader);
      continue;
    }
    flush();
    if (pair !== null) {
      out.push({ upconv: pair });
      i++;
    } else out.push({ layer });
  }
  flush();
  return out;
}

/** Applies the segments to x, as `model.apply(x, { training })` would. */
function forward(segments: Segment[], x: tf.Tensor, training: boolean): tf.Tensor {
  let h = x;
  for (const s of segments) {
    if ('layer' in s) h = s.layer.apply(h, { training }) as tf.Tensor;
    else if ('dense' in s)
      h = denseChain(
        h,
        s.dense.map((read) => read()),
      );
    else {
      const { kernel, bias, activation } = s.upconv.read();
      // the rule depends on the batch's size: below it, the two layers as they are
      if (h.dtype === 'float32' && upsampleConvPays(h.shape, kernel.shape)) h = upsampleConv2d(h, kernel, bias, activation);
      else h = s.upconv.conv.apply(s.upconv.upsample.apply(h, { training }), { training }) as tf.Tensor;
    }
  }
  return h;
}

/**
 * The fused training step of a compiled `model` (see the module's comment), or null when it does
 * not apply: the active backend is not aekit's native engine (the one with the dense-chain
 * kernels), the model is not compiled with one loss, its layers are not a chain, or none of them
 * can be fused.
 *
 * @example
 * const step = fusedTrainStep(model);
 * const [loss] = step === null ? [await model.trainOnBatch(x, x)] : await step.train(x, x);
 */
export function fusedTrainStep(model: tf.LayersModel): TrainStep | null {
  if (!hasFusedDenseChain()) return null;
  // a Sequential model compiles and trains the LayersModel it wraps, which holds the compiled parts
  const compiled = (model instanceof tf.Sequential
    ? (model as unknown as { model: tf.LayersModel }).model
    : model) as unknown as CompiledModel;
  const lossFunction = compiled.lossFunctions?.length === 1 ? compiled.lossFunctions[0] : undefined;
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (lossFunction === undefined || optimizer === undefined) return null;
  const layers = chainOf(model);
  if (layers === null) return null;
  const segments = segmentsOf(layers);
  if (!segments.some((s) => !('layer' in s))) return null;
  const metrics = (compiled.metricsTensors ?? []).map(([fn]) => fn);
  const weights = compiled.collectedTrainableWeights ?? model.trainableWeights;
  return {
    names: model.metricsNames,
    optimizer,
    train(x, y) {
      const variables = weights.map((w) => w.read() as tf.Variable);
      let kept: tf.Scalar[] = [];
      const total = optimizer.minimize(
        () => {
          const out = forward(segments, x, true);
          // trainOnBatch takes the mean of the loss; aekit's fused losses are a mean already
          const value = lossFunction(y, out);
          let loss = (value.rank === 0 ? value : tf.mean(value)) as tf.Scalar;
          kept = metrics.map((m) => tf.keep(tf.mean(m(y, out)) as tf.Scalar));
          for (const r of compiled.calculateLosses()) loss = tf.add(loss, r);
          return loss;
        },
        true,
        variables,
      ) as tf.Scalar;
      const scalars = [total, ...kept];
      const values = scalars.map((s) => s.dataSync()[0]);
      tf.dispose(scalars);
      return values;
    },
  };
}
