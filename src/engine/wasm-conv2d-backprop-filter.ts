/**
 * `Conv2DBackpropFilter` for tfjs's `wasm` backend, which does not ship one (tfjs issue #8474).
 *
 * The filter gradient dW[kh, kw, ci, co] = Σ_{n, i, j} xpad[n, i·s + kh, j·s + kw, ci] · dy[n, i, j, co]
 * is itself a stride-1 convolution: the padded input transposed to [Cin, Hp, Wp, N] (batch = Cin,
 * channels = N) convolved, with dilation = the forward stride, by dy transposed to
 * [Ho, Wo, N, Cout] (a Ho×Wo "filter" from N to Cout channels). The result [Cin, KH', KW', Cout]
 * is cropped to the filter size and transposed to [KH, KW, Cin, Cout]. Every step runs on wasm's
 * own kernels (XNNPACK for the convolution), on the backend's own buffers: no copies to JS.
 */

import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '../core/tf.js';
import * as tf from '../core/tf.js';

/** Attributes tfjs passes to `Conv2DBackpropFilter` (see tfjs-core `kernel_names.ts`). */
interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Runs another kernel of the same backend directly: untracked, untaped, caller disposes. */
function run(name: string, backend: KernelBackend, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`aekit: the 'wasm' backend has no '${name}' kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as BackpropFilterAttrs;
  if (dataFormat === 'NCHW') {
    throw new Error("aekit: Conv2DBackpropFilter on 'wasm' supports dataFormat 'NHWC' only");
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [kh, kw, cin, cout] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo): TensorInfo => {
    temps.push(t);
    return t;
  };
  try {
    const padded =
      top || bottom || left || right
        ? keep(
            run('PadV2', backend, { x }, {
              paddings: [
                [0, 0],
                [top, bottom],
                [left, right],
                [0, 0],
              ],
              constantValue: 0,
            } as unknown as NamedAttrMap),
          )
        : x;
    const xt = keep(run('Transpose', backend, { x: padded }, { perm: [3, 1, 2, 0] }));
    const dyt = keep(run('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
    let grad = keep(
      run('Conv2D', backend, { x: xt, filter: dyt }, {
        strides: [1, 1],
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [info.strideHeight, info.strideWidth],
        dimRoundingMode,
      } as unknown as NamedAttrMap),
    );
    if (grad.shape[1] !== kh || grad.shape[2] !== kw) {
      grad = keep(run('Slice', backend, { x: grad }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] }));
    }
    return run('Transpose', backend, { x: grad }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/** Kernel config registered by {@link registerWasmKernels}. */
export const wasmConv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
