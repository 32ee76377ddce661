/**
 * Reading a job file from disk: the one place in configs/ that does I/O. A missing file and an
 * invalid file are DtrainErrors of category `config` (exit 2); an invalid file carries every problem.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DtrainError } from './errors.js';
import { formatProblem, type JobProblem, type JobSpec } from './job-spec.js';
import { parseJob } from './parse-job.js';
import { JOB_LIMITS, sizeProblem } from './yaml-limits.js';

/** A job file with problems; `detail` holds one formatted line per problem. */
export class JobFileError extends DtrainError {
  readonly problems: readonly JobProblem[];

  constructor(path: string, problems: readonly JobProblem[]) {
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super('E_JOB_INVALID', `${path}: ${count}`, {
      category: 'config',
      detail: problems.map(formatProblem).join('\n'),
    });
    this.problems = problems;
  }
}

export interface ReadJobOptions {
  /** The folder a relative path is resolved against (default: process.cwd()). */
  readonly cwd?: string;
}

/** Reads and parses a job file; problems name the file as `path` was given (relative stays relative). */
export async function readJob(path: string, options: ReadJobOptions = {}): Promise<JobSpec> {
  const cwd = options.cwd ?? process.cwd();
  let text: string;
  try {
    // A file over the limit is refused unread (it might be a disk image named job.yaml).
    const { size } = await stat(resolve(cwd, path));
    if (size > JOB_LIMITS.bytes) throw new JobFileError(path, [sizeProblem(path, size)]);
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    if (error instanceof JobFileError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DtrainError('E_JOB_NOT_FOUND', `cannot read job file ${path}: ${reason}`, {
      category: 'config',
      cause: error,
    });
  }
  const { spec, problems } = parseJob(text, path, { dir: cwd });
  if (spec === undefined) throw new JobFileError(path, problems);
  return spec;
}
