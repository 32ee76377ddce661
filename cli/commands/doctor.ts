/**
 * `dtrain doctor JOB`: starts the job's ranks on its hosts and measures the collectives between them
 * (all-reduce bus bandwidth and latency per size next to raw TCP), then prints the table. Checks of
 * SSH, host keys, Node and disk join it with the SSH transport.
 */
import type { Command } from 'commander';
import type { JobSpec } from '../../configs/job-spec.js';
import { dtrainHome, type JobEvent, runJob } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';
import { loadJob, withStopSignals } from '../job-args.js';
import { formatDoctorTable, isDoctorResult } from '../render/doctor-table.js';
import { plainLines } from '../render/plain.js';

export function registerDoctor(program: Command, io: CliIO): void {
  program
    .command('doctor')
    .description("check the job's hosts and measure the collectives between its ranks")
    .argument('<job>', 'job file (YAML)')
    .option('--local', 'run every host of the file as local processes on this machine')
    .option('--sizes <bytes...>', 'all-reduce sizes in bytes (default 8 1024 65536 1048576 16777216)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { local?: boolean; sizes?: string[]; json?: boolean }) => {
      const job = await loadJob(io, file);
      const params: Record<string, unknown> = { ...(job.framework === 'doctor' ? job.params : {}) };
      if (opts.sizes) params['sizes'] = opts.sizes.map(Number);
      const spec: JobSpec = { ...job, framework: 'doctor', parallelism: 'data', params, data: undefined };
      const steps = new Map<string, Map<string, string>>();
      const show = (e: JobEvent) => {
        if (e.type === 'host-step' && e.state !== 'running') {
          const row = steps.get(e.host) ?? new Map<string, string>();
          row.set(
            e.step,
            e.state === 'done' ? (e.detail ?? 'ok') : `${e.state}${e.detail ? `: ${e.detail}` : ''}`,
          );
          steps.set(e.host, row);
        }
        // The doctor prints its tables at the end; along the way only what went wrong.
        if (
          !opts.json &&
          (e.type === 'stopping' || e.type === 'connection-rejected' || e.type === 'rank-lost')
        )
          for (const line of plainLines(e)) println(io.stderr, line);
      };
      const result = await withStopSignals((signal) =>
        runJob(spec, {
          local: opts.local ?? false,
          home: dtrainHome(io.env),
          env: io.env,
          cwd: io.cwd,
          onEvent: show,
          signal,
        }),
      );
      const hosts = Object.fromEntries([...steps].map(([h, row]) => [h, Object.fromEntries(row)]));
      if (opts.json) println(io.stdout, JSON.stringify({ ...result, hosts }));
      else {
        for (const line of hostLines(steps)) println(io.stdout, line);
        if (isDoctorResult(result.result)) {
          println(io.stdout, `peers: all ${result.result.worldSize} ranks reached each other on their ports`);
          for (const line of formatDoctorTable(result.result)) println(io.stdout, line);
        } else println(io.stderr, `doctor: ${result.error ?? 'no result'}`);
      }
      io.exitCode = result.exitCode;
    });
}

const CHECKS = ['connect', 'host-key', 'node', 'gpus', 'disk', 'clock', 'upload', 'setup'];

/** Per remote host, what each check found. */
function hostLines(steps: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  const lines: string[] = [];
  for (const [host, row] of steps) {
    lines.push(`host ${host}`);
    for (const check of CHECKS) {
      const found = row.get(check);
      if (found !== undefined) lines.push(`  ${check.padEnd(9)} ${found}`);
    }
  }
  return lines;
}
