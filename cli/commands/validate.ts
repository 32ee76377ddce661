/** `dtrain validate <job> [--json]`: every problem of a job file, positioned; exit 2 when there are any. */
import type { Command } from 'commander';
import { DtrainError, EXIT } from '../../configs/errors.js';
import { formatProblem, type JobProblem, type JobSpec } from '../../configs/job-spec.js';
import { JobFileError, readJob } from '../../configs/index.js';
import { type CliIO, println } from '../io.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The one-line summary of a valid job. */
export function validSummary(file: string, spec: JobSpec): string {
  const ranks = spec.hosts.reduce((sum, h) => sum + h.slots, 0);
  const what = `framework ${spec.framework}, parallelism ${spec.parallelism}, ${plural(spec.hosts.length, 'host')}, ${plural(ranks, 'rank')}`;
  return `${file}: ok (${what})`;
}

async function check(io: CliIO, file: string): Promise<{ spec?: JobSpec; problems: readonly JobProblem[] }> {
  try {
    return { spec: await readJob(file, { cwd: io.cwd }), problems: [] };
  } catch (error) {
    if (error instanceof JobFileError) return { problems: error.problems };
    throw error;
  }
}

export function registerValidate(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('check a job file: every problem as file:line:col  field: message')
    .argument('<job>', 'the job file (YAML)')
    .option('--json', 'print {"ok": bool, "problems": [...]} on stdout')
    .action(async (file: string, options: { json?: boolean }) => {
      let result: Awaited<ReturnType<typeof check>>;
      try {
        result = await check(io, file);
      } catch (error) {
        if (!options.json || !(error instanceof DtrainError)) throw error;
        // --json promises JSON on stdout, even for a file that cannot be read.
        const problem: JobProblem = {
          file,
          line: 0,
          col: 0,
          path: '',
          message: error.message,
          got: undefined,
        };
        result = { problems: [problem] };
      }
      if (result.problems.length > 0) io.exitCode = EXIT.badInput;
      if (options.json) {
        println(io.stdout, JSON.stringify({ ok: result.problems.length === 0, problems: result.problems }));
      } else if (result.spec) {
        println(io.stdout, validSummary(file, result.spec));
      } else {
        for (const problem of result.problems) println(io.stderr, formatProblem(problem));
      }
    });
}
