/**
 * Starting one rank on a connection: the command prints its shell's pid (its process group) before
 * `exec`, the bootstrap line goes on stdin then EOF, lines stream back as they complete, and the
 * exit is the channel's status, or "lost" with a reason when the connection, not the process, ends.
 */
import type { ClientChannel } from 'ssh2';
import { DtrainError } from '../../../configs/errors.js';
import type { RankPlan } from '../../plan/contract.js';
import type { RankExit, RankProcess, StartOptions } from '../types.js';
import { lineSplitter } from './lines.js';
import { type Link, queueKill } from './link.js';

/** The exit of a remote rank; `reason` says why when the connection, not the process, ended it. */
export interface SshRankExit extends RankExit {
  readonly reason?: string;
}

const PID_TIMEOUT_MS = 30_000;

/** The plan's worker entry becomes the uploaded bundle's; `--coordinator` becomes the forwarded port. */
export function rewriteArgv(argv: readonly string[], entry: string, coordinator: string): string[] {
  const out = [...argv];
  if (out[0] === 'node' && out[1] !== undefined && /\/bundles\/[^/]+\/worker\.m?js$/.test(out[1]))
    out[1] = entry;
  const i = out.indexOf('--coordinator');
  if (i >= 0 && i + 1 < out.length) out[i + 1] = coordinator;
  return out;
}

export function startRank(
  link: Link,
  rank: RankPlan,
  start: StartOptions,
  command: string,
): Promise<RankProcess> {
  return new Promise((resolve, reject) => {
    link.client.exec(command, (err, ch: ClientChannel) => {
      if (err) {
        link.ranks--;
        return reject(
          new DtrainError(
            'E_START',
            `could not start rank ${rank.rank} on ${rank.hostName}: ${err.message}`,
            { category: 'infra', cause: err },
          ),
        );
      }
      let pid: number | undefined;
      const early: string[] = [];
      let exit: SshRankExit | undefined;
      let settle!: (e: SshRankExit) => void;
      const exited = new Promise<SshRankExit>((res) => {
        settle = (e) => {
          if (exit && e !== exit) return;
          exit = e;
          link.onLost.delete(onLost);
          link.ranks--;
          res(e);
        };
      });
      let status: { code: number | null; signal: string | null } | undefined;
      const onLost = (reason: string) => {
        start.onLine('stderr', `dtrain: ${reason}; rank ${rank.rank} is considered lost`);
        settle({ code: null, signal: 'SIGHUP', reason });
      };
      link.onLost.add(onLost);
      const timer = setTimeout(() => {
        ch.close();
        reject(
          new DtrainError(
            'E_START',
            `rank ${rank.rank} on ${rank.hostName} did not start within ${PID_TIMEOUT_MS / 1000}s`,
            { category: 'infra', detail: early.join('\n') },
          ),
        );
      }, PID_TIMEOUT_MS);
      const stdout = lineSplitter((line) => {
        if (pid !== undefined) return start.onLine('stdout', line);
        if (!/^\d+$/.test(line)) return early.push(line);
        pid = Number(line);
        clearTimeout(timer);
        resolve({
          rank: rank.rank,
          pid,
          exited,
          kill: (signal) => queueKill(link, signal, pid!),
        });
      });
      const stderr = lineSplitter((line) => {
        if (pid === undefined) early.push(line);
        start.onLine('stderr', line);
      });
      ch.on('data', (d: Buffer) => stdout.push(d));
      ch.stderr.on('data', (d: Buffer) => stderr.push(d));
      ch.on('exit', (code: number | null, signal?: string) => {
        status = { code: code ?? null, signal: signal ?? null };
      });
      ch.on('close', () => {
        stdout.end();
        stderr.end();
        clearTimeout(timer);
        if (pid === undefined) {
          link.ranks--;
          link.onLost.delete(onLost);
          return reject(
            new DtrainError(
              'E_START',
              `rank ${rank.rank} did not start on ${rank.hostName} (exit ${status?.code ?? status?.signal ?? 'unknown'})`,
              {
                category: 'infra',
                detail: early.slice(-5).join('\n'),
              },
            ),
          );
        }
        if (status) return settle(status);
        // No exit status: the connection is going away; its close names the reason.
        setTimeout(
          () =>
            settle({
              code: null,
              signal: 'SIGHUP',
              reason: `the SSH channel to ${rank.hostName} closed without an exit status`,
            }),
          200,
        );
      });
      // The token travels only here: on the channel's stdin, then EOF.
      ch.on('error', () => {});
      ch.end(`${start.bootstrap}\n`);
    });
  });
}
