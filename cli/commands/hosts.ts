/**
 * `dtrain hosts trust JOB`: reads the host key of every remote host of the job (and of its jump
 * hosts), prints each SHA256 fingerprint with whether known_hosts knows it, and records the unknown
 * ones after a yes (asked on a TTY, or `--yes`). A changed key is never replaced: the user removes
 * the old line with `ssh-keygen -R` first, knowing why it changed. Exit 0 when every host is
 * trusted, 2 when unknown keys were left unrecorded, 3 for changed or revoked keys and unreachable hosts.
 * The protocol itself runs in the launcher (trustHosts); this command answers its question and renders.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { EXIT } from '../../configs/errors.js';
import { type HostKeyReport, trustHosts } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';
import { loadJob } from '../job-args.js';

export function registerHosts(program: Command, io: CliIO): void {
  program
    .command('hosts')
    .description("the SSH host keys of a job's hosts")
    .command('trust')
    .description("show the host key fingerprints of a job's hosts and record new ones in known_hosts")
    .argument('<job>', 'job file (YAML)')
    .option('-y, --yes', 'record unknown keys without asking')
    .action(async (file: string, opts: { yes?: boolean }) => {
      io.exitCode = await trust(io, file, opts.yes ?? false);
    });
}

/** Runs the launcher's trust protocol, answering its question from --yes or the TTY, and renders it. */
async function trust(io: CliIO, file: string, yes: boolean): Promise<number> {
  const spec = await loadJob(io, file);
  const result = await trustHosts({
    spec,
    env: io.env,
    onReports: (reports) => printTable(io, reports),
    confirm: async (unknown, knownHosts) => {
      const what = newKeys(unknown.length);
      if (yes) return true;
      if (!io.stdin.isTTY) {
        println(
          io.stderr,
          `dtrain: ${what} not recorded: check the fingerprints above, then pass --yes to record them`,
        );
        return false;
      }
      if (await ask(io, `Record ${what} in ${knownHosts}? [y/N] `)) return true;
      println(io.stderr, 'dtrain: nothing recorded');
      return false;
    },
    onRecorded: (count, knownHosts, again) =>
      println(
        io.stdout,
        again ? `recorded ${count} more in ${knownHosts}` : `recorded ${newKeys(count)} in ${knownHosts}`,
      ),
  });
  if (result.outcome === 'no-remote-hosts') {
    println(io.stdout, `${file} has no remote hosts; nothing to trust`);
    return EXIT.ok;
  }
  if (result.outcome === 'declined') return EXIT.badInput;
  for (const r of result.problems) {
    if (r.status === 'changed') {
      println(io.stderr, `dtrain: host key of ${r.host} has CHANGED; dtrain never replaces a known key.`);
      println(
        io.stderr,
        '  If you know why (the host was reinstalled), remove the old line, then run this again:',
      );
      println(io.stderr, `  ssh-keygen -R '${r.entry}' -f ${result.knownHosts}`);
    } else if (r.status === 'revoked') {
      println(io.stderr, `dtrain: host key of ${r.host} is marked @revoked in ${result.knownHosts}`);
    } else {
      println(io.stderr, `dtrain: ${r.error}`);
    }
  }
  return result.problems.length > 0 ? EXIT.infra : EXIT.ok;
}

function newKeys(count: number): string {
  return `${count} new host key${count === 1 ? '' : 's'}`;
}

function printTable(io: CliIO, reports: readonly HostKeyReport[]): void {
  const rows = [
    ['host', 'address', 'key', 'fingerprint', 'status'],
    ...reports.map((r) => [
      r.via ? `${r.host} (via ${r.via})` : r.host,
      `${r.hostName}:${r.port}`,
      r.keyType ?? '-',
      r.fingerprint ?? '-',
      r.status === 'ok' ? 'known' : r.status,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows)
    println(
      io.stdout,
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    );
}

async function ask(io: CliIO, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
