/**
 * Limits on a job file's shape, checked on the parsed YAML document before anything turns it into
 * data: at most JOB_LIMITS.bytes of text, values nested at most JOB_LIMITS.depth deep, at most
 * JOB_LIMITS.values values once aliases are expanded, no alias that contains itself, keys that are
 * plain scalars and unique. A job file is a few dozen lines; these bound the work (and the stack)
 * that a hostile or broken file can cause, and each breach is one positioned problem. The walk
 * visits each value once per expansion and stops at the first breach of a bound, so its time is
 * linear in the file and capped by `values`.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { JobProblem } from './job-spec.js';
import type { PathSegment } from './problems.js';

export const JOB_LIMITS = {
  /** Bytes of text (UTF-8); the largest example is under 3 KiB. */
  bytes: 256 * 1024,
  /** Levels of nested mappings and lists. */
  depth: 64,
  /** Values (scalars, mappings, lists) with every alias expanded. */
  values: 10_000,
} as const;

/** The problem for a file over the size limit, at its first line. */
export function sizeProblem(file: string, bytes: number): JobProblem {
  const mib = (bytes / (1024 * 1024)).toFixed(1);
  return {
    file,
    line: 1,
    col: 1,
    path: '',
    message: `the file is ${bytes} bytes (${mib} MiB); a job file may be at most ${JOB_LIMITS.bytes} bytes`,
    got: undefined,
  };
}

interface Found {
  readonly node: Node | null | undefined;
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/** Problems with the document's shape (empty when within the limits). */
export function checkShape(doc: Document, file: string, lines: LineCounter): JobProblem[] {
  const found: Found[] = [];
  const ancestors = new Set<Node>();
  const path: PathSegment[] = [];
  let values = 0;
  let stop = false;

  const walk = (node: unknown, depth: number): void => {
    if (stop || node === null || node === undefined) return;
    values++;
    if (values > JOB_LIMITS.values) {
      found.push({
        node: node as Node,
        path: [...path],
        message: `has more than ${JOB_LIMITS.values} values (aliases expanded); a job file needs far fewer`,
      });
      stop = true;
      return;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) {
        found.push({
          node,
          path: [...path],
          message: `alias *${node.source} has no anchor &${node.source} before it`,
        });
      } else if (ancestors.has(target)) {
        found.push({
          node,
          path: [...path],
          message: `alias *${node.source} is inside the value it names (a cycle)`,
        });
      } else {
        values--; // the alias itself is not a value; what it names is
        walk(target, depth);
      }
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    if (depth >= JOB_LIMITS.depth) {
      found.push({ node, path: [...path], message: `is nested more than ${JOB_LIMITS.depth} levels deep` });
      stop = true;
      return;
    }
    ancestors.add(node);
    if (isSeq(node)) {
      node.items.forEach((item, i) => {
        path.push(i);
        walk(item, depth + 1);
        path.pop();
      });
    } else {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key;
        if (!isScalar(key) && key !== null) {
          found.push({
            node: key as Node,
            path: [...path],
            message: 'a key must be a plain name, not a list, mapping or alias',
          });
          continue;
        }
        const name = String(isScalar(key) ? key.value : null);
        const first = seen.get(name);
        const at = key?.range?.[0] ?? 0;
        path.push(name);
        if (first !== undefined) {
          found.push({
            node: key,
            path: [...path],
            message: `is given twice (first on line ${lines.linePos(first).line})`,
          });
        } else seen.set(name, at);
        walk(pair.value, depth + 1);
        path.pop();
        if (stop) break;
      }
    }
    ancestors.delete(node);
  };
  walk(doc.contents, 0);

  return found.map((f): JobProblem => {
    const offset = f.node?.range?.[0];
    const pos = offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
    // A path through 64 levels is no help: its start and its end are.
    const segs = f.path.map(String);
    const path = segs.length > 6 ? [...segs.slice(0, 3), '…', ...segs.slice(-2)].join('.') : segs.join('.');
    return { file, line: pos.line, col: pos.col, path, message: f.message, got: undefined };
  });
}
