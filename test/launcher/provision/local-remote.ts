/** A RemoteHost that is this machine (/bin/sh and the file system), for provisioning tests. */
import { spawn } from 'node:child_process';
import { copyFile, rename, stat } from 'node:fs/promises';
import type { ExecResult, RemoteHost } from '../../../launcher/provision/index.js';

export interface LocalRemote extends RemoteHost {
  /** Every command run, in order. */
  readonly commands: string[];
  /** Files copied, as remote paths. */
  readonly puts: string[];
}

export function localRemote(
  name = 'test-host',
  hooks: { afterPut?: (path: string) => Promise<void> } = {},
): LocalRemote {
  const commands: string[] = [];
  const puts: string[] = [];
  return {
    name,
    commands,
    puts,
    exec(command, options) {
      commands.push(command);
      return new Promise<ExecResult>((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.once('error', reject);
        child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
        child.stdin.on('error', () => {});
        child.stdin.end(options?.stdin ?? '');
      });
    },
    async putFile(localPath, remotePath) {
      puts.push(remotePath);
      await copyFile(localPath, remotePath);
      await hooks.afterPut?.(remotePath);
    },
    async rename(from, to) {
      // SFTP's rename refuses an existing target; so does this one.
      if (
        await stat(to).then(
          () => true,
          () => false,
        )
      )
        throw new Error(`${to} exists`);
      await rename(from, to);
    },
  };
}
