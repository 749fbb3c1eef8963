/**
 * `DenseTranspose`: a dense layer tied to a partner `Dense` layer — it multiplies by the partner's
 * kernel transposed and owns only its bias (Géron, ch. 17, "Tying weights").
 *
 * Porting note: Keras code ties layers by holding the partner object; a tfjs config must be plain
 * JSON, so the partner is stored by name and re-linked after loading by {@link linkTiedLayers}
 * (which `loadModel` runs on every model it returns).
 */

import { ArgumentError } from '../core/errors.js';
import * as tf from '../core/tf.js';
import { registerAfterLoad } from './after-load.js';

/** Activations a {@link DenseTranspose} layer can apply. */
export type DenseTransposeActivation = 'linear' | 'sigmoid' | 'selu' | 'relu' | 'elu' | 'tanh';

const ACTIVATIONS: Record<DenseTransposeActivation, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  sigmoid: (x) => tf.sigmoid(x),
  selu: (x) => tf.selu(x),
  relu: (x) => tf.relu(x),
  elu: (x) => tf.elu(x),
  tanh: (x) => tf.tanh(x),
};

/** Arguments of {@link DenseTranspose}. */
export interface DenseTransposeArgs {
  /**
   * The `Dense` layer whose kernel `[in, out]` is used transposed, so that this layer maps `out`
   * features back to `in`. Given when building a model; a reloaded layer has only `partnerName`.
   */
  partner?: tf.layers.Layer;
  /** Name of the partner layer (default: `partner.name`). */
  partnerName?: string;
  /**
   * The partner's name as a saved config holds it. Porting note: tfjs camel-cases every string
   * value of a config on load except those under a `name` key, so the name travels as `{ name }`.
   */
  tiedTo?: { name: string };
  /** Output size, i.e. the partner's input size. Default: read from the (built) partner's kernel. */
  units?: number;
  /** Activation applied after the bias. Default `'linear'`. */
  activation?: DenseTransposeActivation;
  /** Layer name; must be unique in the model. */
  name?: string;
  /** Whether the bias is trained. Default true. */
  trainable?: boolean;
  /** Input shape without the batch dimension, when this is a model's first layer. */
  inputShape?: number[];
  /** Input shape with the batch dimension (what a saved config holds). */
  batchInputShape?: Array<number | null>;
  /** Data type; only `float32` is supported. */
  dtype?: 'float32';
}

/** A tfjs weight as the Layers API keeps it (`read()` gives the variable). */
type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

/**
 * Dense layer that reuses the transposed kernel of its partner `Dense` layer and owns only a bias.
 * Input `[batch, out]` → output `[batch, units]` with `units = in` of the partner's `[in, out]` kernel.
 *
 * @example
 * const hidden = tf.layers.dense({ units: 100, activation: 'selu', name: 'encoder_dense_1' });
 * // … after hidden is built …
 * const out = new DenseTranspose({ partner: hidden, activation: 'sigmoid', name: 'decoder_output' });
 */
export class DenseTranspose extends tf.layers.Layer {
  /** Registered class name; what a saved model.json refers to. */
  static className = 'DenseTranspose';
  /** Name of the partner Dense layer. */
  readonly partnerName: string;
  /** Output size (the partner's input size); null until known. */
  units: number | null;
  /** Activation name. */
  readonly activation: DenseTransposeActivation;
  private partner: tf.layers.Layer | null;
  private bias: LayerVariable | null = null;

  constructor(args: DenseTransposeArgs) {
    const { partner, tiedTo, units, activation = 'linear', ...base } = args;
    const partnerName = args.partnerName ?? tiedTo?.name;
    delete (base as { partnerName?: string }).partnerName;
    super(base);
    if (partner === undefined && (partnerName === undefined || partnerName === '')) {
      throw new ArgumentError('partner', 'DenseTranspose: give `partner` (a Dense layer) or `partnerName`, got neither');
    }
    if (!(activation in ACTIVATIONS)) {
      throw new ArgumentError(
        'activation',
        `DenseTranspose: {activation} must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got '${String(activation)}'`,
      );
    }
    if (units !== undefined && units !== null && !(Number.isInteger(units) && units > 0)) {
      throw new ArgumentError('units', `DenseTranspose: {units} must be a positive integer, got ${units}`);
    }
    this.partner = partner ?? null;
    this.partnerName = partnerName ?? partner!.name;
    this.units = units ?? null;
    this.activation = activation;
  }

  /** True when the partner layer is known (always, except for a reloaded layer before {@link linkTiedLayers}). */
  get linked(): boolean {
    return this.partner !== null;
  }

  /** Ties this layer to `partner` (what {@link linkTiedLayers} does after a load). */
  link(partner: tf.layers.Layer): void {
    if (partner.name !== this.partnerName) {
      throw new ArgumentError('partner', `DenseTranspose '${this.name}': expected partner '${this.partnerName}', got '${partner.name}'`);
    }
    this.partner = partner;
    if (partner.built) this.checkKernel(this.partnerKernel());
  }

  /** The partner's kernel variable `[in, out]`. */
  partnerKernel(): LayerVariable {
    if (this.partner === null) {
      throw new Error(
        `DenseTranspose '${this.name}' is tied to layer '${this.partnerName}', which is not linked: ` +
          "load the whole autoencoder (its model/ directory) with aekit's loadModel, or call linkTiedLayers(model)",
      );
    }
    const kernel = this.partner.weights.find((w) => /(^|\/)kernel(_\d+)?$/.test(w.originalName));
    if (kernel === undefined || kernel.shape.length !== 2) {
      throw new ArgumentError(
        'partner',
        `DenseTranspose '${this.name}': partner '${this.partnerName}' has no 2-D kernel (is it a built Dense layer?)`,
      );
    }
    return kernel;
  }

  private checkKernel(kernel: LayerVariable): void {
    const inDim = kernel.shape[0] as number;
    if (this.units !== null && this.units !== inDim) {
      throw new ArgumentError(
        'units',
        `DenseTranspose '${this.name}': units ${this.units} differ from partner '${this.partnerName}' input size ${inDim}`,
      );
    }
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputDim = shape[shape.length - 1];
    if (this.partner?.built) {
      const kernel = this.partnerKernel();
      this.checkKernel(kernel);
      this.units = kernel.shape[0] as number;
      if (inputDim !== kernel.shape[1]) {
        throw new ArgumentError(
          'inputs',
          `DenseTranspose '${this.name}': input size ${inputDim} differs from partner '${this.partnerName}' output size ${kernel.shape[1]}`,
        );
      }
    }
    if (this.units === null) {
      throw new ArgumentError(
        'units',
        `DenseTranspose '${this.name}': units unknown — build partner '${this.partnerName}' first or pass units`,
      );
    }
    if (this.bias === null) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (this.units === null) throw new ArgumentError('units', `DenseTranspose '${this.name}': units unknown before build`);
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const kernel = this.partnerKernel().read();
      const y = tf.add(tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D, false, true), this.bias!.read());
      return ACTIVATIONS[this.activation](y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), tiedTo: { name: this.partnerName }, units: this.units, activation: this.activation };
  }
}
tf.serialization.registerClass(DenseTranspose);

/** Every layer of `model`, nested models' layers included. */
function allLayers(model: tf.layers.Layer): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  const visit = (layer: tf.layers.Layer): void => {
    out.push(layer);
    const inner = (layer as Partial<tf.LayersModel>).layers;
    if (Array.isArray(inner)) inner.forEach(visit);
  };
  visit(model);
  return out;
}

/**
 * Links every unlinked {@link DenseTranspose} in `model` (nested models included) to its partner,
 * found by name in the same model. Layers whose partner is absent (a decoder loaded alone) stay
 * unlinked and throw a clear error when called. Returns the number of layers linked.
 */
export function linkTiedLayers(model: tf.LayersModel): number {
  const layers = allLayers(model);
  const byName = new Map(layers.map((l) => [l.name, l]));
  let linked = 0;
  for (const layer of layers) {
    if (layer instanceof DenseTranspose && !layer.linked) {
      const partner = byName.get(layer.partnerName);
      if (partner !== undefined) {
        layer.link(partner);
        linked++;
      }
    }
  }
  return linked;
}

registerAfterLoad(linkTiedLayers);
