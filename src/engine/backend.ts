/**
 * Backend selection: which tfjs backend trains aekit's models, and the kernels aekit adds to it.
 */
import * as tf from '../core/tf.js';
import '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { BackendError } from './errors.js';
import { registerSeluGradient } from './selu-grad.js';
import { nativeConvFormat, nativeThreads } from './threads.js';
import { registerWasmKernels } from './wasm-kernels.js';

export { BackendError } from './errors.js';
export { registerWasmKernels } from './wasm-kernels.js';

/** Backends aekit knows by name. `auto` picks the fastest that loads here. */
export type BackendName = 'auto' | 'native' | 'wasm' | 'cpu' | 'tensorflow';

/** The backend names accepted by {@link useBackend}, for help texts and validation. */
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'native', 'wasm', 'cpu', 'tensorflow'];

/** What {@link useBackend} settled on. */
export interface EngineInfo {
  /** The tfjs backend name now active (`wasm`, `cpu`, `tensorflow`, `native`). */
  backend: string;
  /** One line for people: which engine runs and why (e.g. a fallback's reason). */
  description: string;
}

/**
 * An optional engine that can register itself as a tfjs backend (aekit's native engine does).
 * `load` returns the tfjs backend name on success, or throws with the reason it cannot be used.
 */
export interface EngineProvider {
  name: BackendName;
  load(): Promise<string>;
  /** One line for people, called after a successful `load` (default: `engine: aekit <name> (<backend>)`). */
  describe?(): string;
}

const providers = new Map<BackendName, EngineProvider>();

/** Makes an optional engine known to {@link useBackend}; `auto` prefers it over `wasm`. */
export function registerEngineProvider(provider: EngineProvider): void {
  providers.set(provider.name, provider);
}

let describeNative: (() => string) | undefined;

// aekit's native engine (native.ts + the C++ addon in native/), imported on first use so that a
// missing addon costs nothing but a fallback. native.ts imports neither this module nor anything
// that imports it (errors.ts and wasm-kernels.ts hold what both need), so there is no cycle.
registerEngineProvider({
  name: 'native',
  async load() {
    const native = await import('./native.js');
    describeNative = native.describeNativeEngine;
    return native.loadNativeEngine();
  },
  describe: () => describeNative?.() ?? 'engine: aekit native',
});

async function activate(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (err) {
    throw new BackendError(`backend '${name}' failed to initialise: ${(err as Error).message}`);
  }
  if (!ok || tf.getBackend() !== name) throw new BackendError(`backend '${name}' failed to initialise`);
}

async function loadTensorflow(): Promise<void> {
  const require = createRequire(import.meta.url);
  try {
    require('@tensorflow/tfjs-node');
  } catch {
    throw new BackendError(
      "backend 'tensorflow' needs @tensorflow/tfjs-node, which is not installed (npm install @tensorflow/tfjs-node, on a machine that can download its binaries)",
    );
  }
}

/**
 * Selects the backend that runs tensors from now on and registers aekit's kernels for it.
 * `auto` tries aekit's native engine and falls back to `wasm`, saying why in `description`.
 *
 * @example
 * const engine = await useBackend('auto'); console.log(engine.description);
 */
export async function useBackend(name: BackendName = 'auto'): Promise<EngineInfo> {
  if (!BACKEND_NAMES.includes(name)) {
    throw new BackendError(`unknown backend '${String(name)}': expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  tf.env().set('PROD', true);
  registerSeluGradient();
  let fallback = '';
  if (name === 'auto' || name === 'native') {
    // a bad AEKIT_THREADS or AEKIT_NATIVE_CONV_FORMAT is refused here, before `auto` could fall back to wasm because of it
    nativeThreads();
    nativeConvFormat();
    const provider = providers.get('native');
    try {
      if (provider === undefined) throw new BackendError('aekit native engine is not part of this build');
      const backend = await provider.load();
      await activate(backend);
      return { backend, description: provider.describe?.() ?? `engine: aekit ${provider.name} (${backend})` };
    } catch (err) {
      // An environment variable asking for what cannot be had (AEKIT_NATIVE_ISA naming kernels this
      // CPU lacks) is refused like a bad AEKIT_THREADS: a fallback to wasm would hide it.
      if ((err as { code?: string }).code === 'E_ENVIRONMENT') throw err;
      if (name === 'native') throw err instanceof BackendError ? err : new BackendError((err as Error).message);
      fallback = ` (native engine unavailable: ${(err as Error).message})`;
    }
  }
  if (name === 'auto' || name === 'wasm') {
    registerWasmKernels();
    await activate('wasm');
    return { backend: 'wasm', description: `engine: tfjs wasm + aekit kernels, 1 thread${fallback}` };
  }
  if (name === 'tensorflow') {
    await loadTensorflow();
    await activate('tensorflow');
    return { backend: 'tensorflow', description: 'engine: tfjs-node (libtensorflow)' };
  }
  await activate('cpu');
  return { backend: 'cpu', description: 'engine: tfjs cpu (pure JavaScript, very slow for convolutions)' };
}
