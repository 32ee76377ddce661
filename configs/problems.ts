/**
 * Turning found problems into positioned JobProblems. Checks report a path and a message; this module
 * finds the YAML node the path names (or, for a missing key, its parent mapping), renders the
 * offending value for `(got …)`, and sorts by position.
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import type { JobProblem } from './job-spec.js';

export type PathSegment = string | number;

/** A problem before it has a position: where (path), what (message), and which node to point at. */
export interface FoundProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** 'key': point at the key (unknown keys); 'value' (default): at the value or its nearest parent. */
  readonly at?: 'key' | 'value';
  /** Overrides the rendered value; null = print no `(got …)`. */
  readonly got?: string | null;
}

const GOT_LIMIT = 40;

/** The `(got …)` text: strings quoted, numbers and booleans as is, collections as short JSON. */
export function renderGot(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return truncate(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return truncate(JSON.stringify(value) ?? String(value));
}

function truncate(text: string): string {
  return text.length <= GOT_LIMIT ? text : `${text.slice(0, GOT_LIMIT - 1)}…`;
}

/** The value at `path` in plain data, or undefined when any step is missing. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let here = data;
  for (const seg of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<PathSegment, unknown>)[seg];
  }
  return here;
}

// Each mapping's pairs by key, built once: a lookup per problem would be quadratic in a file with
// many unknown keys.
const pairIndex = new WeakMap<object, Map<string, Pair>>();

function pairOf(node: unknown, seg: PathSegment): Pair | undefined {
  if (!isMap(node)) return undefined;
  let index = pairIndex.get(node);
  if (index === undefined) {
    index = new Map();
    for (const p of node.items) {
      const key = isScalar(p.key) ? String(p.key.value) : undefined;
      if (key !== undefined && !index.has(key)) index.set(key, p as Pair);
    }
    pairIndex.set(node, index);
  }
  return index.get(String(seg));
}

/** The offset in the text of the node `path` names, else of its nearest existing ancestor. */
function offsetOf(root: Node | null, path: readonly PathSegment[], at: 'key' | 'value'): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      const pair = pairOf(node, seg);
      if (pair === undefined) return offset;
      if (last && at === 'key') return (pair.key as Node).range?.[0] ?? offset;
      // A key with no value (`ssh:`) has an empty value node; point at its key instead.
      const empty = isScalar(pair.value) && pair.value.range?.[0] === pair.value.range?.[1];
      node = pair.value === null || empty ? pair.key : pair.value;
    }
    if (node === undefined || node === null) return offset;
    offset = (node as Node).range?.[0] ?? offset;
  }
  return offset;
}

/** Positions, renders and sorts problems found in one document. */
export function positionProblems(
  found: readonly FoundProblem[],
  context: { file: string; root: Node | null; data: unknown; lines: LineCounter },
): JobProblem[] {
  const problems = found.map((p): JobProblem => {
    const offset = offsetOf(context.root, p.path, p.at ?? 'value');
    const pos = offset === undefined ? { line: 0, col: 0 } : context.lines.linePos(offset);
    const got = p.got === null ? undefined : (p.got ?? renderGot(valueAt(context.data, p.path)));
    return {
      file: context.file,
      line: pos.line,
      col: pos.col,
      path: p.path.join('.'),
      message: p.message,
      got,
    };
  });
  return sortProblems(problems);
}

/** By line, then column; problems at the same place keep the order they were found in. */
export function sortProblems(problems: readonly JobProblem[]): JobProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}
