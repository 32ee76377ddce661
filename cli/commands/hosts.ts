/**
 * `dtrain hosts trust JOB`: reads the host key of every remote host of the job (and of its jump
 * hosts), prints each SHA256 fingerprint with whether known_hosts knows it, and records the unknown
 * ones after a yes (asked on a TTY, or `--yes`). A changed key is never replaced: the user removes
 * the old line with `ssh-keygen -R` first, knowing why it changed. Exit 0 when every host is
 * trusted, 2 when unknown keys were left unrecorded, 3 for changed or revoked keys and unreachable hosts.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { EXIT } from '../../configs/errors.js';
import type { JobSpec } from '../../configs/job-spec.js';
import { appendKnownHost, hostKeyName } from '../../launcher/known-hosts.js';
import type { HostKeyReport } from '../../launcher/transports/ssh.js';
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
      io.exitCode = await trustHosts(io, await loadJob(io, file), file, opts.yes ?? false);
    });
}

async function trustHosts(io: CliIO, spec: JobSpec, file: string, yes: boolean): Promise<number> {
  // ssh2 loads only for the commands that connect somewhere.
  const { scanHostKeys } = await import('../../launcher/transports/ssh.js');
  let scan = await scanHostKeys({ spec, env: io.env });
  if (scan.reports.length === 0) {
    println(io.stdout, `${file} has no remote hosts; nothing to trust`);
    return EXIT.ok;
  }
  printTable(io, scan.reports);
  const unknown = scan.reports.filter((r) => r.status === 'unknown');
  if (unknown.length > 0) {
    const what = `${unknown.length} new host key${unknown.length === 1 ? '' : 's'}`;
    if (!yes && !io.stdin.isTTY) {
      println(
        io.stderr,
        `dtrain: ${what} not recorded: check the fingerprints above, then pass --yes to record them`,
      );
      return EXIT.badInput;
    }
    if (!yes && !(await ask(io, `Record ${what} in ${scan.knownHosts}? [y/N] `))) {
      println(io.stderr, 'dtrain: nothing recorded');
      return EXIT.badInput;
    }
    for (const r of unknown) await appendKnownHost(scan.knownHosts, r.hostName, r.port, r.key!);
    println(io.stdout, `recorded ${what} in ${scan.knownHosts}`);
    // Hosts behind a jump host that was just trusted can be read now.
    if (scan.reports.some((r) => r.status === 'error' && r.via !== undefined)) {
      scan = await scanHostKeys({ spec, env: io.env });
      printTable(
        io,
        scan.reports.filter((r) => r.via !== undefined),
      );
      const next = scan.reports.filter((r) => r.status === 'unknown');
      for (const r of next) await appendKnownHost(scan.knownHosts, r.hostName, r.port, r.key!);
      if (next.length > 0) println(io.stdout, `recorded ${next.length} more in ${scan.knownHosts}`);
    }
  }
  let code: number = EXIT.ok;
  for (const r of scan.reports) {
    if (r.status === 'changed') {
      code = EXIT.infra;
      const entry = hostKeyName(r.hostName, r.port);
      println(io.stderr, `dtrain: host key of ${r.host} has CHANGED; dtrain never replaces a known key.`);
      println(
        io.stderr,
        '  If you know why (the host was reinstalled), remove the old line, then run this again:',
      );
      println(io.stderr, `  ssh-keygen -R '${entry}' -f ${scan.knownHosts}`);
    } else if (r.status === 'revoked') {
      code = EXIT.infra;
      println(io.stderr, `dtrain: host key of ${r.host} is marked @revoked in ${scan.knownHosts}`);
    } else if (r.status === 'error') {
      code = EXIT.infra;
      println(io.stderr, `dtrain: ${r.error}`);
    }
  }
  return code;
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
