/**
 * Choosing the tfjs engine a rank trains on. `auto` walks node-gpu (only with GPUs) → node → wasm →
 * cpu and takes the first that starts; a named backend must start or the rank fails. tfjs-node and
 * tfjs-node-gpu are optional plugins a host may have in the job's workdir (they download libtensorflow
 * when installed, so dtrain never depends on them); wasm and cpu ship with dtrain. Nothing from tfjs is
 * imported until this runs, so ranks of other frameworks never load it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';
import { DtrainError } from '../../configs/errors.js';
import { firstLine, loadOptional } from './load-optional.js';
import type { Tf } from './tf-api.js';
import { registerWasmTrainingKernels } from './wasm-kernels.js';

/** The engines dtrain can train on, fastest first. */
export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';

/** The engine a rank got, and why. */
export interface BackendChoice {
  readonly tf: Tf;
  readonly name: BackendName;
  /** one line for users: which backend and why, e.g. "wasm (tfjs-node-gpu: not installed on this host; tfjs-node: not installed on this host)" */
  readonly reason: string;
  /** the backends tried before it, each with why it could not start */
  readonly tried: readonly { name: BackendName; error: string }[];
}

/** What `initBackend` needs to know about the rank and its host. */
export interface BackendOptions {
  readonly want: BackendName | 'auto';
  /** GPUs this rank may use; node-gpu is only tried in `auto` when there are some */
  readonly gpus: number;
  /** extra folders to resolve optional tfjs-node packages from (the host's workdir node_modules) */
  readonly searchDirs?: readonly string[];
  /** for tests: where the wasm binaries are (default: the package's dist) */
  readonly wasmDir?: string;
}

const PACKAGE: Record<BackendName, string> = {
  'node-gpu': 'tfjs-node-gpu',
  node: 'tfjs-node',
  wasm: 'wasm',
  cpu: 'cpu',
};

type Started =
  | { readonly ok: true; readonly tf: Tf; readonly note?: string }
  | { readonly ok: false; readonly error: string };

/**
 * Starts the wanted tfjs backend (or the first that works, for `auto`) and returns its namespace.
 * The wasm backend comes with dtrain's training kernels registered. Once wasm has started in a
 * process, later calls reuse it and its binary folder. Throws E_BACKEND when a named backend (or,
 * for `auto`, every one) cannot start.
 */
export async function initBackend(opts: BackendOptions): Promise<BackendChoice> {
  const chain: BackendName[] =
    opts.want === 'auto'
      ? [...(opts.gpus > 0 ? (['node-gpu'] as const) : []), 'node', 'wasm', 'cpu']
      : [opts.want];
  const tried: { name: BackendName; error: string }[] = [];
  for (const name of chain) {
    const started = await start(name, opts);
    if (started.ok) {
      const notes = [...tried.map((t) => `${PACKAGE[t.name]}: ${t.error}`)];
      if (started.note) notes.push(started.note);
      if (notes.length === 0) notes.push(opts.want === 'auto' ? 'first choice' : 'as requested');
      return { tf: started.tf, name, reason: `${name} (${notes.join('; ')})`, tried };
    }
    tried.push({ name, error: started.error });
  }
  const why = tried.map((t) => `${PACKAGE[t.name]}: ${t.error}`).join('; ');
  if (opts.want === 'auto')
    throw new DtrainError('E_BACKEND', `no tensorflow backend could start (${why})`, { category: 'worker' });
  const fix =
    opts.want === 'node' || opts.want === 'node-gpu'
      ? `install @tensorflow/${PACKAGE[opts.want]} in the job's workdir on this host, or set params.backend: auto`
      : 'set params.backend: auto';
  throw new DtrainError('E_BACKEND', `tensorflow backend ${opts.want} is unavailable: ${why}`, {
    category: 'worker',
    detail: fix,
  });
}

async function start(name: BackendName, opts: BackendOptions): Promise<Started> {
  if (name === 'node-gpu' || name === 'node') return startNode(name, opts.searchDirs ?? []);
  const tf = await bundledTf();
  if (name === 'wasm') return startWasm(tf, opts.wasmDir);
  if (!(await tf.core.setBackend('cpu')))
    return { ok: false, error: "failed to initialise: setBackend('cpu') returned false" };
  // The cpu backend's first write prints a banner recommending tfjs-node; the reason line says it.
  (tf.core.backend() as { firstUse?: boolean }).firstUse = false;
  return { ok: true, tf };
}

async function startNode(name: 'node-gpu' | 'node', searchDirs: readonly string[]): Promise<Started> {
  const loaded = await loadOptional(`@tensorflow/${PACKAGE[name]}`, searchDirs);
  if (!loaded.ok) return loaded;
  // tfjs-node re-exports the whole tfjs API (layers included) over its own tfjs-core copy.
  const tf = loaded.module as typeof Core & typeof Layers;
  try {
    if (typeof tf.setBackend !== 'function') return { ok: false, error: 'failed to load: not a tfjs module' };
    if (!(await tf.setBackend('tensorflow')))
      return { ok: false, error: "failed to initialise: setBackend('tensorflow') returned false" };
  } catch (error) {
    return { ok: false, error: `failed to initialise: ${firstLine(error)}` };
  }
  return { ok: true, tf: { core: tf, layers: tf }, note: `${PACKAGE[name]} from ${packageDir(loaded.path)}` };
}

async function startWasm(tf: Tf, wasmDir: string | undefined): Promise<Started> {
  const core = tf.core;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmStarted) {
    // A missing or broken binary makes Emscripten abort with the cause only on stderr, tfjs reject
    // with a generic hint, and the wasm loader refuse any retry: check it first to say what is wrong.
    const simd = await core.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const dir = wasmDir ?? dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    const binary = join(dir, simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm');
    try {
      if (!WebAssembly.validate(await readFile(binary)))
        return { ok: false, error: `failed to load: ${binary} is not a valid WebAssembly module` };
      if (wasmDir !== undefined) wasm.setWasmPaths(dir.endsWith(sep) ? dir : dir + sep);
    } catch (error) {
      return { ok: false, error: `failed to load: ${firstLine(error)}` };
    }
  }
  const failure = await setWasmBackend(core);
  if (failure !== undefined) return { ok: false, error: `failed to initialise: ${failure}` };
  wasmStarted = true;
  registerWasmTrainingKernels(tf);
  return { ok: true, tf };
}

/**
 * `setBackend` answers false, not an error, when a backend's init fails (it only logs why). The
 * factory is wrapped once so that the error itself is kept for the user.
 */
async function setWasmBackend(core: typeof Core): Promise<string | undefined> {
  let failure: unknown;
  const factory = core.findBackendFactory('wasm');
  if (!wasmStarted && factory) {
    core.removeBackend('wasm');
    core.registerBackend(
      'wasm',
      async () => {
        try {
          return await factory();
        } catch (error) {
          failure = error;
          throw error;
        }
      },
      WASM_PRIORITY,
    );
  }
  try {
    if (await core.setBackend('wasm')) return undefined;
  } catch (error) {
    return firstLine(error);
  }
  return failure === undefined ? "setBackend('wasm') returned false" : firstLine(failure);
}

// The wasm module starts once per process (a failed start cannot be retried either). Not asked of
// tfjs: its findBackend() would start the backend as a side effect.
let wasmStarted = false;

// tfjs-backend-wasm's own registration priority (its base.js), kept when the factory is wrapped.
const WASM_PRIORITY = 2;

let bundled: Promise<Tf> | undefined;

/**
 * tfjs-core and tfjs-layers as shipped with dtrain, with the cpu backend registered. No flags are set:
 * in tfjs 4.22 `enableProdMode` only silences warnings, and the costly DEBUG checks are off by default.
 */
function bundledTf(): Promise<Tf> {
  bundled ??= (async () => {
    const [core, layers] = await Promise.all([
      import('@tensorflow/tfjs-core'),
      import('@tensorflow/tfjs-layers'),
    ]);
    await import('@tensorflow/tfjs-backend-cpu');
    return { core: cjsExports(core), layers: cjsExports(layers) };
  })();
  return bundled;
}

/** The CommonJS `module.exports` behind an ESM namespace (tfjs ships CommonJS for Node). */
function cjsExports<T>(ns: T): T {
  return ((ns as { default?: T }).default ?? ns) as T;
}

/** `…/node_modules/@scope/pkg/dist/index.js` → `…/node_modules/@scope/pkg` (for the user's reason line). */
function packageDir(entry: string): string {
  const marker = `${sep}node_modules${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) return dirname(entry);
  const parts = entry.slice(at + marker.length).split(sep);
  return entry.slice(0, at + marker.length) + parts.slice(0, parts[0]?.startsWith('@') ? 2 : 1).join(sep);
}
