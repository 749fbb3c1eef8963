/**
 * The book's generated 3-D data set for the linear autoencoder (Géron, ch. 17).
 */
import { ArgumentError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';

/** A generated point cloud. */
export interface PointCloud {
  /** `count × 3` coordinates, centred (mean 0 per axis). */
  points: Float32Array;
  count: number;
  /** Angle that generated each point (its position along the curved band), for colouring plots. */
  angles: Float32Array;
}

/**
 * The book's 3-D data set: points along a bent band near the plane z = 0.1·x + 0.3·y, with noise,
 * then centred. Same recipe as the book's `generate_3d_data(60)`; the numbers differ from NumPy's
 * because aekit's seeded generator is its own.
 *
 * @example
 * const { points } = pointCloud(60, 42); // Float32Array of 180 values
 */
export function pointCloud(count = 60, seed = 42, options: { w1?: number; w2?: number; noise?: number } = {}): PointCloud {
  const { w1 = 0.1, w2 = 0.3, noise = 0.1 } = options;
  if (!Number.isInteger(count) || count < 2) throw new ArgumentError('count', `expected an integer ≥ 2, got ${count}`);
  const random = seededRandom(seed);
  const randn = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const angles = Float32Array.from({ length: count }, () => (random() * 3 * Math.PI) / 2 - 0.5);
  const data = new Float64Array(count * 3);
  for (let i = 0; i < count; i++) data[3 * i] = Math.cos(angles[i]) + Math.sin(angles[i]) / 2 + (noise * randn()) / 2;
  for (let i = 0; i < count; i++) data[3 * i + 1] = Math.sin(angles[i]) * 0.7 + (noise * randn()) / 2;
  for (let i = 0; i < count; i++) data[3 * i + 2] = data[3 * i] * w1 + data[3 * i + 1] * w2 + noise * randn();
  for (let a = 0; a < 3; a++) {
    let m = 0;
    for (let i = 0; i < count; i++) m += data[3 * i + a];
    m /= count;
    for (let i = 0; i < count; i++) data[3 * i + a] -= m;
  }
  return { points: Float32Array.from(data), count, angles };
}
