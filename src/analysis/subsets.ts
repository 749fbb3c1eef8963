/**
 * Subsets of a data split: the images of some classes only (for training on all classes but one).
 */
import { CLASS_NAMES, type Split } from '../data/fashion-mnist.js';

/** Checks that `label` is a Fashion-MNIST class index (0–9); `what` names the flag or option. */
export function checkClass(label: number, what: string): number {
  if (!Number.isInteger(label) || label < 0 || label >= CLASS_NAMES.length) {
    throw new RangeError(`${what} must be a class index 0–${CLASS_NAMES.length - 1} (${CLASS_NAMES.map((n, i) => `${i} ${n}`).join(', ')}), got ${label}`);
  }
  return label;
}

/**
 * The images of `split` whose label is not `label`, in their original order (a copy).
 *
 * @example
 * const noSneakers = withoutClass(data.train, 7); // 7 = Sneaker
 */
export function withoutClass(split: Split, label: number): Split {
  checkClass(label, 'the excluded class');
  const pixels = split.height * split.width;
  let kept = 0;
  for (let i = 0; i < split.count; i++) if (split.labels[i] !== label) kept++;
  const images = new Float32Array(kept * pixels);
  const labels = new Uint8Array(kept);
  for (let i = 0, j = 0; i < split.count; i++) {
    if (split.labels[i] === label) continue;
    images.set(split.images.subarray(i * pixels, (i + 1) * pixels), j * pixels);
    labels[j++] = split.labels[i];
  }
  return { ...split, images, labels, count: kept };
}
