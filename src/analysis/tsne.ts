/**
 * Barnes-Hut t-SNE (van der Maaten 2014): sparse input similarities over the 3·perplexity nearest
 * neighbours, and repulsive forces summed over a quadtree, so 5,000 points take about a minute
 * where exact t-SNE (O(N²) per iteration, as in the npm packages measured) takes most of an hour.
 * Defaults follow scikit-learn's `TSNE()`, the book's "t-SNE (defaults)": perplexity 30, early
 * exaggeration 12 for 250 iterations, learning rate max(N / 12 / 4, 50), 1,000 iterations,
 * PCA initialisation, angle 0.5.
 */

import { ArgumentError } from '../core/errors.js';
import { seededRandom } from '../core/random.js';
import { type Neighbours, nearestNeighbours, type Points } from './knn.js';
import { pca } from './pca.js';

/** Options of {@link tsne}. */
export interface TsneOptions {
  /** Effective number of neighbours. Default 30. */
  perplexity?: number;
  /** Gradient-descent iterations. Default 1000. */
  iterations?: number;
  /** Factor on the attractive forces during the first {@link exaggerationIterations}. Default 12. */
  exaggeration?: number;
  /** Iterations with exaggeration (and momentum 0.5; 0.8 afterwards). Default 250. */
  exaggerationIterations?: number;
  /** Step size; `auto` = max(N / exaggeration / 4, 50). Default `auto`. */
  learningRate?: number | 'auto';
  /** Barnes-Hut angle: a cell counts as one body when its width / distance < theta; 0 is exact. Default 0.5. */
  theta?: number;
  /** Starting layout: the first two principal components (scaled down) or small random values. Default `pca`. */
  init?: 'pca' | 'random';
  /** Seed of the random initialisation. Default 42. */
  seed?: number;
  /** Neighbour lists of `points` already computed (at least 3·perplexity each), to save time. */
  neighbours?: Neighbours;
  /** Called after every iteration with (done, total); may return a promise (e.g. to yield). */
  onIteration?: (done: number, total: number) => void | Promise<void>;
}

/** Sparse symmetric matrix in compressed-row form. */
interface Csr {
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** Conditional probabilities p(j|i) over each point's neighbours, with the bandwidth set by binary search on the entropy. */
function conditionalP(nb: Neighbours, count: number, k: number, perplexity: number): Float64Array {
  const p = new Float64Array(count * k);
  const target = Math.log(perplexity);
  const d2 = new Float64Array(k);
  for (let i = 0; i < count; i++) {
    for (let q = 0; q < k; q++) d2[q] = nb.distances[i * nb.k + q] ** 2;
    const shift = d2[0];
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    for (let attempt = 0; attempt < 100; attempt++) {
      let sum = 0;
      let sumDP = 0;
      for (let q = 0; q < k; q++) {
        const e = Math.exp(-beta * (d2[q] - shift));
        p[i * k + q] = e;
        sum += e;
        sumDP += (d2[q] - shift) * e;
      }
      const entropy = Math.log(sum) + (beta * sumDP) / sum;
      for (let q = 0; q < k; q++) p[i * k + q] /= sum;
      const diff = entropy - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
  }
  return p;
}

/** P = (P(j|i) + P(i|j)) / 2N, as a sparse symmetric matrix. */
function symmetrize(cond: Float64Array, nb: Neighbours, count: number, k: number): Csr {
  const rows: Map<number, number>[] = Array.from({ length: count }, () => new Map());
  for (let i = 0; i < count; i++) {
    for (let q = 0; q < k; q++) {
      const j = nb.indices[i * nb.k + q];
      const v = cond[i * k + q] / (2 * count);
      rows[i].set(j, (rows[i].get(j) ?? 0) + v);
      rows[j].set(i, (rows[j].get(i) ?? 0) + v);
    }
  }
  const rowStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) rowStart[i + 1] = rowStart[i] + rows[i].size;
  const cols = new Int32Array(rowStart[count]);
  const vals = new Float64Array(rowStart[count]);
  rows.forEach((row, i) => {
    let o = rowStart[i];
    for (const [j, v] of row) {
      cols[o] = j;
      vals[o++] = v;
    }
  });
  return { rowStart, cols, vals };
}

/** A quadtree over 2-D points in flat arrays, rebuilt every iteration. */
class QuadTree {
  cx: Float64Array = new Float64Array(0);
  cy: Float64Array = new Float64Array(0);
  hw: Float64Array = new Float64Array(0);
  sx: Float64Array = new Float64Array(0);
  sy: Float64Array = new Float64Array(0);
  cnt: Int32Array = new Int32Array(0);
  child: Int32Array = new Int32Array(0);
  point: Int32Array = new Int32Array(0);
  size = 0;

  private grow(min: number): void {
    const cap = Math.max(min, this.cnt.length * 2, 64);
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const n = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.cx = f(this.cx);
    this.cy = f(this.cy);
    this.hw = f(this.hw);
    this.sx = f(this.sx);
    this.sy = f(this.sy);
    this.cnt = n(this.cnt);
    this.child = n(this.child);
    this.point = n(this.point);
  }

  private node(cx: number, cy: number, hw: number): number {
    if (this.size === this.cnt.length) this.grow(this.size + 1);
    const i = this.size++;
    this.cx[i] = cx;
    this.cy[i] = cy;
    this.hw[i] = hw;
    this.sx[i] = 0;
    this.sy[i] = 0;
    this.cnt[i] = 0;
    this.child[i] = -1;
    this.point[i] = -1;
    return i;
  }

  private childFor(n: number, x: number, y: number): number {
    return this.child[n] + (x >= this.cx[n] ? 1 : 0) + (y >= this.cy[n] ? 2 : 0);
  }

  build(y: Float64Array, count: number): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      minX = Math.min(minX, y[2 * i]);
      maxX = Math.max(maxX, y[2 * i]);
      minY = Math.min(minY, y[2 * i + 1]);
      maxY = Math.max(maxY, y[2 * i + 1]);
    }
    this.size = 0;
    const half = Math.max(maxX - minX, maxY - minY) / 2 + 1e-5;
    this.node((minX + maxX) / 2, (minY + maxY) / 2, half);
    const minHalf = half * 1e-12;
    for (let i = 0; i < count; i++) {
      const x = y[2 * i];
      const yy = y[2 * i + 1];
      let n = 0;
      for (;;) {
        if (this.child[n] === -1) {
          if (this.cnt[n] === 0) {
            this.cnt[n] = 1;
            this.sx[n] = x;
            this.sy[n] = yy;
            this.point[n] = i;
            break;
          }
          const q = this.point[n];
          if (this.hw[n] < minHalf || (y[2 * q] === x && y[2 * q + 1] === yy)) {
            this.cnt[n]++;
            this.sx[n] += x;
            this.sy[n] += yy;
            break;
          }
          // Split the leaf; its points (one, or several at one spot) move into a child.
          const h = this.hw[n] / 2;
          const first = this.node(this.cx[n] - h, this.cy[n] - h, h);
          this.node(this.cx[n] + h, this.cy[n] - h, h);
          this.node(this.cx[n] - h, this.cy[n] + h, h);
          this.node(this.cx[n] + h, this.cy[n] + h, h);
          this.child[n] = first;
          const c = this.childFor(n, y[2 * q], y[2 * q + 1]);
          this.cnt[c] = this.cnt[n];
          this.sx[c] = this.sx[n];
          this.sy[c] = this.sy[n];
          this.point[c] = q;
          this.point[n] = -1;
        }
        this.cnt[n]++;
        this.sx[n] += x;
        this.sy[n] += yy;
        n = this.childFor(n, x, yy);
      }
    }
  }

  /** Adds the repulsive force on (x, y) to `out[0..1]`; returns its share of the normalisation Z. */
  repulse(x: number, y: number, theta2: number, stack: Int32Array, out: Float64Array): number {
    let top = 0;
    let z = 0;
    stack[top++] = 0;
    while (top > 0) {
      const n = stack[--top];
      const c = this.cnt[n];
      if (c === 0) continue;
      const dx = x - this.sx[n] / c;
      const dy = y - this.sy[n] / c;
      const d2 = dx * dx + dy * dy;
      const leaf = this.child[n] === -1;
      if (leaf && d2 === 0) {
        z += c - 1;
        continue;
      }
      const w = 2 * this.hw[n];
      if (leaf || w * w < theta2 * d2) {
        const q = 1 / (1 + d2);
        z += c * q;
        out[0] += c * q * q * dx;
        out[1] += c * q * q * dy;
      } else {
        const f = this.child[n];
        stack[top++] = f;
        stack[top++] = f + 1;
        stack[top++] = f + 2;
        stack[top++] = f + 3;
      }
    }
    return z;
  }
}

/**
 * Embeds `points` in 2-D with Barnes-Hut t-SNE; returns `count × 2` coordinates.
 *
 * @example
 * const map = await tsne({ x: codings, shape: [30], count: 5000 }, { onIteration: (i, n) => bar.update(i) });
 */
export async function tsne(points: Points, options: TsneOptions = {}): Promise<Points> {
  const {
    perplexity = 30,
    iterations = 1000,
    exaggeration = 12,
    exaggerationIterations = 250,
    learningRate = 'auto',
    theta = 0.5,
    init = 'pca',
    seed = 42,
    onIteration,
  } = options;
  const { count } = points;
  if (count < 4) throw new ArgumentError('points', `tsne: needs at least 4 points, got ${count}`);
  if (!(perplexity > 0) || perplexity >= count)
    throw new ArgumentError('perplexity', `tsne: {perplexity} must be > 0 and < the number of points (${count}), got ${perplexity}`);
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new ArgumentError('iterations', `tsne: {iterations} must be a positive integer, got ${iterations}`);
  const k = Math.min(count - 1, Math.floor(3 * perplexity));
  const nb = options.neighbours !== undefined && options.neighbours.k >= k ? options.neighbours : nearestNeighbours(points, k);
  const P = symmetrize(conditionalP(nb, count, k, perplexity), nb, count, k);
  const lr = learningRate === 'auto' ? Math.max(count / exaggeration / 4, 50) : learningRate;

  const y = new Float64Array(2 * count);
  if (init === 'pca') {
    const start = pca(points, 2).projected.x;
    let mean = 0;
    for (let i = 0; i < count; i++) mean += start[2 * i] / count;
    let sd = 0;
    for (let i = 0; i < count; i++) sd += (start[2 * i] - mean) ** 2 / count;
    const scale = 1e-4 / (Math.sqrt(sd) || 1);
    for (let i = 0; i < 2 * count; i++) y[i] = start[i] * scale;
  } else {
    const random = seededRandom(seed);
    for (let i = 0; i < 2 * count; i++) y[i] = 1e-4 * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  }
  const update = new Float64Array(2 * count);
  const gains = new Float64Array(2 * count).fill(1);
  const rep = new Float64Array(2 * count);
  const grad = new Float64Array(2 * count);
  const tree = new QuadTree();
  const stack = new Int32Array(4 * 64 * 4 + 64);
  const force = new Float64Array(2);
  const theta2 = theta * theta;

  for (let it = 0; it < iterations; it++) {
    const early = it < exaggerationIterations;
    const exag = early ? exaggeration : 1;
    const momentum = early ? 0.5 : 0.8;
    tree.build(y, count);
    let z = 0;
    for (let i = 0; i < count; i++) {
      force[0] = 0;
      force[1] = 0;
      z += tree.repulse(y[2 * i], y[2 * i + 1], theta2, stack, force);
      rep[2 * i] = force[0];
      rep[2 * i + 1] = force[1];
    }
    for (let i = 0; i < count; i++) {
      let ax = 0;
      let ay = 0;
      const xi = y[2 * i];
      const yi = y[2 * i + 1];
      for (let o = P.rowStart[i]; o < P.rowStart[i + 1]; o++) {
        const j = P.cols[o];
        const dx = xi - y[2 * j];
        const dy = yi - y[2 * j + 1];
        const w = P.vals[o] / (1 + dx * dx + dy * dy);
        ax += w * dx;
        ay += w * dy;
      }
      grad[2 * i] = 4 * (exag * ax - rep[2 * i] / z);
      grad[2 * i + 1] = 4 * (exag * ay - rep[2 * i + 1] / z);
    }
    for (let i = 0; i < 2 * count; i++) {
      const g = grad[i];
      gains[i] = Math.max(0.01, update[i] * g < 0 ? gains[i] + 0.2 : gains[i] * 0.8);
      update[i] = momentum * update[i] - lr * gains[i] * g;
      y[i] += update[i];
    }
    await onIteration?.(it + 1, iterations);
  }
  return { x: Float32Array.from(y), shape: [2], count };
}
