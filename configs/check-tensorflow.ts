/**
 * The tensorflow parts of a job file that a schema cannot check: the names inside `params`
 * (optimizer, loss, metrics) and `model.layers` (layer kinds and their arguments), each against the
 * lists the runtime builds from (params-tensorflow.ts), with a did-you-mean in the user's spelling.
 */
import { didYouMean } from './params/index.js';
import {
  camelArg,
  canonicalLayer,
  canonicalLoss,
  canonicalMetric,
  canonicalOptimizer,
  layerArgs,
  TENSORFLOW_LAYERS,
  TENSORFLOW_LOSSES,
  TENSORFLOW_METRICS,
  TENSORFLOW_OPTIMIZERS,
} from './params/index.js';
import type { FoundProblem, PathSegment } from './problems.js';

type Path = readonly PathSegment[];

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// Suggest in the style the user writes: `kernel_size` for `kernal_size`, `kernelSize` for `kernalSize`.
function hint(word: string, known: readonly string[], listAll: boolean): string {
  const guess = didYouMean(camelArg(word), known);
  if (guess !== undefined) return `; did you mean \`${word.includes('_') ? snake(guess) : guess}\`?`;
  return listAll ? `; one of ${known.join(', ')}` : '';
}

function checkName(
  value: unknown,
  path: Path,
  what: string,
  known: readonly string[],
  canonical: (name: string) => string | undefined,
): FoundProblem[] {
  if (typeof value !== 'string' || canonical(value) !== undefined) return [];
  return [{ path, message: `unknown ${what}${hint(value, known, true)}` }];
}

/** Problems with the names in tensorflow `params` (the parameter names themselves are the schema's). */
export function checkTensorflowParams(params: Readonly<Record<string, unknown>>): FoundProblem[] {
  const metrics = params['metrics'];
  const metricList = Array.isArray(metrics) ? metrics : [metrics];
  return [
    ...checkName(
      params['optimizer'],
      ['params', 'optimizer'],
      'optimizer',
      TENSORFLOW_OPTIMIZERS,
      canonicalOptimizer,
    ),
    ...checkName(params['loss'], ['params', 'loss'], 'loss', TENSORFLOW_LOSSES, canonicalLoss),
    ...metricList.flatMap((m, i) =>
      checkName(
        m,
        Array.isArray(metrics) ? ['params', 'metrics', i] : ['params', 'metrics'],
        'metric',
        TENSORFLOW_METRICS,
        canonicalMetric,
      ),
    ),
  ];
}

/**
 * Problems with `model.layers`: an entry must be one `- kind: {settings}` mapping (a settings key
 * indented one level too little becomes a second key), of a known kind, with arguments that kind takes.
 */
export function checkLayers(layers: readonly unknown[]): FoundProblem[] {
  return layers.flatMap((layer, i): FoundProblem[] => {
    const path = ['model', 'layers', i];
    const entry = layer !== null && typeof layer === 'object' && !Array.isArray(layer) ? layer : undefined;
    const keys = Object.keys(entry ?? { one: 1 });
    if (keys.length !== 1) {
      const found = keys.length === 0 ? 'none' : keys.join(', ');
      return [{ path, message: `must be one \`- kind: {settings}\` mapping; found ${found}`, got: null }];
    }
    const [kind] = keys as [string];
    const name = canonicalLayer(kind);
    if (name === undefined) {
      const message = `unknown layer${hint(kind, Object.keys(TENSORFLOW_LAYERS), true)}`;
      return [{ path: [...path, kind], message, at: 'key', got: null }];
    }
    const settings = (entry as Record<string, unknown>)[kind];
    if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) return [];
    const known = layerArgs(name);
    return Object.keys(settings)
      .filter((arg) => !known.includes(camelArg(arg)))
      .map((arg) => ({
        path: [...path, kind, arg],
        message: `unknown ${name} argument${hint(arg, known, false)}`,
        at: 'key' as const,
        got: null,
      }));
  });
}
