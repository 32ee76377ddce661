/**
 * Finding and importing an optional package (tfjs-node, tfjs-node-gpu) that a host may or may not
 * have. "Not installed" and "installed but failed to load" (a missing libtensorflow or libcudart) are
 * different answers: the first is normal, the second is a host the user wants to hear about.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The result of looking for an optional package. */
export type Loaded =
  | { readonly ok: true; readonly module: unknown; readonly path: string }
  | { readonly ok: false; readonly error: string };

/**
 * Resolves `pkg` from each folder in `dirs` (as if a file there imported it), then from this module,
 * and imports the first one found. A CommonJS package's `module.exports` is returned as is.
 */
export async function loadOptional(pkg: string, dirs: readonly string[]): Promise<Loaded> {
  let path: string | undefined;
  for (const from of [...dirs.map((d) => join(d, 'noop.js')), import.meta.url]) {
    try {
      path = createRequire(from).resolve(pkg);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND')
        return { ok: false, error: `failed to load: ${firstLine(error)}` };
    }
  }
  if (path === undefined) return { ok: false, error: 'not installed on this host' };
  try {
    const ns = (await import(pathToFileURL(path).href)) as { default?: unknown };
    return { ok: true, module: ns.default ?? ns, path };
  } catch (error) {
    return { ok: false, error: `failed to load: ${firstLine(error)}` };
  }
}

/** The first line of an error's message: native loaders append long, multi-line detail. */
export function firstLine(error: unknown): string {
  const message =
    error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
      ? String((error as { message: unknown }).message)
      : String(error);
  return message.split('\n', 1)[0]!.trim() || 'unknown error';
}
