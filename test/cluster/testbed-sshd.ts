/**
 * Keys and sshd for the test bed: ed25519 keys made with ssh-keygen, an sshd_config per host, and
 * Debian's /usr/sbin/sshd run in the foreground (-D) inside a host's network namespace and its own
 * UTS namespace (so `hostname` prints the host's name), logging to a file (-E).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../helpers/cluster.js';

const execFileP = promisify(execFile);

/** Makes an ed25519 key pair without passphrase at `path`; returns the public key `type base64`. */
export async function generateKey(path: string, comment: string): Promise<string> {
  await execFileP(toolPath('sshKeygen')!, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return publicKeyOf(readFileSync(`${path}.pub`, 'utf8'));
}

/** `ssh-ed25519 AAAA... comment` → `ssh-ed25519 AAAA...`. */
export function publicKeyOf(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** OpenSSH's SHA256 fingerprint of a public key, as `ssh-keygen -l` prints it: `SHA256:<base64>`. */
export function fingerprintOf(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export interface SshdFiles {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
  readonly port: number;
  readonly hostKeyPath: string;
  readonly configPath: string;
  readonly logPath: string;
  readonly pidPath: string;
  readonly authorizedKeysPath: string;
  /** First on the sessions' PATH; empty unless a test puts a fake program there. */
  readonly binDir: string;
}

function quote(value: string): string {
  return `"${value}"`;
}

/** Writes the host's sshd_config. Every setting is here: no system config is included. */
export function writeSshdConfig(f: SshdFiles): void {
  // Non-interactive sessions get sshd's compiled-in PATH; put the test's own node first so `node`
  // on every host is the one running the tests (after binDir, where a test may shadow it).
  const path = [
    f.binDir,
    dirname(process.execPath),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  const lines = [
    `ListenAddress ${f.address}:${f.port}`,
    `HostKey ${quote(f.hostKeyPath)}`,
    `PidFile ${quote(f.pidPath)}`,
    `AuthorizedKeysFile ${quote(f.authorizedKeysPath)}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // The temp folder is not owned the way StrictModes wants.
    'StrictModes no',
    // The launcher forwards the coordinator's port to each host (ssh -R).
    'AllowTcpForwarding yes',
    'MaxSessions 64',
    'MaxStartups 64',
    'PrintMotd no',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    `SetEnv ${quote(`PATH=${[...new Set(path)].join(':')}`)}`,
  ];
  writeFileSync(f.configPath, `${lines.join('\n')}\n`);
}

function logSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function logSince(path: string, offset: number): string {
  if (!existsSync(path)) return '';
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts sshd in the host's namespaces and resolves once its log says it listens. The child is
 * unref'd: a test that forgets destroy() still exits, and the exit hook kills sshd.
 */
export async function startSshd(f: SshdFiles): Promise<ChildProcess> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
  const offset = logSize(f.logPath);
  // ip netns exec → unshare → sh → sshd all exec in place: child.pid is sshd's pid.
  const child = spawn(
    toolPath('ip')!,
    [
      'netns',
      'exec',
      f.ns,
      toolPath('unshare')!,
      '--uts',
      '/bin/sh',
      '-c',
      'printf %s "$0" > /proc/sys/kernel/hostname && exec /usr/sbin/sshd -D -f "$1" -E "$2"',
      f.name,
      f.configPath,
      f.logPath,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.unref();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const log = logSince(f.logPath, offset);
    if (log.includes('Server listening on')) return child;
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sshd on ${f.name} (${f.ns}) did not start:\n${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Stops the listening sshd (established sessions live on, as with `systemctl stop ssh`). */
export async function stopSshd(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}
