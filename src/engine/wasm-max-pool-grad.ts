/**
 * `MaxPoolGrad` for tfjs's `wasm` backend, replacing the one tfjs 4.22 ships, which routes the
 * gradient of some windows to the wrong input pixel (e.g. 1 of 16 values wrong for a 4×4 input,
 * 22 of 2,352 for 28×28×3; measured against the `cpu` backend). It trained the seed model's
 * encoder with wrong gradients.
 *
 * Each window's gradient goes to its first maximum in row-major order, as in TensorFlow and tfjs's
 * `cpu` backend; overlapping windows add up. Reads and writes the wasm heap in place (no copies).
 */

import type { KernelConfig, KernelFunc, TensorInfo } from '../core/tf.js';
import * as tf from '../core/tf.js';

/** The part of tfjs's wasm backend this kernel uses (public methods of `BackendWasm`). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Max-pool gradient on flat NHWC arrays; exported for tests. */
export function maxPoolGradInto(dx: Float32Array, dy: Float32Array, x: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: c,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
    padInfo,
  } = info;
  dx.fill(0);
  for (let b = 0; b < batchSize; b++) {
    const xBase = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - padInfo.top;
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - padInfo.left;
        const dyBase = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let fy = 0; fy < filterHeight; fy++) {
            const yy = y0 + fy;
            if (yy < 0 || yy >= inHeight) continue;
            for (let fx = 0; fx < filterWidth; fx++) {
              const xx = x0 + fx;
              if (xx < 0 || xx >= inWidth) continue;
              const i = xBase + (yy * inWidth + xx) * c + ch;
              if (x[i] > best || at < 0) {
                best = x[i];
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] += dy[dyBase + ch];
        }
      }
    }
  }
}

const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const wasm = backend as unknown as WasmHeapBackend;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const out = wasm.makeOutput(input.shape, 'float32');
  maxPoolGradInto(wasm.typedArrayFromHeap(out), wasm.typedArrayFromHeap(dy), wasm.typedArrayFromHeap(input), info);
  return out;
};

/** Kernel config registered by `registerWasmKernels`. */
export const wasmMaxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
