/**
 * zod issues → FoundProblems with short messages. The error map words each failure the way a job-file
 * user reads it (`must be a whole number ≥ 1`, `is required`); unions are resolved to the branch the
 * value was meant for, and each unknown key becomes its own problem with a did-you-mean.
 */
import { z } from 'zod';
import { unknownNameMessage } from './params/index.js';
import type { FoundProblem, PathSegment } from './problems.js';

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** The wording of zod's failures where a schema gives no message of its own. */
export const jobErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value': {
      const values = issue.values.map(String).join(', ');
      return issue.input === undefined ? `is required: one of ${values}` : `must be one of ${values}`;
    }
    case 'too_small':
      if (issue.origin === 'string')
        return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array')
        return issue.minimum === 1 ? 'must not be empty' : `must have at least ${issue.minimum} items`;
      return `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`;
    default:
      return undefined;
  }
};

/** The object keys a schema accepts at `path` (through optionals, defaults, lists, maps and unions). */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let here: z.ZodType[] = [schema];
  for (const seg of path) here = here.flatMap((s) => childOf(unwrap(s), seg));
  return [
    ...new Set(
      here.flatMap((s) =>
        expand(unwrap(s)).flatMap((o) => (o instanceof z.ZodObject ? Object.keys(o.shape) : [])),
      ),
    ),
  ];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: unknown = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else return s as z.ZodType;
  }
}

function expand(schema: z.ZodType): z.ZodType[] {
  return schema instanceof z.ZodUnion
    ? (schema.options as z.ZodType[]).flatMap((o) => expand(unwrap(o)))
    : [schema];
}

function childOf(schema: z.ZodType, seg: PathSegment): z.ZodType[] {
  return expand(schema).flatMap((s): z.ZodType[] => {
    if (s instanceof z.ZodObject) {
      const child = (s.shape as Record<string, z.ZodType>)[String(seg)];
      return child ? [child] : [];
    }
    if (s instanceof z.ZodArray) return [s.element as z.ZodType];
    if (s instanceof z.ZodRecord) return [s.valueType as z.ZodType];
    return [];
  });
}

/**
 * FoundProblems for the issues of one failed safeParse of `schema`; `prefix` places the parsed value
 * in the job file (e.g. `['params']`), `unknown` words an unknown key (`unknown tensorflow parameter`).
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  options: { prefix?: readonly PathSegment[]; unknown?: string } = {},
): FoundProblem[] {
  const prefix = options.prefix ?? [];
  const walk = (list: readonly z.core.$ZodIssue[], base: readonly PathSegment[]): FoundProblem[] =>
    list.flatMap((issue): FoundProblem[] => {
      const rel = [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
      const path = [...prefix, ...rel];
      switch (issue.code) {
        case 'unrecognized_keys': {
          const known = knownKeysAt(schema, rel);
          return issue.keys.map((key) => ({
            path: [...path, key],
            message: unknownNameMessage(options.unknown ?? 'unknown key', key, known),
            at: 'key',
            got: null,
          }));
        }
        case 'invalid_union': {
          const meant = meantBranch(issue.errors);
          return meant ? walk(meant, rel) : [{ path, message: issue.message }];
        }
        case 'invalid_key': {
          const message = issue.issues[0]?.message ?? issue.message;
          return [{ path, message, at: 'key', got: JSON.stringify(String(path.at(-1))) }];
        }
        default:
          return [{ path, message: issue.message }];
      }
    });
  return walk(issues, []);
}

/** The union branch whose type the value has (its issues are then about the value's content). */
function meantBranch(
  branches: readonly (readonly z.core.$ZodIssue[])[],
): readonly z.core.$ZodIssue[] | undefined {
  const typed = branches.filter(
    (b) => !b.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_union')),
  );
  if (typed.length === 0) return undefined;
  return typed.reduce((a, b) => (b.length < a.length ? b : a));
}
