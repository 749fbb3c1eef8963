/**
 * The kernels aekit adds to tfjs's `wasm` backend. Both `useBackend('wasm')` (`backend.ts`) and
 * the native engine (`native.ts`, which copies every wasm kernel) register them through here.
 */
import * as tf from '../core/tf.js';
import '@tensorflow/tfjs-backend-wasm';
import { registerSeluGradient } from './selu-grad.js';
import { wasmConv2DBackpropFilterConfig } from './wasm-conv2d-backprop-filter.js';
import { wasmMaxPoolGradConfig } from './wasm-max-pool-grad.js';

let wasmKernelsRegistered = false;

/** Registers the kernels aekit adds to tfjs's `wasm` backend (idempotent). */
export function registerWasmKernels(): void {
  if (wasmKernelsRegistered) return;
  registerSeluGradient();
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) tf.registerKernel(wasmConv2DBackpropFilterConfig);
  // tfjs's own wasm MaxPoolGrad misroutes some gradients: replace it.
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel(wasmMaxPoolGradConfig);
  wasmKernelsRegistered = true;
}
