/**
 * YAML text → JobSpec, or every problem in it with its position. Pure: the caller reads the file.
 * Passes over one parsed document: YAML syntax, its shape within JOB_LIMITS (yaml-limits.ts), then
 * the zod schema (shapes, defaults) and the cross-field rules, whose problems are reported together,
 * sorted by position.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { buildSpec } from './build-spec.js';
import { checkJob } from './check-job.js';
import type { JobProblem, JobSpec } from './job-spec.js';
import { positionProblems, sortProblems } from './problems.js';
import { JobFileSchema } from './schema.js';
import { checkShape, JOB_LIMITS, sizeProblem } from './yaml-limits.js';
import { jobErrorMap, problemsFromIssues } from './zod-problems.js';

export interface ParseJobOptions {
  /** The folder a relative `file` is relative to (usually the cwd); it makes `source` absolute. */
  readonly dir?: string;
}

/** A JobSpec when the file has no problems; otherwise undefined and the problems, sorted. */
export interface ParsedJob {
  readonly spec: JobSpec | undefined;
  readonly problems: JobProblem[];
}

function sourceOf(file: string, dir: string | undefined): JobSpec['source'] {
  if (dir !== undefined) {
    const abs = resolve(dir, file);
    return { file: abs, dir: dirname(abs) };
  }
  return isAbsolute(file) ? { file, dir: dirname(file) } : { file: '', dir: '' };
}

/** Parses a job file's text; `file` is the name printed in problems (as the user wrote it). */
export function parseJob(text: string, file: string, options: ParseJobOptions = {}): ParsedJob {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > JOB_LIMITS.bytes) return { spec: undefined, problems: [sizeProblem(file, bytes)] };
  const lines = new LineCounter();
  // Duplicate keys are checked by checkShape: yaml's own check is quadratic in the keys of a mapping.
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false,
    logLevel: 'error',
  });
  if (doc.errors.length > 0) {
    // The structure behind a syntax error cannot be trusted, so only the syntax is reported.
    const problems = doc.errors.map((e): JobProblem => {
      const { line, col } = lines.linePos(e.pos[0]);
      const message = `invalid YAML: ${e.message.split('\n')[0]}`;
      return { file, line, col, path: '', message, got: undefined };
    });
    return { spec: undefined, problems: sortProblems(problems) };
  }
  const shape = checkShape(doc, file, lines);
  if (shape.length > 0) return { spec: undefined, problems: sortProblems(shape) };
  let data: unknown;
  try {
    // checkShape has bounded what the aliases expand to, cycles included.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    const message = `invalid YAML: ${error instanceof Error ? error.message : String(error)}`;
    return { spec: undefined, problems: [{ file, line: 1, col: 1, path: '', message, got: undefined }] };
  }
  const context = { file, root: doc.contents, data, lines };
  if (data === null || data === undefined) {
    const message = 'the file is empty; a job needs at least `framework:`';
    return { spec: undefined, problems: [{ file, line: 1, col: 1, path: '', message, got: undefined }] };
  }
  const result = JobFileSchema.safeParse(data, { error: jobErrorMap });
  const checked = checkJob(data);
  const fromSchema = result.success ? [] : problemsFromIssues(result.error.issues, JobFileSchema);
  const found = [...fromSchema.filter((p) => !checked.claimed.has(p.path.join('.'))), ...checked.problems];
  if (found.length > 0 || !result.success) {
    return { spec: undefined, problems: positionProblems(found, context) };
  }
  return { spec: buildSpec(result.data, sourceOf(file, options.dir), file), problems: [] };
}
