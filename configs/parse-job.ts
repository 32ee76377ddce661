/**
 * YAML text → JobSpec, or every problem in it with its position. Pure: the caller reads the file.
 * Three passes over one parsed document: YAML syntax, the zod schema (shapes, defaults), and the
 * cross-field rules; problems from all of them are reported together, sorted by position.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { buildSpec } from './build-spec.js';
import { checkJob } from './check-job.js';
import type { JobProblem, JobSpec } from './job-spec.js';
import { type FoundProblem, positionProblems, sortProblems } from './problems.js';
import { JobFileSchema } from './schema.js';
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The structure behind a syntax error cannot be trusted, so only the syntax is reported.
    const problems = doc.errors.map((e): JobProblem => {
      const { line, col } = lines.linePos(e.pos[0]);
      const message = `invalid YAML: ${e.message.split('\n')[0]}`;
      return { file, line, col, path: '', message, got: undefined };
    });
    return { spec: undefined, problems: sortProblems(problems) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const message = `invalid YAML: ${error instanceof Error ? error.message : String(error)}`;
    return { spec: undefined, problems: [{ file, line: 0, col: 0, path: '', message, got: undefined }] };
  }
  const context = { file, root: doc.contents, data, lines };
  if (data === null || data === undefined) {
    const found: FoundProblem = {
      path: [],
      message: 'the file is empty; a job needs at least `framework:`',
      got: null,
    };
    return { spec: undefined, problems: positionProblems([found], context) };
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
