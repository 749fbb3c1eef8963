/**
 * The index tables of tfjs's nearest-neighbour resize, for the native kernels `resizeNearest` and
 * `resizeNearestGrad` (native/resize.cc): which input row (or column) each output row (or column)
 * reads, computed with tfjs-backend-cpu's formulas in the same double arithmetic, so that the
 * native kernels pick exactly the pixels tfjs picks (ratios such as 3/7 make `floor(ratio · r)`
 * fall one below the exact quotient; tfjs's rounding is the reference, not exact arithmetic).
 *
 * tfjs 4.22's gradient (cpu and wasm alike) has two quirks these tables reproduce or settle:
 * - it ignores `halfPixelCenters`: its rows are those of the resize without half-pixel centres,
 *   so with `halfPixelCenters` it is not the gradient of the forward resize (kept, as tfjs has it);
 * - it only looks for an input pixel's readers in a window of `2 · ceil(1/scale) + 2` output rows
 *   around `floor(r / scale)`: an output row outside that window adds nothing (kept, marked -1).
 *   With `alignCorners` and an input side of 1 but an output side > 1 the window is infinite:
 *   tfjs's cpu kernel loops forever and its wasm kernel returns zeros; here every output row reads
 *   input row 0 and adds to it (the true gradient).
 */

/** The sizes the formulas divide: `alignCorners` keeps the corner pixels' centres aligned. */
function effective(inSize: number, outSize: number, alignCorners: boolean): [number, number] {
  return alignCorners && outSize > 1 ? [inSize - 1, outSize - 1] : [inSize, outSize];
}

/**
 * The input index (in [0, inSize)) that each of `outSize` output rows or columns reads, as
 * tfjs's ResizeNearestNeighbor computes it; inSize ≥ 1.
 *
 * @example resizeNearestSources(3, 6, false, false) // Int32Array [0, 0, 1, 1, 2, 2]
 */
export function resizeNearestSources(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const [effIn, effOut] = effective(inSize, outSize, alignCorners);
  const ratio = effIn / effOut;
  const out = new Int32Array(outSize);
  for (let r = 0; r < outSize; r++) {
    const frac = halfPixelCenters ? ratio * (r + 0.5) : ratio * r;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    out[r] = halfPixelCenters ? Math.max(0, nearest) : nearest;
  }
  return out;
}

/**
 * The input index (in [0, inSize)) that each of `outSize` output rows or columns adds its
 * gradient to, or -1 where it adds to none, as tfjs's ResizeNearestNeighborGrad computes it (see
 * the module comment: no half-pixel centres, and its search window); inSize ≥ 1.
 *
 * @example resizeNearestGradTargets(3, 6, false) // Int32Array [0, 0, 1, 1, 2, 2]
 */
export function resizeNearestGradTargets(inSize: number, outSize: number, alignCorners: boolean): Int32Array {
  const [effIn, effOut] = effective(inSize, outSize, alignCorners);
  const scale = effIn / effOut;
  const inv = 1 / scale;
  const win = Math.ceil(inv) * 2 + 2;
  const out = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const target = Math.min(inSize - 1, alignCorners ? Math.round(o * scale) : Math.floor(o * scale));
    if (!Number.isFinite(inv)) {
      out[o] = target; // scale 0: one input row, read by every output row
      continue;
    }
    const start = Math.floor(Math.floor(target * inv) - win / 2);
    out[o] = o >= start && o < start + win ? target : -1;
  }
  return out;
}
