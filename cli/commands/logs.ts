/** `dtrain logs JOB [--rank N] [--follow]`: the per-rank logs kept in the job store. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { DtrainError } from '../../configs/errors.js';
import { dtrainHome, JobStore } from '../../launcher/index.js';
import type { CliIO } from '../io.js';

export function registerLogs(program: Command, io: CliIO): void {
  program
    .command('logs')
    .description("print a job's per-rank logs")
    .argument('<job>', 'job id, unique id prefix, job name or "latest"')
    .option('--rank <n>', 'only this rank', (v) => parseRank(v))
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--json', 'one JSON object per line: {"rank","line"}')
    .action(async (query: string, opts: { rank?: number; follow?: boolean; json?: boolean }) => {
      const store = new JobStore(dtrainHome(io.env));
      const job = store.find(query);
      const ranks = opts.rank === undefined ? job.ranks.map((r) => r.rank) : [opts.rank];
      if (opts.rank !== undefined && opts.rank >= job.worldSize)
        throw new DtrainError(
          'E_USAGE',
          `--rank ${opts.rank}: job ${job.id} has ranks 0-${job.worldSize - 1}`,
          {
            category: 'config',
          },
        );
      const offsets = new Map<number, number>();
      const prefix = ranks.length > 1;
      const pump = () => {
        for (const rank of ranks) {
          const path = store.logPath(job.id, rank);
          if (!existsSync(path)) continue;
          const from = offsets.get(rank) ?? 0;
          const size = statSync(path).size;
          if (size <= from) continue;
          const text = readFileSync(path).subarray(from, size).toString('utf8');
          // Print whole lines only; a partial last line waits for its end.
          const end = text.lastIndexOf('\n') + 1;
          offsets.set(rank, from + Buffer.byteLength(text.slice(0, end)));
          for (const line of text.slice(0, end).split('\n').slice(0, -1)) {
            if (opts.json) io.stdout.write(`${JSON.stringify({ rank, line })}\n`);
            else io.stdout.write(prefix ? `[rank ${rank}] ${line}\n` : `${line}\n`);
          }
        }
      };
      pump();
      if (!opts.follow) return;
      for (;;) {
        const state = store.read(job.id).state;
        await new Promise((r) => setTimeout(r, 200));
        pump();
        if (state !== 'running' && state !== 'pending') return;
      }
    });
}

function parseRank(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new DtrainError('E_USAGE', `--rank must be a whole number ≥ 0 (got ${JSON.stringify(value)})`, {
      category: 'config',
    });
  return n;
}
