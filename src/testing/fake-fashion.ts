/**
 * Test support (not public API): a tiny stand-in for Fashion-MNIST with the real object's shape,
 * so that training procedures can be tested end to end in seconds.
 */
import { seededRandom } from '../core/random.js';
import type { FashionMnist, Split } from '../data/fashion-mnist.js';

/** `count` 28×28 images whose class `i % 10` sets a bright horizontal band, plus a little noise. */
function split(count: number, seed: number): Split {
  const random = seededRandom(seed);
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      images[i * 784 + p] = (Math.abs(row - (2 + 2.4 * label)) < 2 ? 0.9 : 0.05) + 0.05 * random();
    }
  }
  return { x: images, shape: [28, 28], labels, count };
}

/** A {@link FashionMnist} with `train`, `valid` and `test` images of the pattern above. */
export function fakeFashionMnist(train = 200, valid = 50, test = 50): FashionMnist {
  return { train: split(train, 1), valid: split(valid, 2), test: split(test, 3), source: 'fake test data' };
}
