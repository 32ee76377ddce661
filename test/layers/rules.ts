/**
 * The structure rules of test/layers.test.ts (issue 17) as pure functions of the import graph
 * (test/helpers/source-graph.ts): no import cycle, runtimes/gbdt/core never imports a flavour,
 * runtimes/ rooms import only shared rooms, imports from outside a folder go through its index.ts,
 * and a ratchet that checks what a rule finds against its allowlist (test/layers/allowlist.ts).
 */
import assert from 'node:assert/strict';
import { cyclePath, cycles, type Edge } from '../helpers/source-graph.js';

export const LAYERS = ['cli', 'launcher', 'configs', 'runtimes'] as const;
export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 150;

/** Rooms of runtimes/ that any other room may import: the wire format, data readers, collectives, the PRNG. */
export const SHARED_ROOMS = ['protocol', 'data', 'comm', 'random'];
/** Rooms that front others: `dtrain predict` dispatches to the GBDT and tensorflow scorers. */
export const FRONTS: Readonly<Record<string, readonly string[]>> = { predict: ['gbdt', 'tensorflow'] };
/**
 * Files anyone may import directly, skipping their folder's index.ts (as `dir/name` for name.ts or
 * name/index.ts): the error type, its code table, the atomic file and folder writers and the
 * JobSpec types (none imports more than node:) are used on both sides, and configs/index.ts would
 * load the YAML and zod job parser into every worker thread.
 */
export const PUBLIC_LEAVES = [
  'configs/errors',
  'configs/error-codes',
  'configs/atomic-write',
  'configs/atomic-dir',
  'configs/job-spec',
  // The parameter room: runtimes parse their framework's params with the validator's own parsers.
  'configs/params',
];
/** A `contract.ts` / `*-contract.ts` file holds types only; importing it type-only is always allowed. */
const isContract = (e: Edge): boolean => e.typeOnly && /(^|\/|-)contract\.ts$/.test(e.to);

const inside = (file: string, dir: string): boolean => file.startsWith(`${dir}/`);
/** The room of a runtimes/ file ('gbdt' for runtimes/gbdt/x.ts), undefined for runtimes/*.ts. */
const roomOf = (file: string): string | undefined => /^runtimes\/([^/]+)\//.exec(file)?.[1];

/** Each import cycle (its files, sorted) with one path that closes it, for the message. */
export function cycleRule(edges: readonly Edge[]): Map<string[], string> {
  return new Map(cycles(edges).map((c) => [c, cyclePath(c, edges).join(' → ')]));
}

/** Core is generic: a flavour hands its split rules and row passes in; core never reaches out. */
export function coreToFlavourRule(edges: readonly Edge[]): Edge[] {
  return edges.filter(
    (e) =>
      !e.external &&
      inside(e.from, 'runtimes/gbdt/core') &&
      (inside(e.to, 'runtimes/gbdt/xgboost') || inside(e.to, 'runtimes/gbdt/lightgbm')),
  );
}

/**
 * Edges from one runtimes/ room to another, other than to a shared room, from a front to what it
 * fronts, or type-only to a contract. Files at the top of runtimes/ (worker.ts, workload.ts, the
 * coordinator link) are the worker process that composes the rooms: they belong to none.
 */
export function siblingRoomRule(edges: readonly Edge[]): Edge[] {
  return edges.filter((e) => {
    const [from, to] = [roomOf(e.from), roomOf(e.to)];
    if (e.external || from === undefined || to === undefined || from === to) return false;
    return !SHARED_ROOMS.includes(to) && !FRONTS[from]?.includes(to) && !isContract(e);
  });
}

/**
 * Edges into a folder that has an index.ts, from outside it, that do not land on that index.ts.
 * With nested folders the outermost one counts: from outside runtimes/gbdt, runtimes/gbdt/index.ts
 * is the way in, not runtimes/gbdt/core/index.ts.
 */
export function indexBypassRule(edges: readonly Edge[], files: readonly string[]): Edge[] {
  const indexed = files.filter((f) => /\/index\.tsx?$/.test(f)).map((f) => f.replace(/\/index\.tsx?$/, ''));
  return edges.filter((e) => {
    if (e.external || isContract(e)) return false;
    if (PUBLIC_LEAVES.some((p) => e.to === `${p}.ts` || e.to === `${p}/index.ts`)) return false;
    // The outermost folder with an index.ts that holds the target but not the importer.
    const dir = indexed
      .filter((d) => inside(e.to, d) && !inside(e.from, d))
      .sort((a, b) => a.length - b.length)[0];
    return dir !== undefined && e.to !== `${dir}/index.ts` && e.to !== `${dir}/index.tsx`;
  });
}

/**
 * A ratchet: `found` keys not matched by an allowlist entry are new violations; entries matching
 * nothing are stale. Both fail, printed as lines to paste into (or delete from) `list`.
 */
export function ratchet<E>(
  rule: string,
  list: string,
  found: ReadonlyMap<string, string>,
  allowed: readonly E[],
  matches: (key: string, entry: E) => boolean,
): void {
  const fresh = [...found].filter(([k]) => !allowed.some((a) => matches(k, a)));
  const stale = allowed.filter((a) => ![...found.keys()].some((k) => matches(k, a)));
  const lines = [
    ...(fresh.length
      ? [
          `${rule}: ${fresh.length} new violation(s). Fix them (or, if meant, add to ${list} in test/layers/allowlist.ts):`,
          ...fresh.map(([k, note]) => `  '${k}',${note ? ` // ${note}` : ''}`),
        ]
      : []),
    ...(stale.length
      ? [
          `${rule}: ${stale.length} allowlist entr(y/ies) no longer needed; delete from ${list}:`,
          ...stale.map((a) => `  ${JSON.stringify(a).replaceAll('"', "'")},`),
        ]
      : []),
  ];
  if (lines.length) assert.fail(lines.join('\n'));
}

/** Edges as ratchet keys `from → to`, each noting whether any such import is type-only or dynamic. */
export function edgeKeys(edges: readonly Edge[]): Map<string, string> {
  const notes = new Map<string, Set<string>>();
  for (const e of edges) {
    const key = `${e.from} → ${e.to}`;
    const set = notes.get(key) ?? new Set<string>();
    if (e.typeOnly) set.add('type');
    if (e.dynamic) set.add('dynamic');
    notes.set(key, set);
  }
  return new Map([...notes].map(([k, set]) => [k, [...set].join(', ')]));
}
