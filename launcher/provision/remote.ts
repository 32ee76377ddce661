/**
 * What provisioning needs of a host, whatever carries it: run a shell command, copy a file there,
 * rename a path. ssh.ts implements it over one SSH connection (exec channels and SFTP); tests
 * implement it with local processes. Paths are absolute paths on the host.
 */
export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RemoteHost {
  /** The host as the user wrote it, for messages. */
  readonly name: string;
  /** Runs `command` through the host's shell; `stdin` is written, then closed. */
  exec(command: string, options?: { readonly stdin?: string }): Promise<ExecResult>;
  /** Copies a local file to a path on the host (the folder exists). */
  putFile(localPath: string, remotePath: string): Promise<void>;
  /** Renames a path on the host; fails when `to` already exists. */
  rename(from: string, to: string): Promise<void>;
}

/** The last lines of a command's stderr (or stdout when stderr is empty), for an error's detail. */
export function lastLines(result: ExecResult, count = 5): string {
  const text = result.stderr.trim() !== '' ? result.stderr : result.stdout;
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
