/**
 * The job's `setup:` commands, run once per host and bundle hash: each goes through the host's shell
 * exactly as the user wrote it (shell syntax is their intent), with `remote.env` exported, in order,
 * stopping at the first failure. A marker `<workdir>/setup-<sha256(setup + hash)>.done` records
 * success, so the next run with the same commands and runtime skips them.
 */
import { createHash } from 'node:crypto';
import { DtrainError } from '../../configs/errors.js';
import { envWords, shellQuote as q } from '../transports/index.js';
import { type RemoteHost, lastLines } from './remote.js';

export interface SetupOptions {
  readonly commands: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly bundleHash: string;
  readonly workdir: string;
  /** Told each command as it starts. */
  readonly onCommand?: (command: string) => void;
}

export function setupMarker(workdir: string, commands: readonly string[], bundleHash: string): string {
  const id = createHash('sha256')
    .update(`${commands.join('\n')}\0${bundleHash}`)
    .digest('hex')
    .slice(0, 16);
  return `${workdir}/setup-${id}.done`;
}

export async function runSetup(remote: RemoteHost, o: SetupOptions): Promise<'done' | 'skipped'> {
  if (o.commands.length === 0) return 'skipped';
  const marker = setupMarker(o.workdir, o.commands, o.bundleHash);
  const seen = await remote.exec(`test -f ${q(marker)} && echo done || echo todo`);
  if (seen.stdout.trim() === 'done') return 'skipped';
  const words = envWords(o.env).map((word) => q(word));
  const prefix = words.length > 0 ? `export ${words.join(' ')}; ` : '';
  for (const command of o.commands) {
    o.onCommand?.(command);
    const r = await remote.exec(`${prefix}cd ${q(o.workdir)} && ${command}`);
    if (r.code !== 0)
      throw new DtrainError(
        'E_SETUP_FAILED',
        `setup failed on ${remote.name}: \`${command}\` ${r.code === null ? `was killed by ${r.signal}` : `exited with code ${r.code}`}`,
        { category: 'infra', detail: lastLines(r) },
      );
  }
  await remote.exec(`printf '%s\\n' ${q(o.bundleHash)} > ${q(marker)}`);
  return 'done';
}
