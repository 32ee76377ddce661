/**
 * The worker bundle: what travels to a host so that `node worker.mjs` runs there with nothing
 * installed but Node. esbuild bundles dist/runtimes/worker.js into one ESM file; scripts the
 * runtime starts as threads (`new URL('./x.js', import.meta.url)`) are found in the compiled code
 * and bundled beside it under the name they are asked for. The bundle is named by the hash of its
 * contents and cached under `<home>/bundles/<hash>/`, so an unchanged runtime is never uploaded twice.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { DtrainError } from '../../configs/errors.js';

export interface BundleFile {
  /** File name inside the bundle folder. */
  readonly name: string;
  /** Where the cached copy is on this machine. */
  readonly path: string;
  readonly size: number;
  /** sha256 of the contents, hex. */
  readonly sha256: string;
}

export interface WorkerBundle {
  /** Content hash naming the bundle (16 hex digits of a sha256 over every file). */
  readonly hash: string;
  /** The local cache folder holding the files. */
  readonly dir: string;
  /** The entry to run: `node <dir>/<entry>`. */
  readonly entry: string;
  readonly files: readonly BundleFile[];
}

export const BUNDLE_ENTRY = 'worker.mjs';
// `.js` helper scripts (thread entries) are ES modules too.
const PACKAGE_JSON = '{"type":"module"}\n';

/** Builds (or finds in the cache) the bundle of `<distDir>/runtimes/worker.js`. */
export async function buildWorkerBundle(options: { distDir: string; home: string }): Promise<WorkerBundle> {
  const entry = join(options.distDir, 'runtimes', 'worker.js');
  const sources = new Map<string, string>([[BUNDLE_ENTRY, entry]]);
  for (const [name, path] of await threadScripts(join(options.distDir, 'runtimes'))) {
    const earlier = sources.get(name);
    if (earlier && earlier !== path)
      throw new DtrainError('E_BUNDLE', `two runtime scripts are both named ${name}: ${earlier}, ${path}`, {
        category: 'internal',
      });
    sources.set(name, path);
  }
  const contents = new Map<string, Buffer>([['package.json', Buffer.from(PACKAGE_JSON)]]);
  for (const [name, path] of sources) contents.set(name, await bundleOne(path));
  // tfjs' wasm backend loads its binaries from beside the code (the tensorflow runtime passes
  // this folder as its wasm path when it finds them there).
  for (const [name, path] of await wasmBinaries()) contents.set(name, await readFile(path));
  return cache(options.home, contents);
}

/** Every `new URL('./x.js', import.meta.url)` in the compiled runtime, as name → absolute path. */
async function threadScripts(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const pattern = /new URL\(\s*['"](\.\.?\/[^'"]+\.js)['"]\s*,\s*import\.meta\.url\s*\)/g;
  for (const file of await jsFiles(dir)) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(pattern)) {
      const target = resolve(dirname(file), m[1]!);
      out.set(basename(target), target);
    }
  }
  return out;
}

async function jsFiles(dir: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await jsFiles(p, out);
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

/** The tfjs-backend-wasm binaries, when the package is installed (it is a dependency). */
async function wasmBinaries(): Promise<[string, string][]> {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  } catch {
    return [];
  }
  const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'];
  return names.map((n) => [n, join(dir, 'dist', n)]);
}

// Bundled CommonJS packages (tfjs) call require() and read __dirname; an ES module has neither.
const ESM_SHIMS = [
  "import { createRequire as __dtrainRequire } from 'node:module';",
  "import { fileURLToPath as __dtrainPath } from 'node:url';",
  'const require = __dtrainRequire(import.meta.url);',
  'const __filename = __dtrainPath(import.meta.url);',
  "const __dirname = __dtrainPath(new URL('.', import.meta.url));",
].join(' ');

async function bundleOne(entry: string): Promise<Buffer> {
  // esbuild is loaded only when a bundle is built (never for --local runs).
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      banner: { js: ESM_SHIMS },
      // Optional native tfjs packages are looked up on the host at run time, never bundled.
      external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
    });
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no output');
    return Buffer.from(file.contents);
  } catch (error) {
    throw new DtrainError('E_BUNDLE', `could not bundle the worker (${entry})`, {
      category: 'internal',
      detail: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}

async function cache(home: string, contents: Map<string, Buffer>): Promise<WorkerBundle> {
  const names = [...contents.keys()].sort();
  const whole = createHash('sha256');
  const files = names.map((name) => {
    const data = contents.get(name)!;
    const sha256 = createHash('sha256').update(data).digest('hex');
    whole.update(`${name}\0${sha256}\0`);
    return { name, size: data.length, sha256 };
  });
  const hash = whole.digest('hex').slice(0, 16);
  const dir = join(home, 'bundles', hash);
  const complete = join(dir, '.complete');
  const present = await readFile(complete, 'utf8').then(
    () => true,
    () => false,
  );
  if (!present) {
    // Written under a temporary name and renamed, so a cache folder is either whole or absent.
    const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(temp, { recursive: true });
    for (const name of names) await writeFile(join(temp, name), contents.get(name)!);
    await writeFile(join(temp, '.complete'), `${hash}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir).catch(async (error) => {
      await rm(temp, { recursive: true, force: true });
      // Another dtrain built the same bundle at the same moment; theirs is identical.
      if (
        !(await readFile(complete).then(
          () => true,
          () => false,
        ))
      )
        throw error;
    });
  }
  return {
    hash,
    dir,
    entry: BUNDLE_ENTRY,
    files: files.map((f) => ({ ...f, path: join(dir, f.name) })),
  };
}
